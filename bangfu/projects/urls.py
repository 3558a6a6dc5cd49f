from django.urls import path

from .views import ledger

app_name = "projects"
urlpatterns = [
    # the funds ledger (资金台账)
    path("<id:project_id>/ledger/", ledger.project_ledger, name="project_ledger"),
    path("ledger/", ledger.ledger, name="ledger"),
    path("ledger/<id:entry_id>/reverse/", ledger.entry_reverse, name="entry_reverse"),
    path("ledger/<id:entry_id>/voucher/", ledger.voucher_image, name="voucher_image"),
]
