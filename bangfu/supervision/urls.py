from django.urls import path  # noqa: F401 (the parts add their pages)

app_name = "supervision"
urlpatterns: list = [
    # inspection rounds and their samples
    # findings and their rectification
    # questionnaires and household surveys
    # scoring schemes, the month's scores, hygiene
    # bulletins and figures
]
