from django.urls import path

from bangfu.visits.views import service_worker

from . import views

app_name = "health"

urlpatterns = [
    path("members/<id:member_id>/", views.member, name="member"),
    path("members/<id:member_id>/contracts/", views.contract_sign, name="contract_sign"),
    path("members/<id:member_id>/checkups/", views.checkup_record, name="checkup_record"),
    path("members/<id:member_id>/illnesses/", views.condition_record, name="condition_record"),
    path("members/<id:member_id>/follow-ups/", views.follow_up_record, name="follow_up_record"),
    path("members/<id:member_id>/costs/", views.cost_record, name="cost_record"),
    path("uncontracted/", views.uncontracted, name="uncontracted"),
    path("checkup-rate/", views.checkup_rate, name="checkup_rate"),
    path("activities/", views.activities, name="activities"),
    path("follow-ups/overdue/", views.follow_ups_overdue, name="follow_ups_overdue"),
    path("follow-ups/new/", views.follow_up_phone, name="follow_up_phone"),
    # The phone's service worker, served here so that its scope holds the follow-up page.
    path("sw.js", service_worker, name="service_worker"),
]
