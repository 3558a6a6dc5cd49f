"""Reads of supervision, one module per part of the work, all named here: ``rounds``,
``findings``, ``surveys``, ``scores``, ``bulletins`` and ``figures`` (the indicators)."""

from .bulletins import bulletin_content, bulletin_for, bulletins_of, is_draft
from .figures import place_figures

__all__ = [
    # bulletins and figures
    "bulletin_content",
    "bulletin_for",
    "bulletins_of",
    "is_draft",
    "place_figures",
]
