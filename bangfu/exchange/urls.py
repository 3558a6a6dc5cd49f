from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/national/", views.snapshot_upload, name="snapshot_upload"),
    path("imports/<id:job_id>/", views.import_detail, name="import_detail"),
    path("imports/<id:job_id>/commit/", views.import_commit, name="import_commit"),
    path("imports/<id:job_id>/errors.xlsx", views.import_errors, name="import_errors"),
    path("template.xlsx", views.import_template, name="import_template"),
    path("synonyms/", views.synonyms, name="synonyms"),
    path("exports/", views.export_start, name="export_start"),
    path("exports/<id:job_id>/", views.export_detail, name="export_detail"),
    path("exports/<id:job_id>/file.xlsx", views.export_file, name="export_file"),
]
