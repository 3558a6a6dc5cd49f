"""The monthly check over the API, one module (and router) per part of the work:
``snapshots``, ``differences`` and ``reports`` (self-check reports)."""
