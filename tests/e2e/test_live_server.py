"""The browser tests' live server and the tests themselves work on one database connection."""

import pytest
from django.db import connections

pytestmark = pytest.mark.e2e


def test_the_test_keeps_the_live_servers_connection_once_the_browser_runs(live_server, browser):
    """With a connection of its own, a test's write fails at once where it meets a request's
    read of the same table (SQLite's shared cache does not wait on busy_timeout)."""
    assert connections["default"] is live_server.thread.connections_override["default"]
