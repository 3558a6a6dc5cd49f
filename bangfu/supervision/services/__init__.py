"""Writes of supervision (督查考评): one function per use case, one transaction, audited with
the place. One module per part of the work, all named here: ``rounds`` (inspection rounds and
their samples), ``findings`` (findings and their rectification), ``surveys`` (questionnaires
and household surveys, and the findings their answers raise), ``scores`` (scoring schemes,
the points people give, publishing a month's scores, hygiene), ``bulletins``.
"""

from .bulletins import bulletin_create, bulletin_publish, bulletin_update

__all__ = [
    # bulletins
    "bulletin_create",
    "bulletin_publish",
    "bulletin_update",
]
