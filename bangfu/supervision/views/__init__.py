"""Pages of supervision, one module per part of the work: ``rounds`` (inspection rounds and
samples), ``findings`` (findings and rectification), ``surveys`` (questionnaires and household
surveys), ``scores`` (schemes, the month's scores, hygiene), ``bulletins``."""
