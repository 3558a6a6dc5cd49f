from django.urls import path

from .views import snapshots

app_name = "checks"
urlpatterns = [
    path("snapshots/", snapshots.snapshot_list, name="snapshots"),
    path("snapshots/<id:snapshot_id>/", snapshots.snapshot_detail, name="snapshot"),
]
