"""Pages of projects and funds, one module per part of the work (``figures``: the funds
summary)."""
