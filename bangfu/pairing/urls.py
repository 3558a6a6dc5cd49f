from django.urls import path

from . import views

app_name = "pairing"
urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("units/", views.units, name="units"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("places/<str:code>/chain/", views.chain, name="chain"),
    path("helpers/", views.helpers, name="helpers"),
    path("helpers/<int:helper_id>/edit/", views.helper_edit, name="helper_edit"),
    path("helpers/<int:helper_id>/transfer/", views.transfer, name="transfer"),
    path("helpers/<int:helper_id>/leave/", views.leave, name="leave"),
    path("households/<int:household_id>/pair/", views.pair, name="pair"),
    path("pairings/<int:pairing_id>/end/", views.end, name="end"),
]
