"""Settings of the province stack test (tests/test_province_stack.py): the production module,
with WhiteNoise's storage without its pre-compression, which alone takes 15 s of CPU in
collectstatic. The names, the manifest and the headers are the same; nginx serves the files
uncompressed instead of a .gz beside each."""

from config.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
