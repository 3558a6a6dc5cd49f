from django.urls import path

from .views import reports

app_name = "checks"
urlpatterns = [
    # self-check reports (自查报告)
    path("reports/", reports.village_reports, name="village_reports"),
    path("places/<place:code>/report/", reports.village_report, name="village_report"),
]
