from django.urls import path

from .views import assistance

app_name = "projects"
urlpatterns = [
    # assets, donations, consumption assistance, coverage, collective income (part D)
    path("assets/", assistance.assets, name="assets"),
    path("<id:project_id>/assets/add/", assistance.asset_register, name="asset_register"),
    path("assets/<id:asset_id>/edit/", assistance.asset_edit, name="asset_edit"),
    path("donations/", assistance.donations, name="donations"),
    path("donations/add/", assistance.donation_add, name="donation_add"),
    path("sales/", assistance.sales, name="sales"),
    path("sales/add/", assistance.sale_add, name="sale_add"),
    path("agreements/add/", assistance.agreement_add, name="agreement_add"),
    path("coverage/", assistance.coverage, name="coverage"),
    path("collective-income/", assistance.collective_income, name="collective_income"),
    path(
        "collective-income/record/",
        assistance.collective_income_record,
        name="collective_income_record",
    ),
]
