"""Pages of the monthly check, one module per part of the work: ``snapshots`` (the months
stored), ``differences`` (the differences, their handling and the problem lists) and
``reports`` (self-check reports)."""
