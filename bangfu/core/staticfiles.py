"""Static files the app serves from the npm packages it installs, one file at a time.

ECharts' ``dist/`` holds ten builds and their source maps (51 MB); the pages load one file.
Pointing ``STATICFILES_DIRS`` at the whole folder made the first ``collectstatic`` compress
all of it, minutes of a new installation's first start. This finder offers only the files
named in ``settings.BANGFU_VENDOR_FILES`` (served path → file under the project).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class VendorFileFinder(BaseFinder):
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
