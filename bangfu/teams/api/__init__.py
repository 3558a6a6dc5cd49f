"""The teams app's API, one ``ninja.Router`` per part of the work, each added in
``bangfu/api/main.py``."""
