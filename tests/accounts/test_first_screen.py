"""What each named person is offered: the navigation shows what their role uses and nothing
it cannot use; the home page is a reader's figures and what needs them, a helper's
households."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bangfu.accounts.roles import ROLE_CAPABILITIES, Role
from bangfu.core.capabilities import Capability
from bangfu.reports.selectors import HOME_FIGURES
from bangfu.visits import selectors as visit_selectors
from tests.reports.test_indicators import district  # noqa: F401 — fixtures
from tests.visits.conftest import households, log, thursdays, unit, wang  # noqa: F401

READER = [
    "core:home",
    "reports:dashboard",
    "registry:household_list",
    "pairing:coverage",
    "visits:compliance",
    "teams:residence",
    "teams:leave_mine",
    "teams:team_list",
    "health:checkup_rate",
    "monitoring:alerts",
    "projects:library",
    "projects:funds",
    "supervision:rounds",
    "supervision:findings",
    "supervision:scores",
]
OFFERED = {
    "county_admin": READER
    + [
        "checks:differences",
        "exchange:import_list",
        "accounts:user_list",
        "core:audit_log",
        "core:data_issues",
        "core:code_lists",
    ],
    "township_staff": READER + ["checks:differences", "exchange:import_list"],
    "helper_wang": ["core:home", "visits:mine", "visits:capture"],
    "inspector": READER + ["core:audit_log"],
    "leader": READER,
}


def offered(page: str) -> list[str]:
    nav = page.split('<nav class="nav"')[1].split("</nav>")[0]
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize("username", list(OFFERED))
def test_the_navigation_offers_what_the_role_uses_and_nothing_it_cannot_use(
    username, client, world
):
    from bangfu.accounts.models import User

    client.force_login(User.objects.get(username=username))
    links = offered(client.get("/").content.decode())
    assert sorted(links) == sorted(reverse(name) for name in OFFERED[username])
    for link in links:
        assert client.get(link).status_code == 200, link


def test_a_leader_reads_flags_and_changes_nothing():
    assert ROLE_CAPABILITIES[Role.LEADER] == {Capability.VIEW_FLAGS}
    for role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_STAFF, Role.INSPECTOR):
        assert Capability.VIEW_FLAGS in ROLE_CAPABILITIES[role]
    assert Capability.VIEW_FLAGS not in ROLE_CAPABILITIES[Role.PAIR_HELPER]


def test_a_leaders_first_screen_is_their_figures_and_what_needs_them(
    district,  # noqa: F811
    helper_wang,
    leader,
    signed_in,
):
    """This month (whatever today is): a home visit logged far from the household raises a
    flag and finds a problem; the leader's home counts both, the households behind, and the
    dashboard's figures, each leading to its list; the flags list opens for them."""
    far = log(
        helper_wang,
        district[0],
        timezone.now(),
        latitude=34.3,
        longitude=108.7,
        problems=["缺少过冬衣物"],
    )
    client = signed_in(leader)
    page = client.get("/").content.decode()
    needs = page.split('id="needs-you"')[1].split("</section>")[0]
    counts = re.findall(r'<strong class="count">([^<]+)</strong>', needs)
    month = timezone.localdate().replace(day=1)
    behind = visit_selectors.compliance(leader, None, month).behind
    assert counts == [str(behind), "1", "1"]  # behind, flags this month, open follow-ups
    assert "/visits/compliance/" in needs and "/visits/problems/" in needs
    assert f"/visits/{far.pk}/" in needs and "500" in needs  # the flag, with why
    figures = page.split('id="my-figures"')[1].split("</section>")[0]
    assert figures.count('class="tile"') == len(HOME_FIGURES) and ">5<" in figures
    assert page.index('id="needs-you"') < page.index("您负责的区域")
    assert client.get("/visits/flags/").status_code == 200
    assert client.get(f"/api/visits/{far.pk}/flags").status_code == 200
    follow_ups = client.get("/visits/problems/").content.decode()
    assert "缺少过冬衣物" in follow_ups and "共 1 条" in follow_ups


def test_a_helpers_first_screen_is_their_households(
    thursdays,  # noqa: F811
    helper_wang,
    households,  # noqa: F811
    signed_in,
):
    page = signed_in(helper_wang).get("/").content.decode()
    assert 'id="my-households"' in page and 'id="needs-you"' not in page
    mine = page.split('id="my-households"')[1].split("</section>")[0]
    assert re.search(r"<dt>我帮扶的户数</dt><dd>3</dd>", mine)
    assert "/visits/capture/" in mine


def test_someone_without_a_role_is_greeted(world, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="newcomer", places=["611103000000"], roles=[]))
    page = client.get("/").content.decode()
    assert 'id="needs-you"' not in page and "尚无角色" in page
    assert offered(page) == [reverse("core:home")]
