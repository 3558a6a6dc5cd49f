"""Pages of projects and funds, one module per part: ``library`` (the project library)."""
