from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("capture/", views.capture, name="capture"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("compliance/", views.compliance, name="compliance"),
    path("flags/", views.flags, name="flags"),
    path("problems/", views.problems, name="problems"),
    path("places/<place:code>/fixed-days/", views.fixed_days, name="fixed_days"),
    path("helpers/<id:helper_id>/month/", views.helper_month, name="helper_month"),
    path("households/<id:household_id>/new/", views.enter, name="enter"),
    path("<id:visit_id>/", views.visit_detail, name="visit_detail"),
    path("<id:visit_id>/edit/", views.visit_edit, name="visit_edit"),
    path("<id:visit_id>/delete/", views.visit_delete, name="visit_delete"),
    path("photos/<id:photo_id>/", views.photo, name="photo"),
    path("problems/<id:problem_id>/solve/", views.problem_solve, name="problem_solve"),
]
