from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("new/", views.household_create, name="household_create"),
    path("<int:household_id>/", views.household_detail, name="household_detail"),
    path("<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path("<int:household_id>/reveal/", views.household_reveal, name="household_reveal"),
    path("<int:household_id>/status/", views.household_status, name="household_status"),
    path("<int:household_id>/members/new/", views.member_create, name="member_create"),
    path("<int:household_id>/income/", views.household_income, name="household_income"),
    path(
        "<int:household_id>/members/<int:member_id>/move/",
        views.member_move,
        name="member_move",
    ),
    path(
        "<int:household_id>/members/<int:member_id>/edit/",
        views.member_edit,
        name="member_edit",
    ),
    path(
        "<int:household_id>/members/<int:member_id>/leave/",
        views.member_leave,
        name="member_leave",
    ),
    path("<int:household_id>/split/", views.household_split, name="household_split"),
    path("<int:household_id>/merge/", views.household_merge, name="household_merge"),
]
