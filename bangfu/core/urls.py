from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("places/<place:code>/", views.place_detail, name="place_detail"),
    path("places/<place:code>/rules/", views.place_rules, name="place_rules"),
    path(
        "places/<place:code>/rules/<id:policy_id>/withdraw/",
        views.rule_withdraw,
        name="rule_withdraw",
    ),
    path("audit/", views.audit_log, name="audit_log"),
    path("data-issues/", views.data_issues, name="data_issues"),
    path(
        "data-issues/<int:issue_id>/resolve/", views.data_issue_resolve, name="data_issue_resolve"
    ),
    path("codes/", views.code_lists, name="code_lists"),
    path("codes/add/", views.code_add, name="code_add"),
    path("codes/<id:code_id>/", views.code_update, name="code_update"),
]
