"""The projects app's pages, one module per part: ``ledger``."""
