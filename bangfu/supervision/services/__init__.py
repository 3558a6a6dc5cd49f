"""Writes of supervision (督查考评): one function per use case, one transaction, audited with
the place. One module per part of the work, all named here: ``rounds`` (inspection rounds and
their samples), ``findings`` (findings and their rectification), ``surveys`` (questionnaires
and household surveys, and the findings their answers raise), ``scores`` (scoring schemes,
the points people give, publishing a month's scores, hygiene), ``bulletins``.
"""

from .scores import (  # noqa: F401
    ItemInput,
    hygiene_score,
    item_score_set,
    scheme_create,
    scheme_update,
    scores_publish,
)
