from django.urls import path  # noqa: F401 (the parts add their pages)

from .views import rounds

app_name = "supervision"
urlpatterns: list = [
    # inspection rounds and their samples
    path("rounds/", rounds.rounds, name="rounds"),
    path("rounds/plan/", rounds.round_plan, name="round_plan"),
    path("rounds/<id:round_id>/", rounds.round_detail, name="round"),
    path("rounds/<id:round_id>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<id:round_id>/draw/", rounds.round_draw, name="round_draw"),
    path("rounds/<id:round_id>/redraw/", rounds.round_redraw, name="round_redraw"),
    path("rounds/<id:round_id>/close/", rounds.round_close, name="round_close"),
    path("rounds/<id:round_id>/check/", rounds.round_verify, name="round_verify"),
    # findings and their rectification
    # questionnaires and household surveys
    # scoring schemes, the month's scores, hygiene
    # bulletins and figures
]
