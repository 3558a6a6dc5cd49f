"""The shared test world: a small place tree and the named people of DESIGN.md, built once.

County A (沣西新城) has two townships and a few villages; county B (鄠邑区) belongs to
``other_county_admin``, who must never see anything of county A. Tests run inside a
transaction on top of this world; tests that need real commits (browser tests) rebuild it
through ``world`` because their flush empties the database.
"""

import os

import pytest

from tests.factories import TEST_PASSWORD, RegionFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in live_server

PLACES = [
    # code, name, level, parent
    ("610000000000", "陕西省", 1, None),
    ("611100000000", "西咸新区", 2, "610000000000"),
    ("611103000000", "沣西新城", 3, "611100000000"),
    ("611103001000", "马王街道", 4, "611103000000"),
    ("611103001201", "石桥村", 5, "611103001000"),
    ("611103001202", "马王村", 5, "611103001000"),
    ("611103002000", "钓台街道", 4, "611103000000"),
    ("611103002201", "马家寨村", 5, "611103002000"),
    ("611103002201001", "马家寨村一组", 6, "611103002201"),
    ("611103002202", "康西村", 5, "611103002000"),
    ("610100000000", "西安市", 2, "610000000000"),
    ("610118000000", "鄠邑区", 3, "610100000000"),
    ("610118001000", "甘亭街道", 4, "610118000000"),
    ("610118001201", "东韩村", 5, "610118001000"),
]

PEOPLE = {
    # username: (full name, places, roles)
    "county_admin": ("赵主任", ["611103000000"], ["county_admin"]),
    "township_staff": ("钱干事", ["611103001000"], ["township_staff"]),
    "helper_wang": ("王哲铭", ["611103002201"], ["pair_helper"]),
    "inspector": ("孙督查", ["611103000000"], ["inspector"]),
    "leader": ("李书记", ["611103000000"], ["leader"]),
    "other_county_admin": ("周主任", ["610118000000"], ["county_admin"]),
}

# Strings that only county A's records carry: none may reach other_county_admin.
COUNTY_A_MARKERS = ["沣西新城", "马王街道", "钓台街道", "石桥村", "马家寨村", "康西村", "611103"]


def build_world() -> None:
    from django.apps import apps

    from bangfu.core.codes import KINDS, seed_codes

    # A transactional test's flush also empties the code lists its migrations seeded.
    seed_codes(apps, None, list(KINDS))
    for code, name, level, parent in PLACES:
        RegionFactory(code=code, name=name, level=level, parent_id=parent)
    for username, (full_name, places, roles) in PEOPLE.items():
        UserFactory(username=username, full_name=full_name, places=places, roles=roles)


# `make test` runs the suite twice: on SQLite (BANGFU_TEST_DB=sqlite), then on PostgreSQL
# (scripts/with_postgres.py sets BANGFU_TEST_DB=postgresql). A test whose point does not depend
# on the database (a browser's page, a PDF's layout, the words a page shows) is marked
# ``one_database``, as is every browser test (``e2e``), and runs in the SQLite half only; a test
# of migrations, locks, SQL, roll-ups, scoping or the API runs in both. The form and API fuzzers
# (``stricter_database``) run in the PostgreSQL half only: the hostile values they send reach
# the database only past the domain's value rules, and PostgreSQL refuses every value SQLite
# refuses (an integer past 64 bits) and more (a NUL character, a string past its length, an
# integer or decimal past its column), so a value that would fail on SQLite fails there too.
# `make fuzz`, with its examples multiplied, runs them on both.
ONE_DATABASE = "one database is enough: what it proves does not depend on the database"
STRICTER_DATABASE = (
    "the PostgreSQL half fuzzes this: it refuses every value SQLite does and more "
    "(make fuzz runs it on both)"
)


def pytest_collection_modifyitems(config, items):
    half = os.environ.get("BANGFU_TEST_DB")
    deep_fuzz = os.environ.get("BANGFU_FUZZ_SCALE", "1") != "1"
    for item in items:
        if half == "postgresql" and (
            item.get_closest_marker("one_database") or item.get_closest_marker("e2e")
        ):
            item.add_marker(pytest.mark.skip(reason=ONE_DATABASE))
        if half == "sqlite" and not deep_fuzz and item.get_closest_marker("stricter_database"):
            item.add_marker(pytest.mark.skip(reason=STRICTER_DATABASE))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_world()


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, made once the test database exists, for whichever test
    asks first (a browser test or tests/test_static.py). It hands the server the in-memory
    SQLite connections it finds when it is made; made before the test database (its own
    fixture asks for none), it found the settings' file, handed none, and each request thread
    opened a connection of its own to the shared in-memory database, where a write of the
    test's while a request read failed at once ("database table is locked": SQLite's shared
    cache does not wait on busy_timeout)."""
    return live_server


def ensure_world() -> None:
    """Build the world unless it stands (a transactional test's flush removes it)."""
    from bangfu.core.models import Region

    if not Region.objects.filter(code=PLACES[0][0]).exists():
        build_world()


@pytest.fixture
def world(db):
    """The place tree and people, rebuilt if a transactional test's flush removed them."""
    ensure_world()


def _person(username):
    @pytest.fixture
    def person(world):
        from bangfu.accounts.models import User

        return User.objects.get(username=username)

    return person


county_admin = _person("county_admin")
township_staff = _person("township_staff")
helper_wang = _person("helper_wang")
inspector = _person("inspector")
leader = _person("leader")
other_county_admin = _person("other_county_admin")


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def signed_in(client):
    """A test client signed in as the given user: ``signed_in(county_admin)``."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
