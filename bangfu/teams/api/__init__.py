"""The teams app's API operations, one ``ninja.Router`` per part of the work, each added in
``bangfu.api.main``."""
