"""Reads of supervision, one module per part of the work, all named here: ``rounds``,
``findings``, ``surveys``, ``scores``, ``bulletins`` and ``figures`` (the indicators)."""

from .surveys import (  # noqa: F401 (named here for the pages, the API and other parts)
    Satisfaction,
    questionnaire_in_use,
    questionnaires_of,
    satisfaction,
    satisfaction_by_place,
    satisfaction_counts,
    survey_detail,
    surveys_of,
)
