from django.urls import path  # noqa: F401 (the parts add their pages)

from .views import findings

app_name = "supervision"
urlpatterns: list = [
    # inspection rounds and their samples
    # findings and their rectification
    path("findings/", findings.findings, name="findings"),
    path("findings/add/", findings.finding_add, name="finding_add"),
    path("findings/rates/", findings.rectification_rates, name="rectification_rates"),
    path("findings/<id:finding_id>/", findings.finding, name="finding"),
    path(
        "findings/<id:finding_id>/start/", findings.rectification_start, name="rectification_start"
    ),
    path(
        "findings/<id:finding_id>/submit/",
        findings.rectification_submit,
        name="rectification_submit",
    ),
    path(
        "findings/<id:finding_id>/close/", findings.rectification_close, name="rectification_close"
    ),
    path(
        "findings/<id:finding_id>/return/",
        findings.rectification_return,
        name="rectification_return",
    ),
    path(
        "findings/<id:finding_id>/evidence/",
        findings.finding_evidence_add,
        name="finding_evidence_add",
    ),
    path("findings/evidence/<id:evidence_id>/", findings.evidence_file, name="evidence_file"),
    # questionnaires and household surveys
    # scoring schemes, the month's scores, hygiene
    # bulletins and figures
]
