from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("alerts/", views.alert_list, name="alerts"),
    path("places/<place:code>/alerts/", views.alert_list, name="place_alerts"),
    path("alerts/<id:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<id:alert_id>/close/", views.alert_close, name="alert_close"),
    path("households/<id:household_id>/screen/", views.screen, name="screen"),
    path("procedures/late/", views.procedures_late, name="late"),
    path("procedures/<id:procedure_id>/", views.procedure_detail, name="procedure"),
    path("procedures/<id:procedure_id>/step/", views.step_record, name="step_record"),
    path("procedures/<id:procedure_id>/notice/", views.notice, name="notice"),
    path("assistance/", views.assistance, name="assistance"),
    path("places/<place:code>/assistance/", views.assistance, name="place_assistance"),
    path("report/", views.self_report, name="self_report"),
    path("self-reports/", views.self_report_list, name="self_reports"),
    path("steps/<id:step_id>/image/", views.step_image, name="step_image"),
]
