"""Pages of the monthly check, one module per part: ``reports`` (self-check reports)."""
