"""Static files: only those the pages load.

The packages we use ship much more than the pages load: ECharts' ``dist/`` holds ten builds
and their source maps (51 MB), django-htmx other htmx builds and extensions, ninja a second
API viewer (redoc). The first ``collectstatic`` compressed all of it, minutes of a new
installation's first start. ``VendorFileFinder`` offers only the npm files named in
``settings.BANGFU_VENDOR_FILES`` (served path → file under the project);
``AppDirectoriesFinder`` leaves out the apps' files no page loads. Source maps stay (the
files that name them must find them) but are not compressed
(``WHITENOISE_SKIP_COMPRESS_EXTENSIONS``).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

# Files of installed apps that no page loads (fnmatch patterns, as collectstatic's own).
UNUSED = ["redoc.standalone.js*", "htmax-*", "htmx-4*", "htmx-2.js", "ext"]


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *UNUSED])


class VendorFileFinder(finders.BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files = {
            served: Path(settings.BASE_DIR) / source
            for served, source in settings.BANGFU_VENDOR_FILES.items()
        }

    def check(self, **kwargs):
        return [
            Error(
                f"{source} is missing: run `npm ci` (make setup does).",
                id="bangfu.E001",
            )
            for source in self.files.values()
            if not source.exists()
        ]

    def find(self, path, find_all=False, **kwargs):
        source = self.files.get(path)
        found = str(source) if source is not None and source.exists() else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns):
        for served, source in self.files.items():
            if source.exists():
                storage = FileSystemStorage(location=str(source.parent))
                # collectstatic copies ``name`` from ``storage`` to ``prefix/name``.
                storage.prefix = str(Path(served).parent)
                yield source.name, storage
