from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<id:user_id>/", views.user_edit, name="user_edit"),
    path("users/<id:user_id>/password/", views.user_password, name="user_password"),
    path("users/<id:user_id>/tokens/", views.user_token_create, name="user_token_create"),
    path(
        "users/<id:user_id>/tokens/<id:token_id>/revoke/",
        views.user_token_revoke,
        name="user_token_revoke",
    ),
]
