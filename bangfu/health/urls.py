from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("members/<id:member_id>/", views.member, name="member"),
    path("uncontracted/", views.uncontracted, name="uncontracted"),
    path("checkup-rate/", views.checkup_rate, name="checkup_rate"),
    path("follow-ups/overdue/", views.follow_ups_overdue, name="follow_ups_overdue"),
]
