from django.urls import path

from bangfu.visits.views import service_worker

from .views import bulletins, findings, phone, rounds, scores, surveys

app_name = "supervision"
urlpatterns = [
    # inspection rounds and their samples
    path("rounds/", rounds.rounds, name="rounds"),
    path("rounds/plan/", rounds.round_plan, name="round_plan"),
    path("rounds/<id:round_id>/", rounds.round_detail, name="round"),
    path("rounds/<id:round_id>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<id:round_id>/draw/", rounds.round_draw, name="round_draw"),
    path("rounds/<id:round_id>/redraw/", rounds.round_redraw, name="round_redraw"),
    path("rounds/<id:round_id>/close/", rounds.round_close, name="round_close"),
    path("rounds/<id:round_id>/check/", rounds.round_verify, name="round_verify"),
    path("rounds/<id:round_id>/surveys/", phone.round_surveys, name="round_surveys"),
    # the visits' service worker, over /supervision/: an inspector's pages work offline
    path("sw.js", service_worker, name="service_worker"),
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
    path("surveys/", surveys.surveys, name="surveys"),
    path("surveys/record/", surveys.survey_record, name="survey_record"),
    path("surveys/record/<id:household_id>/", surveys.survey_household, name="survey_household"),
    path("surveys/satisfaction/", surveys.satisfaction, name="satisfaction"),
    path("surveys/<id:survey_id>/", surveys.survey, name="survey"),
    path("questionnaires/", surveys.questionnaires, name="questionnaires"),
    path("questionnaires/add/", surveys.questionnaire_add, name="questionnaire_add"),
    path("questionnaires/<id:questionnaire_id>/", surveys.questionnaire, name="questionnaire"),
    path(
        "questionnaires/<id:questionnaire_id>/questions/",
        surveys.question_add,
        name="question_add",
    ),
    path(
        "questionnaires/<id:questionnaire_id>/retire/",
        surveys.questionnaire_retire,
        name="questionnaire_retire",
    ),
    path(
        "questionnaires/questions/<id:question_id>/edit/",
        surveys.question_edit,
        name="question_edit",
    ),
    path(
        "questionnaires/questions/<id:question_id>/retire/",
        surveys.question_retire,
        name="question_retire",
    ),
    # scoring schemes, the month's scores, hygiene
    path("schemes/", scores.schemes, name="schemes"),
    path("schemes/new/", scores.scheme_create, name="scheme_create"),
    path("schemes/<id:scheme_id>/", scores.scheme_edit, name="scheme_edit"),
    path("scores/", scores.scores, name="scores"),
    path("scores/subject/", scores.score_subject, name="score_subject"),
    path("scores/year/", scores.year_totals, name="year_totals"),
    path("hygiene/", scores.hygiene, name="hygiene"),
    path("hygiene/entry/", scores.hygiene_entry, name="hygiene_entry"),
    # bulletins and figures
    path("bulletins/", bulletins.bulletins, name="bulletins"),
    path("bulletins/add/", bulletins.bulletin_create, name="bulletin_create"),
    path("bulletins/<id:bulletin_id>/", bulletins.bulletin, name="bulletin"),
    path("bulletins/<id:bulletin_id>/edit/", bulletins.bulletin_edit, name="bulletin_edit"),
    path(
        "bulletins/<id:bulletin_id>/publish/", bulletins.bulletin_publish, name="bulletin_publish"
    ),
    path(
        "bulletins/<id:bulletin_id>/correct/", bulletins.bulletin_correct, name="bulletin_correct"
    ),
    path("bulletins/<id:bulletin_id>/bulletin.docx", bulletins.bulletin_docx, name="bulletin_docx"),
    path("bulletins/<id:bulletin_id>/bulletin.pdf", bulletins.bulletin_pdf, name="bulletin_pdf"),
]
