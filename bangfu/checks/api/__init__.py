"""The monthly check over the API, one module per part: ``reports`` (self-check reports)."""
