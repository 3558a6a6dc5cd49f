from django.urls import path

from bangfu.visits.views import service_worker

from . import views

app_name = "monitoring"
urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("places/<place:code>/alerts/", views.alert_list, name="place_alerts"),
    path("alerts/<id:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<id:alert_id>/close/", views.alert_close, name="alert_close"),
    path("households/<id:household_id>/screen/", views.screen, name="screen"),
    path(
        "households/<id:household_id>/risk-clearing/",
        views.procedure_start,
        {"kind": "risk_clearing"},
        name="start_clearing",
    ),
    path(
        "households/<id:household_id>/exit/",
        views.procedure_start,
        {"kind": "exit"},
        name="start_exit",
    ),
    path("households/<id:household_id>/income-checks/", views.income_checks, name="income_checks"),
    path("procedures/late/", views.procedures_late, name="late"),
    path("procedures/<id:procedure_id>/", views.procedure_detail, name="procedure"),
    path("procedures/<id:procedure_id>/step/", views.step_record, name="step_record"),
    path("procedures/<id:procedure_id>/notice/", views.notice, name="notice"),
    path("procedures/<id:procedure_id>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("assistance/", views.assistance, name="assistance"),
    path("places/<place:code>/assistance/", views.assistance, name="place_assistance"),
    path("rules/", views.rules, name="rules"),
    path("places/<place:code>/rules/", views.rules, name="place_rules"),
    path("rule-runs/", views.rule_runs, name="rule_runs"),
    path("rule-runs/start/", views.rule_run_start, name="rule_run_start"),
    path("report/", views.self_report, name="self_report"),
    path("self-reports/", views.self_report_list, name="self_reports"),
    path("self-reports/<id:report_id>/", views.self_report_detail, name="self_report_detail"),
    path("self-reports/<id:report_id>/alert/", views.self_report_alert, name="self_report_alert"),
    path("self-reports/<id:report_id>/close/", views.self_report_close, name="self_report_close"),
    path("steps/<id:step_id>/image/", views.step_image, name="step_image"),
    # The phone's service worker, served here so that its scope holds the alert and
    # procedure pages a helper uses at the household.
    path("sw.js", service_worker, name="service_worker"),
]
