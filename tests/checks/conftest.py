from tests.teams.conftest import on_day  # noqa: F401 (a fixture: the day frozen)
