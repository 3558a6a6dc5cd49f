"""Reads of supervision, one module per part of the work, all named here: ``rounds``,
``findings``, ``surveys``, ``scores``, ``bulletins`` and ``figures`` (the indicators)."""

from .rounds import (
    check_draw,
    current_draw,
    draws_of,
    round_actions,
    round_detail,
    round_for,
    rounds_of,
    sample_of,
    sample_verify,
    sampled,
)

__all__ = [
    # rounds
    "check_draw",
    "current_draw",
    "draws_of",
    "round_actions",
    "round_detail",
    "round_for",
    "rounds_of",
    "sample_of",
    "sample_verify",
    "sampled",
]
