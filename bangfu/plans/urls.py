from django.urls import path

from bangfu.visits.views import service_worker

from . import views

app_name = "plans"
urlpatterns = [
    path("households/<id:household_id>/", views.plan, name="plan"),
    path("households/<id:household_id>/measures/add/", views.measure_add, name="measure_add"),
    path("measures/<id:measure_id>/edit/", views.measure_edit, name="measure_edit"),
    path("households/<id:household_id>/effect/", views.effect_record, name="effect_record"),
    path("overdue/", views.overdue, name="overdue"),
    path("places/<place:code>/overdue/", views.overdue, name="place_overdue"),
    path("households/<id:household_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    # The phone's service worker, served here so that its scope holds the acknowledge pages.
    path("sw.js", service_worker, name="service_worker"),
    path(
        "acknowledgements/<id:acknowledgement_id>/image/",
        views.acknowledgement_image,
        name="acknowledgement_image",
    ),
]
