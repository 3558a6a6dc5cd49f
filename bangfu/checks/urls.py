from django.urls import path

from .views import differences, reports, snapshots

app_name = "checks"
urlpatterns = [
    path("snapshots/", snapshots.snapshot_list, name="snapshots"),
    path("snapshots/<id:snapshot_id>/", snapshots.snapshot_detail, name="snapshot"),
    path("differences/", differences.difference_list, name="differences"),
    path(
        "places/<place:code>/differences/",
        differences.difference_list,
        name="place_differences",
    ),
    path("differences/<id:difference_id>/", differences.difference_detail, name="difference"),
    path(
        "differences/<id:difference_id>/classify/",
        differences.difference_classify,
        name="difference_classify",
    ),
    path(
        "differences/<id:difference_id>/close/",
        differences.difference_close,
        name="difference_close",
    ),
    path("problem-lists/", differences.problem_lists, name="problem_lists"),
    # self-check reports (自查报告)
    path("reports/", reports.village_reports, name="village_reports"),
    path("places/<place:code>/report/", reports.village_report, name="village_report"),
]
