from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("new/", views.household_create, name="household_create"),
    path("<id:household_id>/", views.household_detail, name="household_detail"),
    path("<id:household_id>/edit/", views.household_edit, name="household_edit"),
    path("<id:household_id>/reveal/", views.household_reveal, name="household_reveal"),
    path("<id:household_id>/status/", views.household_status, name="household_status"),
    path("<id:household_id>/members/new/", views.member_create, name="member_create"),
    path("<id:household_id>/income/", views.household_income, name="household_income"),
    path(
        "<id:household_id>/members/<id:member_id>/move/",
        views.member_move,
        name="member_move",
    ),
    path(
        "<id:household_id>/members/<id:member_id>/edit/",
        views.member_edit,
        name="member_edit",
    ),
    path(
        "<id:household_id>/members/<id:member_id>/leave/",
        views.member_leave,
        name="member_leave",
    ),
    path("<id:household_id>/split/", views.household_split, name="household_split"),
    path("<id:household_id>/merge/", views.household_merge, name="household_merge"),
]
