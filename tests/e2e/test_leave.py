"""The team leader approves a member's leave from "waiting for me", on a phone."""

import datetime

import pytest
from django.utils import timezone

from bangfu.teams import rollups
from bangfu.teams.models import DayStatus, LeaveRequest, LeaveState
from bangfu.teams.services import LeaveInput, leave_request
from tests.teams.conftest import (  # noqa: F401 — fixtures
    leader,
    member,
    member_login,
    sending_unit,
    team,
    team_leader_login,
)

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_team_leader_approves_leave_from_waiting_for_me_on_a_phone(
    live_server,
    member,  # noqa: F811
    member_login,  # noqa: F811
    leader,  # noqa: F811
    team_leader_login,  # noqa: F811
    phone_page,
    password,
    tmp_path,
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    leave = leave_request(
        actor=member_login,
        leave=LeaveInput(kind="2", first_day=tomorrow, last_day=tomorrow, reason="去县医院复查"),
    )

    sign_in(phone_page, live_server.url, "team_leader", password)
    phone_page.get_by_role("link", name="请假", exact=True).click()
    phone_page.wait_for_load_state()
    assert phone_page.get_by_text("有 1 条请假申请等待您审批。").is_visible()
    with phone_page.expect_navigation():
        phone_page.get_by_text("有 1 条请假申请等待您审批。").click()
    card = phone_page.locator("section.card", has_text="孙队员")
    assert card.get_by_text("去县医院复查").is_visible()
    assert card.get_by_text("您审批的层级：队长").is_visible()
    assert card.get_by_label("批准", exact=True).is_checked()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.screenshot(path=str(tmp_path / "waiting.png"), full_page=True)
    with phone_page.expect_navigation():
        card.get_by_role("button", name="提交审批意见").click()
    assert phone_page.get_by_text("已批准。").is_visible()
    assert phone_page.get_by_text("暂无待您审批的申请。").is_visible()

    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED
    assert LeaveRequest.objects.get().decisions.get().decided_by == team_leader_login
    assert rollups.day_statuses(member, tomorrow, tomorrow) == {tomorrow: DayStatus.LEAVE}
