from django.urls import path  # noqa: F401 (the parts add their pages)

from .views import scores

app_name = "supervision"
urlpatterns: list = [
    # inspection rounds and their samples
    # findings and their rectification
    # questionnaires and household surveys
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
]
