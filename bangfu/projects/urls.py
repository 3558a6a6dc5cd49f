from django.urls import path

from .views import library

app_name = "projects"
urlpatterns = [
    # the project library (part A)
    path("", library.library, name="library"),
    path("add/", library.project_add, name="project_add"),
    path("<id:project_id>/", library.project, name="project"),
    path("<id:project_id>/edit/", library.project_edit, name="project_edit"),
    path("<id:project_id>/step/", library.project_advance, name="project_advance"),
    path("<id:project_id>/outputs/", library.output_record, name="output_record"),
    path("<id:project_id>/progress/", library.progress_note_record, name="progress_note_record"),
    path("<id:project_id>/households/", library.beneficiary_add, name="beneficiary_add"),
    path(
        "<id:project_id>/households/<id:household_id>/remove/",
        library.beneficiary_remove,
        name="beneficiary_remove",
    ),
    path("<id:project_id>/files/", library.project_file_add, name="project_file_add"),
    path("files/<id:file_id>/", library.project_file, name="project_file"),
]
