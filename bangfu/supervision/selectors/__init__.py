"""Reads of supervision, one module per part of the work, all named here: ``rounds``,
``findings``, ``surveys``, ``scores``, ``bulletins`` and ``figures`` (the indicators)."""

from . import scores  # noqa: F401
