"""The teams app's pages, one module per part of the work; ``urls.py`` names them."""
