"""Reads of the projects app, one module per part of the work (``figures``: the funds summary
and the indicators counted from the records; ``coverage``: household income projects)."""
