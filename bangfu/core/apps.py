from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "bangfu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Registers the ``<id:…>`` and ``<place:…>`` converters every app's urls.py uses,
        # before any URLconf is loaded.
        from . import params  # noqa: F401


class StaticFilesConfig(BaseStaticFilesConfig):
    """Collect only what the pages load: the packages we use ship other builds and a second
    API viewer (redoc), which the first ``collectstatic`` would otherwise compress for
    minutes. Source maps stay (the files that name them must find them) but are not
    compressed (``WHITENOISE_SKIP_COMPRESS_EXTENSIONS``)."""

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "redoc.standalone.js*",
        "htmax-*",
        "htmx-4*",
        "htmx-2.js",
        "ext",
    ]
