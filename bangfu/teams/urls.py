from django.urls import path

from bangfu.visits.views import service_worker

from .views import checkins

app_name = "teams"
urlpatterns = [
    # check-ins, the member's month, the register by hand, check-in flags
    path("sw.js", service_worker, name="service_worker"),
    path("check-in/", checkins.check_in, name="check_in"),
    path("members/<id:member_id>/month/", checkins.member_month, name="member_month"),
    path("members/<id:member_id>/register/", checkins.register_keep, name="register_keep"),
    path("check-ins/<id:check_in_id>/photo/", checkins.check_in_photo, name="check_in_photo"),
    path("check-ins/flags/", checkins.check_in_flags, name="check_in_flags"),
]
