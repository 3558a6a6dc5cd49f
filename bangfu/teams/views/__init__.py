"""The teams app's pages, one module per part of the work (thin: parameters, one selector
or service, a template)."""
