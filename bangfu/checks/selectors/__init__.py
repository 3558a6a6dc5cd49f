"""Reads of the monthly check: every list starts from ``visible_to``; a record outside the
reader's places answers 404 as a missing one. One module per part of the work:
``differences`` (the differences, problem lists, the household page's section)."""
