"""Projects and funds over the API, one router a part: ``library`` (the project library),
``ledger`` (the funds ledger), ``assistance`` (assets, donations, consumption assistance,
coverage, collective income)."""
