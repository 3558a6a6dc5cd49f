import pytest

from tests.fuzz.harness import Findings, Requests


@pytest.fixture
def fuzzing(monkeypatch, settings):
    """The request sender and its findings for one fuzz test, its receivers removed after."""
    # Template errors carry their template and line only with template debugging on.
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine.get("OPTIONS", {}), "debug": True}}
        for engine in settings.TEMPLATES
    ]
    requests = Requests(Findings(), monkeypatch)
    yield requests
    requests.close()
