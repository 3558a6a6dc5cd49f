"""Forms of supervision's pages, one module per part of the work (as ``views``)."""
