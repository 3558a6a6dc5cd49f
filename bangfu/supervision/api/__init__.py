"""Supervision over the API, one router a part: ``rounds``, ``findings``, ``surveys``,
``scores``, ``bulletins``."""
