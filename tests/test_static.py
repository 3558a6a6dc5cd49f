"""What collectstatic collects: only the files the pages load, so that a new installation's
first start does not spend minutes compressing builds nobody serves."""

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.one_database  # the files and their serving, no records


def collected() -> dict[str, int]:
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    return {
        path: Path(storage.path(path)).stat().st_size
        for finder in finders.get_finders()
        for path, storage in finder.list(ignore)
    }


def test_only_the_served_vendor_files_are_collected():
    files = collected()
    assert "echarts.min.js" in files
    assert not [p for p in files if p.startswith("ext/") or "redoc" in p or "htmx-4" in p]
    assert not [p for p in files if p.endswith(".esm.js") or p.startswith("echarts.common")]
    assert sum(files.values()) < 8 * 2**20, "collectstatic would compress megabytes no page loads"


def test_the_pages_and_the_test_server_are_served_their_static_files(live_server, client):
    """pytest-django's live server serves static files only while the app is named
    django.contrib.staticfiles in INSTALLED_APPS, as it is. Asked for here first, before
    any browser test, the server still shares the test's in-memory database (conftest.py):
    with a connection of its own, a browser test's write would fail on its reads."""
    import urllib.request

    from django.db import connections

    assert live_server.thread.connections_override == {"default": connections["default"]}

    for path in ["/static/css/bangfu.css", "/static/vendor/echarts/echarts.min.js"]:
        with urllib.request.urlopen(live_server.url + path) as response:
            assert response.status == 200, path
