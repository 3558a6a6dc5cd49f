"""The projects app over the API, one router module per part: ``ledger``."""
