from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "bangfu.exchange"
    label = "exchange"
    verbose_name = _("Excel in and out")

    def ready(self) -> None:
        from bangfu.checks.fields import name_fields

        from .columns import COLUMNS

        # The monthly check names each field as the national form does: these headers.
        name_fields({column.key: column.header for column in COLUMNS})
