from django.urls import path

from . import views

app_name = "pairing"
urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("units/", views.units, name="units"),
    path("units/<id:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("places/<place:code>/chain/", views.chain, name="chain"),
    path("helpers/", views.helpers, name="helpers"),
    path("helpers/<id:helper_id>/edit/", views.helper_edit, name="helper_edit"),
    path("helpers/<id:helper_id>/transfer/", views.transfer, name="transfer"),
    path("helpers/<id:helper_id>/leave/", views.leave, name="leave"),
    path("households/<id:household_id>/pair/", views.pair, name="pair"),
    path("pairings/<id:pairing_id>/end/", views.end, name="end"),
    path("pairings/<id:pairing_id>/handover/", views.handover, name="handover"),
]
