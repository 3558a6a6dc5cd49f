"""The teams app's forms, one module per part of the work (``admin``: teams and members)."""
