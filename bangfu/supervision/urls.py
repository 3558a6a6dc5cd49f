from django.urls import path  # noqa: F401 (the parts add their pages)

from .views import surveys

app_name = "supervision"
urlpatterns: list = [
    # inspection rounds and their samples
    # findings and their rectification
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
    # bulletins and figures
]
