from django.urls import path  # noqa: F401 (the parts add their pages)

from .views import bulletins

app_name = "supervision"
urlpatterns: list = [
    # inspection rounds and their samples
    # findings and their rectification
    # questionnaires and household surveys
    # scoring schemes, the month's scores, hygiene
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
