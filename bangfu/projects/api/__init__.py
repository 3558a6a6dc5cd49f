"""Projects and funds over the API, one router a part: ``library`` (the project library)."""
