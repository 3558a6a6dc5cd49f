"""Pages of projects and funds, one module per part of the work: ``library`` (the project
library), ``ledger`` (the funds ledger), ``assistance`` (assets, donations, consumption
assistance, coverage, collective income), ``sheets`` (the county's sheets), ``figures`` (the
funds summary)."""
