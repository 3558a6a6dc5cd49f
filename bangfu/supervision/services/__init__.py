"""Writes of supervision (督查考评): one function per use case, one transaction, audited with
the place. One module per part of the work, all named here: ``rounds`` (inspection rounds and
their samples), ``findings`` (findings and their rectification), ``surveys`` (questionnaires
and household surveys, and the findings their answers raise), ``scores`` (scoring schemes,
the points people give, publishing a month's scores, hygiene), ``bulletins``.
"""

from .surveys import (  # noqa: F401 (named here for the pages, the API and other parts)
    STANDARD_QUESTIONS,
    QuestionInput,
    question_add,
    question_retire,
    question_update,
    questionnaire_create,
    questionnaire_retire,
    survey_record,
    surveys_follow_household,
)
