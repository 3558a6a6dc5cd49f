from django.urls import path

from .views import assistance, figures, ledger, library, sheets

app_name = "projects"
urlpatterns = [
    # the project library
    path("", library.library, name="library"),
    path("add/", library.project_add, name="project_add"),
    path("<id:project_id>/", library.project, name="project"),
    path("<id:project_id>/edit/", library.project_edit, name="project_edit"),
    path("<id:project_id>/step/", library.project_advance, name="project_advance"),
    path("<id:project_id>/outputs/", library.output_record, name="output_record"),
    path("<id:project_id>/progress/", library.progress_note_record, name="progress_note_record"),
    path("<id:project_id>/households/", library.beneficiary_add, name="beneficiary_add"),
    path(
        "<id:project_id>/households/<id:household_id>/remove/",
        library.beneficiary_remove,
        name="beneficiary_remove",
    ),
    path("<id:project_id>/files/", library.project_file_add, name="project_file_add"),
    path("files/<id:file_id>/", library.project_file, name="project_file"),
    # assets, donations, consumption assistance, coverage, collective income
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
    # the county's sheets (项目库、资金台账), in the columns their imports read
    path("library/export/", sheets.library_export, name="library_export"),
    path("ledger/export/", sheets.ledger_export, name="ledger_export"),
    # figures (项目资金指标)
    path("funds/", figures.funds, name="funds"),
    # the funds ledger (资金台账)
    path("<id:project_id>/ledger/", ledger.project_ledger, name="project_ledger"),
    path("ledger/", ledger.ledger, name="ledger"),
    path("ledger/<id:entry_id>/reverse/", ledger.entry_reverse, name="entry_reverse"),
    path("ledger/<id:entry_id>/voucher/", ledger.voucher_image, name="voucher_image"),
]
