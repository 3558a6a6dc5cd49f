from django.urls import path

from .views import sheets

app_name = "projects"
urlpatterns = [
    # the county's sheets (项目库、资金台账), in the columns their imports read
    path("library/export/", sheets.library_export, name="library_export"),
    path("ledger/export/", sheets.ledger_export, name="ledger_export"),
]
