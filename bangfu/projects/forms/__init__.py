"""The projects app's forms, one module per part: ``library``, ``ledger``, ``assistance``."""
