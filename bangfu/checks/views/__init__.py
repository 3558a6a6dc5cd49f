"""The monthly check's pages, one module per part of the work (``snapshots``)."""
