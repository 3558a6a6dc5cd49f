"""Pages of the monthly check, one module per part of the work (``differences``: the
differences, their handling and the problem lists)."""
