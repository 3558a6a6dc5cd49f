from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "bangfu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Registers the ``<id:…>`` and ``<place:…>`` converters every app's urls.py uses,
        # before any URLconf is loaded.
        from . import params  # noqa: F401
