"""Reads of the monthly check, one module per part: ``reports`` (the self-check reports and
their figures, the township's list, the home page's reminders)."""
