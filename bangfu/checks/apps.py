from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "bangfu.checks"
    label = "checks"
    verbose_name = _("Handbook checks")

    def ready(self) -> None:
        from bangfu.registry.edits import watch

        from .services import comparison

        # A registry edit may make the records agree with the national system: the open
        # differences of the households edited are compared again and closed if they do.
        watch(comparison.households_edited)
