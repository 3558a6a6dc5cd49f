from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reported/", views.reported, name="reported"),
    path(
        "handbook/households/<id:household_id>/",
        views.handbook_household,
        name="handbook_household",
    ),
    path("handbook/places/<place:code>/", views.handbook_place, name="handbook_place"),
    path("handbook/jobs/<id:job_id>/", views.handbook_job, name="handbook_job"),
    path("handbook/jobs/<id:job_id>/file.pdf", views.handbook_job_file, name="handbook_job_file"),
]
