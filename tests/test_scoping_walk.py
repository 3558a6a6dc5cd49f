"""Every URL and API operation, tried by a user of another county: nothing of county A leaks.

A route must either be marked public (``core.scoping.public``) or have a probe here; a new
route with neither fails ``test_every_route_is_public_or_probed``. Routes that name a record
of county A must answer 404 exactly as for a record that does not exist; list routes must not
show any of county A's names or codes; writes must change nothing.
"""

import datetime
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from bangfu.accounts.models import ApiToken
from bangfu.accounts.services import api_token_create
from bangfu.api.main import api
from bangfu.core.models import AuditEntry, DataIssue, Policy
from bangfu.core.services import policy_set
from bangfu.exchange.services import export_request, export_write, import_check, import_upload
from bangfu.pairing.models import Pairing, Responsibility
from bangfu.pairing.services import helper_create, pairing_start, unit_create
from bangfu.plans.models import Acknowledgement, Effect, Measure
from bangfu.registry.models import Household, Member
from bangfu.registry.services import household_register
from bangfu.reports.services import handbook_request, handbook_write
from bangfu.teams.models import CheckIn, RegisterEntry, Team, TeamMember
from bangfu.teams.services import MemberInput, TeamInput, member_add, team_create
from bangfu.visits.models import Problem, Visit, VisitPhoto
from bangfu.visits.services import visit_photo_add
from conftest import COUNTY_A_MARKERS, PEOPLE
from tests.checks.difference_world import (
    differences_api_probes,
    differences_page_probes,
    differences_snapshot,
    differences_world,
)
from tests.checks.reports_world import (
    check_world,
    report_api_probes,
    report_page_probes,
    reports_state,
)
from tests.checks.snapshot_world import (
    snapshot_api_probes,
    snapshot_page_probes,
    snapshot_world,
)
from tests.checks.snapshot_world import snapshot_state as checks_snapshot_state
from tests.health.world import health_world
from tests.monitoring.world import (
    monitoring_api_probes,
    monitoring_page_probes,
    monitoring_world,
)
from tests.monitoring.world import snapshot as monitoring_snapshot
from tests.plans.plan_world import plan_world, plans_api_probes, plans_page_probes
from tests.projects.assistance_world import (
    assistance_api_probes,
    assistance_page_probes,
    assistance_state,
    assistance_world,
)
from tests.projects.ledger_world import (
    ledger_api_probes,
    ledger_page_probes,
    ledger_state,
    ledger_world,
)
from tests.projects.library_world import (
    library_api_probes,
    library_page_probes,
    library_state,
    library_world,
)
from tests.projects.sheets_world import sheets_page_probes, sheets_world
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.supervision.bulletins_world import (
    bulletins_api_probes,
    bulletins_page_probes,
    bulletins_state,
    bulletins_world,
)
from tests.supervision.findings_world import (
    findings_api_probes,
    findings_page_probes,
    findings_state,
    findings_world,
)
from tests.supervision.rounds_world import rounds_api_probes, rounds_page_probes, rounds_world
from tests.supervision.scores_world import (
    scores_api_probes,
    scores_page_probes,
    scores_state,
    scores_world,
)
from tests.supervision.surveys_world import (
    surveys_api_probes,
    surveys_page_probes,
    surveys_state,
    surveys_world,
)
from tests.teams.attendance import county_a_attendance
from tests.teams.leave_world import leave_world
from tests.visits.conftest import at, jpeg, log

MARKERS = (
    COUNTY_A_MARKERS
    + ["马建国"]
    + [
        full_name
        for username, (full_name, *_rest) in PEOPLE.items()
        if username != "other_county_admin"
    ]
)
A_PLACE, MISSING_PLACE = "611103002201", "619999999999"


@dataclass(frozen=True)
class Probe:
    """How to aim a route at county A: ``target`` names A's record, ``missing`` a record that
    does not exist (both None for routes that list); ``data`` is what a write sends;
    ``by_place``: a page whose place is its ``?place=`` (its forms post there too), aimed at
    A's place and at one that does not exist."""

    target: object = None
    missing: object = None
    methods: tuple[str, ...] = ("get",)
    data: dict = field(default_factory=dict)
    multipart: bool = False  # an API write that takes a file
    by_place: bool = False


def _a_user(world):
    return {"user_id": world["township_staff"].pk}


def _a_household(world):
    return {"household_id": world["household"].pk}


def _an_import(world):
    return {"job_id": world["import_job"].pk}


def _an_export(world):
    return {"job_id": world["export_job"].pk}


def _a_handbook_job(world):
    return {"job_id": world["handbook_job"].pk}


def _a_visit(world):
    return {"visit_id": world["visit"].pk}


def _a_team(world):
    return {"team_id": world["team"].pk}


def _a_leave(which):
    return lambda world: {"leave_id": world[which].pk}


def _a_team_member(world):
    """The team's latest member in post (the fuzz replaces and ends them as it goes)."""
    current = TeamMember.objects.filter(team=world["team"], ended_on=None).order_by("-pk")
    return {"member_id": (current.first() or world["team_member"]).pk}


TEAM_FORM = {
    "name": "入侵工作队",
    "region_code": A_PLACE,
    "unit_id": "1",
    "term_start": "2026-01-01",
}
TEAM_MEMBER_FORM = {
    "name": "入侵者",
    "id_number": "11010519491231002X",
    "role": "4",
    "unit_id": "1",
    "started_on": "2026-02-01",
}


VISIT_FORM = {
    "helper": "1",
    "visited_at": "2026-10-08T10:00",
    "kind": "home",
    "goods_value": "0",
    "money_value": "0",
    "jobs_found": "0",
}


PAGE_PROBES = {
    "core:home": Probe(),
    "core:place_detail": Probe(lambda w: {"code": A_PLACE}, {"code": MISSING_PLACE}),
    "core:place_rules": Probe(
        lambda w: {"code": A_PLACE},
        {"code": MISSING_PLACE},
        ("get", "post"),
        {"key": "visits.min_per_month", "value": "9", "valid_from": "2026-01-01"},
    ),
    "core:rule_withdraw": Probe(
        lambda w: {"code": A_PLACE, "policy_id": w["policy"].pk},
        {"code": MISSING_PLACE, "policy_id": 10**9},
        ("post",),
    ),
    "core:audit_log": Probe(),
    "core:data_issues": Probe(),
    "core:data_issue_resolve": Probe(
        lambda w: {"issue_id": w["data_issue"].pk},
        {"issue_id": 10**9},
        ("post",),
        {"resolution": "入侵"},
    ),
    "accounts:user_list": Probe(),
    "accounts:user_create": Probe(
        methods=("get", "post"),
        data={
            "username": "intruder",
            "full_name": "入侵者",
            "password": "a-long-enough-password",
            "places": [A_PLACE],
            "roles": ["county_admin"],
        },
    ),
    "accounts:user_edit": Probe(
        _a_user,
        {"user_id": 10**9},
        ("get", "post"),
        {"full_name": "改名", "places": [A_PLACE], "roles": ["leader"], "is_active": "on"},
    ),
    "accounts:user_password": Probe(
        _a_user, {"user_id": 10**9}, ("get", "post"), {"password": "another-long-password"}
    ),
    "accounts:user_token_create": Probe(
        _a_user, {"user_id": 10**9}, ("get", "post"), {"name": "入侵系统"}
    ),
    "accounts:user_token_revoke": Probe(
        lambda w: {**_a_user(w), "token_id": w["token"].pk},
        {"user_id": 10**9, "token_id": 10**9},
        ("post",),
    ),
    "registry:household_list": Probe(),
    "registry:household_create": Probe(
        methods=("get", "post"),
        data={
            "number": "X1",
            "region_code": A_PLACE,
            "attribute": "1",
            "standard": "1",
            "main_cause": "1",
            "year_identified": "2016",
            "land_area_mu": "0",
        },
    ),
    "registry:household_detail": Probe(_a_household, {"household_id": 10**9}),
    "registry:household_edit": Probe(
        _a_household,
        {"household_id": 10**9},
        ("get", "post"),
        {"number": "X2", "region_code": A_PLACE},
    ),
    "registry:household_reveal": Probe(_a_household, {"household_id": 10**9}, ("post",)),
    "registry:household_status": Probe(
        _a_household,
        {"household_id": 10**9},
        ("post",),
        {"status": "out_with_policy", "effective_on": "2020-01-01", "reason": "入侵"},
    ),
    "registry:household_income": Probe(
        _a_household,
        {"household_id": 10**9},
        ("post",),
        {"year": "2024", "wages": "1", "business": "1", "transfers": "1"},
    ),
    "registry:member_move": Probe(
        lambda w: {**_a_household(w), "member_id": w["household"].members.get().pk},
        {"household_id": 10**9, "member_id": 10**9},
        ("get", "post"),
        {"to_number": "X", "relation": "03", "effective_on": "2024-01-01", "reason": "入侵"},
    ),
    "registry:member_edit": Probe(
        lambda w: {**_a_household(w), "member_id": w["household"].members.get().pk},
        {"household_id": 10**9, "member_id": 10**9},
        ("get", "post"),
        {"name": "改名", "id_number": "11010519491231002X", "relation": "01"},
    ),
    "registry:member_leave": Probe(
        lambda w: {**_a_household(w), "member_id": w["household"].members.get().pk},
        {"household_id": 10**9, "member_id": 10**9},
        ("get", "post"),
        {"left_on": "2024-01-01", "reason": "入侵"},
    ),
    "registry:household_split": Probe(
        _a_household,
        {"household_id": 10**9},
        ("get", "post"),
        {"number": "X3", "region_code": A_PLACE, "effective_on": "2024-01-01", "reason": "入侵"},
    ),
    "registry:household_merge": Probe(
        _a_household,
        {"household_id": 10**9},
        ("get", "post"),
        {"into_number": "X", "effective_on": "2024-01-01", "reason": "入侵"},
    ),
    "exchange:import_list": Probe(methods=("get", "post")),
    "exchange:import_detail": Probe(_an_import, {"job_id": 10**9}),
    "exchange:import_commit": Probe(_an_import, {"job_id": 10**9}, ("post",)),
    "exchange:import_errors": Probe(_an_import, {"job_id": 10**9}),
    "exchange:export_start": Probe(methods=("post",), data={"region_code": A_PLACE}),
    "exchange:export_detail": Probe(_an_export, {"job_id": 10**9}),
    "exchange:export_file": Probe(_an_export, {"job_id": 10**9}),
    "pairing:coverage": Probe(),
    "pairing:chain": Probe(
        lambda w: {"code": A_PLACE},
        {"code": MISSING_PLACE},
        ("get", "post"),
        {"level": "包村单位", "person": "入侵者"},
    ),
    "pairing:units": Probe(
        methods=("get", "post"),
        data={"name": "入侵单位", "kind": "government", "level": "county", "region_code": A_PLACE},
    ),
    "pairing:unit_edit": Probe(
        lambda w: {"unit_id": w["helper"].unit_id},
        {"unit_id": 10**9},
        ("get", "post"),
        {"name": "入侵单位", "kind": "government", "level": "county"},
    ),
    "pairing:helpers": Probe(methods=("get", "post"), data={"name": "入侵者", "unit_id": "1"}),
    "pairing:leave": Probe(
        lambda w: {"helper_id": w["helper"].pk}, {"helper_id": 10**9}, ("post",)
    ),
    "pairing:helper_edit": Probe(
        lambda w: {"helper_id": w["helper"].pk},
        {"helper_id": 10**9},
        ("get", "post"),
        {"name": "入侵者", "unit_id": "1"},
    ),
    "pairing:transfer": Probe(
        lambda w: {"helper_id": w["helper"].pk},
        {"helper_id": 10**9},
        ("post",),
        {"to_helper_id": "1", "reason": "入侵"},
    ),
    "pairing:pair": Probe(
        _a_household,
        {"household_id": 10**9},
        ("get", "post"),
        {"helper": "1", "started_on": "2026-01-01"},
    ),
    "pairing:end": Probe(
        lambda w: {"pairing_id": w["pairing"].pk},
        {"pairing_id": 10**9},
        ("post",),
        {"reason": "入侵"},
    ),
    "pairing:handover": Probe(
        lambda w: {"pairing_id": w["pairing"].pk},
        {"pairing_id": 10**9},
        ("post",),
        {"to_helper_id": "1", "on": "2026-02-01", "reason": "入侵"},
    ),
    "projects:funds": Probe(),
    "reports:dashboard": Probe(),
    "reports:reported": Probe(),
    "visits:mine": Probe(),
    "visits:capture": Probe(),
    "visits:compliance": Probe(),
    "visits:flags": Probe(),
    "visits:problems": Probe(),
    "visits:fixed_days": Probe(lambda w: {"code": A_PLACE}, {"code": MISSING_PLACE}),
    "visits:helper_month": Probe(lambda w: {"helper_id": w["helper"].pk}, {"helper_id": 10**9}),
    "visits:enter": Probe(_a_household, {"household_id": 10**9}, ("get", "post"), VISIT_FORM),
    "visits:visit_detail": Probe(_a_visit, {"visit_id": 10**9}),
    "visits:visit_edit": Probe(_a_visit, {"visit_id": 10**9}, ("get", "post"), VISIT_FORM),
    "visits:visit_delete": Probe(_a_visit, {"visit_id": 10**9}, ("post",), {"reason": "入侵"}),
    "visits:photo": Probe(lambda w: {"photo_id": w["photo"].pk}, {"photo_id": 10**9}),
    "visits:problem_solve": Probe(
        lambda w: {"problem_id": w["problem"].pk},
        {"problem_id": 10**9},
        ("post",),
        {"solved_on": "2026-11-01", "solution": "入侵"},
    ),
    "registry:member_create": Probe(
        _a_household,
        {"household_id": 10**9},
        ("get", "post"),
        {"name": "入侵者", "id_number": "11010519491231002X"},
    ),
    "reports:handbook_household": Probe(_a_household, {"household_id": 10**9}),
    "reports:handbook_place": Probe(
        lambda w: {"code": A_PLACE}, {"code": MISSING_PLACE}, ("get", "post")
    ),
    "reports:handbook_job": Probe(_a_handbook_job, {"job_id": 10**9}),
    "reports:handbook_job_file": Probe(_a_handbook_job, {"job_id": 10**9}),
    # teams: leave, residence days, a team's work
    "teams:leave_mine": Probe(),
    "teams:leave_waiting": Probe(),
    "teams:leave_detail": Probe(_a_leave("leave_away"), {"leave_id": 10**9}),
    "teams:leave_decide": Probe(
        _a_leave("leave_waiting"), {"leave_id": 10**9}, ("post",), {"decision": "approve"}
    ),
    "teams:leave_cancel": Probe(_a_leave("leave_open"), {"leave_id": 10**9}, ("post",)),
    "teams:leave_return": Probe(
        _a_leave("leave_away"), {"leave_id": 10**9}, ("post",), {"returned_on": "2026-11-01"}
    ),
    "teams:team_leave": Probe(
        _a_team,
        {"team_id": 10**9},
        ("get", "post"),
        {
            "member": "1",
            "kind": "1",
            "first_day": "2026-12-01",
            "last_day": "2026-12-01",
            "reason": "入侵",
        },
    ),  # fmt: skip
    "teams:residence": Probe(),
    "teams:team_residence": Probe(_a_team, {"team_id": 10**9}),
    "teams:meetings": Probe(
        _a_team,
        {"team_id": 10**9},
        ("get", "post"),
        {"held_on": "2026-11-01", "attendees": ["1"], "minutes": "入侵"},
    ),
    "teams:meeting_detail": Probe(lambda w: {"meeting_id": w["meeting"].pk}, {"meeting_id": 10**9}),
    "teams:task_done": Probe(
        lambda w: {"task_id": w["task"].pk},
        {"task_id": 10**9},
        ("post",),
        {"done_on": "2026-11-01", "note": "入侵"},
    ),
    "teams:tasks_overdue": Probe(),
    "teams:work_reports": Probe(
        _a_team, {"team_id": 10**9}, ("get", "post"), {"month": "2026-11", "text": "入侵"}
    ),
    "teams:work_report_detail": Probe(
        lambda w: {"report_id": w["report"].pk}, {"report_id": 10**9}
    ),
    "teams:discipline": Probe(
        _a_team,
        {"team_id": 10**9},
        ("get", "post"),
        {
            "member": "1",
            "kind": "1",
            "occurred_on": "2026-11-01",
            "description": "入侵",
            "decision": "入侵",
        },
    ),  # fmt: skip
    # teams and members
    "teams:team_list": Probe(),
    "teams:team_create": Probe(methods=("get", "post"), data=TEAM_FORM),
    "teams:team_detail": Probe(_a_team, {"team_id": 10**9}),
    "teams:team_edit": Probe(_a_team, {"team_id": 10**9}, ("get", "post"), TEAM_FORM),
    "teams:member_add": Probe(_a_team, {"team_id": 10**9}, ("post",), TEAM_MEMBER_FORM),
    "teams:attendance": Probe(_a_team, {"team_id": 10**9}),
    "teams:member_detail": Probe(_a_team_member, {"member_id": 10**9}),
    "teams:member_end": Probe(
        _a_team_member,
        {"member_id": 10**9},
        ("post",),
        {"ended_on": "2026-11-01", "reason": "入侵"},
    ),
    "teams:member_replace": Probe(
        _a_team_member,
        {"member_id": 10**9},
        ("get", "post"),
        {**TEAM_MEMBER_FORM, "on": "2026-11-01", "reason": "入侵"},
    ),
    "teams:four_teams": Probe(lambda w: {"code": A_PLACE}, {"code": MISSING_PLACE}),
    # teams: check-ins, the member's month, the register by hand, check-in flags
    "teams:check_in": Probe(),
    "teams:check_in_flags": Probe(),
    "teams:member_month": Probe(
        lambda w: {"member_id": w["checking_member"].pk}, {"member_id": 10**9}
    ),
    "teams:register_keep": Probe(
        lambda w: {"member_id": w["registered_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {"day": "2026-10-08", "status": "absent", "reason": "入侵"},
    ),
    "teams:check_in_photo": Probe(
        lambda w: {"check_in_id": w["check_in"].pk}, {"check_in_id": 10**9}
    ),
    # plans
    **plans_page_probes(Probe, _a_household),
    # projects: the project library
    **library_page_probes(Probe),
    # supervision: questionnaires and household surveys
    **surveys_page_probes(Probe),
    **scores_page_probes(Probe),
    **monitoring_page_probes(Probe, _a_household),
    **differences_page_probes(Probe),
    **snapshot_page_probes(Probe),
    **report_page_probes(Probe),
    # projects: assets, donations, consumption assistance, collective income
    **assistance_page_probes(Probe),
    **sheets_page_probes(Probe),
    # projects: the funds ledger
    **ledger_page_probes(Probe),
    # supervision: inspection rounds and their samples
    **rounds_page_probes(Probe),
    # supervision: findings and their rectification
    **findings_page_probes(Probe),
    # supervision: bulletins and figures
    **bulletins_page_probes(Probe),
    # health
    "health:member": Probe(lambda w: {"member_id": w["health_member"].pk}, {"member_id": 10**9}),
    "health:contract_sign": Probe(
        lambda w: {"member_id": w["health_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {
            "contract-doctor": "入侵医生",
            "contract-institution": "入侵卫生院",
            "contract-package": "1",
            "contract-signed_on": "2026-11-30",
            "contract-valid_until": "2027-11-29",
        },
    ),
    "health:checkup_record": Probe(
        lambda w: {"member_id": w["health_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {
            "checkup-held_on": "2026-11-01",
            "checkup-institution": "入侵卫生院",
            "checkup-findings": ["1"],
        },
    ),
    "health:condition_record": Probe(
        lambda w: {"member_id": w["health_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {
            "condition-illness": "2",
            "condition-kind": "chronic",
            "condition-diagnosed_on": "2020-01-01",
        },
    ),
    "health:follow_up_record": Probe(
        lambda w: {"member_id": w["health_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {
            "follow_up-condition": "1",
            "follow_up-held_on": "2026-11-01",
            "follow_up-by": "入侵医生",
            "follow_up-kind": "home",
        },
    ),
    "health:cost_record": Probe(
        lambda w: {"member_id": w["health_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {"cost-year": "2026", "cost-total": "100", "cost-reimbursed": "50"},
    ),
    "health:uncontracted": Probe(),
    "health:checkup_rate": Probe(),
    "health:follow_ups_overdue": Probe(),
    "health:follow_up_phone": Probe(),
    "health:activities": Probe(
        methods=("get", "post"),
        data={
            "region_code": A_PLACE,
            "kind": "free_clinic",
            "held_on": "2026-11-01",
            "organiser": "入侵医院",
            "people_served": "5",
        },
    ),
}

HOUSEHOLD_JSON = {
    "number": "X9",
    "region_code": A_PLACE,
    "attribute": "1",
    "standard": "1",
    "main_cause": "1",
    "year_identified": 2016,
}
MEMBER_JSON = {
    "name": "入侵者",
    "id_number": "11010519491231002X",
    "relation": "03",
    "ethnicity": "01",
    "health": "1",
    "labour": "1",
}
STATUS_JSON = {"status": "out_with_policy", "effective_on": "2020-01-01", "reason": "入侵"}
TEAM_JSON = {"name": "入侵工作队", "region_code": A_PLACE, "unit_id": 1, "term_start": "2026-01-01"}
TEAM_MEMBER_JSON = {
    "name": "入侵者",
    "id_number": "11010519491231002X",
    "role": "4",
    "unit_id": 1,
    "started_on": "2026-02-01",
}

API_PROBES = {
    "me": Probe(),
    "household_pairings": Probe(_a_household, {"household_id": 10**9}),
    "pairing_start": Probe(
        methods=("post",), data={"household_id": 10**9, "helper_id": 1, "started_on": "2026-01-01"}
    ),
    "pairing_end": Probe(
        lambda w: {"pairing_id": w["pairing"].pk},
        {"pairing_id": 10**9},
        ("post",),
        {"ended_on": "2026-02-01", "reason": "入侵"},
    ),
    "pairing_handover": Probe(
        lambda w: {"pairing_id": w["pairing"].pk},
        {"pairing_id": 10**9},
        ("post",),
        {"to_helper_id": 10**9, "on": "2026-02-01", "reason": "入侵"},
    ),
    "coverage": Probe(),
    "units_list": Probe(),
    "unit_create": Probe(
        methods=("post",),
        data={"name": "入侵单位", "kind": "government", "level": "county", "region_code": A_PLACE},
    ),
    "unit_update": Probe(
        lambda w: {"unit_id": w["helper"].unit_id},
        {"unit_id": 10**9},
        ("put",),
        {"name": "入侵单位", "kind": "government", "level": "county"},
    ),
    "helpers_list": Probe(),
    "helper_create": Probe(methods=("post",), data={"name": "入侵者", "unit_id": 10**9}),
    "helper_update": Probe(
        lambda w: {"helper_id": w["helper"].pk},
        {"helper_id": 10**9},
        ("put",),
        {"name": "入侵者", "unit_id": 10**9},
    ),
    "helper_transfer": Probe(
        lambda w: {"helper_id": w["helper"].pk},
        {"helper_id": 10**9},
        ("post",),
        {"to_helper_id": 10**9, "on": "2026-02-01", "reason": "入侵"},
    ),
    "visit_record": Probe(
        methods=("post",),
        data={
            "client_id": "5f0c6b9e-0000-4000-8000-000000000001",
            "household_id": 10**9,
            "visited_at": "2026-10-08T10:00:00+08:00",
        },
    ),
    "visit_photo_add": Probe(
        lambda w: {"client_id": w["visit"].client_id},
        {"client_id": "5f0c6b9e-0000-4000-8000-000000000002"},
        ("post",),
        {"photo_id": "5f0c6b9e-0000-4000-8000-000000000003", "photo": jpeg()},
        multipart=True,
    ),
    "visit_detail": Probe(_a_visit, {"visit_id": 10**9}),
    "visit_flags": Probe(_a_visit, {"visit_id": 10**9}),
    "household_visits": Probe(_a_household, {"household_id": 10**9}),
    "problem_solve": Probe(
        lambda w: {"problem_id": w["problem"].pk},
        {"problem_id": 10**9},
        ("post",),
        {"solved_on": "2026-11-01", "solution": "入侵"},
    ),
    "visit_compliance": Probe(),
    "places_held": Probe(),
    "place_detail": Probe(lambda w: {"code": A_PLACE}, {"code": MISSING_PLACE}),
    "place_rules": Probe(lambda w: {"code": A_PLACE}, {"code": MISSING_PLACE}),
    "place_rule_set": Probe(
        lambda w: {"code": A_PLACE, "key": "visits.min_per_month"},
        {"code": MISSING_PLACE, "key": "visits.min_per_month"},
        ("put",),
        {"value": 9, "valid_from": "2026-01-01"},
    ),
    "households_list": Probe(),
    "household_register": Probe(
        methods=("post",),
        data={"household": HOUSEHOLD_JSON, "members": [MEMBER_JSON], "status": STATUS_JSON},
    ),
    "household_detail": Probe(_a_household, {"household_id": 10**9}),
    "household_update": Probe(_a_household, {"household_id": 10**9}, ("put",), HOUSEHOLD_JSON),
    "household_status_change": Probe(_a_household, {"household_id": 10**9}, ("post",), STATUS_JSON),
    "member_add": Probe(_a_household, {"household_id": 10**9}, ("post",), MEMBER_JSON),
    "member_update": Probe(
        lambda w: {"member_id": w["household"].members.get().pk},
        {"member_id": 10**9},
        ("put",),
        MEMBER_JSON,
    ),
    # teams: leave, residence days, a team's work
    "leave_request": Probe(
        methods=("post",),
        data={
            "kind": "1",
            "first_day": "2026-12-01",
            "last_day": "2026-12-01",
            "reason": "入侵",
            "member_id": 10**9,
        },
    ),  # fmt: skip
    "leave_waiting": Probe(),
    "leave_decide": Probe(
        _a_leave("leave_waiting"), {"leave_id": 10**9}, ("post",), {"approve": True}
    ),
    "leave_cancel": Probe(_a_leave("leave_open"), {"leave_id": 10**9}, ("post",)),
    "leave_return": Probe(
        _a_leave("leave_away"), {"leave_id": 10**9}, ("post",), {"returned_on": "2026-11-01"}
    ),
    "leave_list": Probe(_a_team, {"team_id": 10**9}),
    "team_residence": Probe(_a_team, {"team_id": 10**9}),
    "teams_residence": Probe(),
    "meeting_record": Probe(
        _a_team,
        {"team_id": 10**9},
        ("post",),
        {"held_on": "2026-11-01", "attendee_ids": [1], "tasks": []},
    ),
    "meetings_list": Probe(_a_team, {"team_id": 10**9}),
    "task_done": Probe(
        lambda w: {"task_id": w["task"].pk},
        {"task_id": 10**9},
        ("post",),
        {"done_on": "2026-11-01", "note": ""},
    ),
    "tasks_overdue": Probe(),
    "work_report_submit": Probe(
        _a_team, {"team_id": 10**9}, ("post",), {"month": "2026-11", "text": "入侵"}
    ),
    "work_reports_list": Probe(_a_team, {"team_id": 10**9}),
    "discipline_record": Probe(
        lambda w: {"member_id": w["team_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {"kind": "1", "occurred_on": "2026-11-01", "description": "入侵", "decision": "入侵"},
    ),
    "discipline_list": Probe(_a_team, {"team_id": 10**9}),
    # teams and members
    "teams_list": Probe(),
    "team_create": Probe(methods=("post",), data=TEAM_JSON),
    "team_detail": Probe(_a_team, {"team_id": 10**9}),
    "team_update": Probe(_a_team, {"team_id": 10**9}, ("put",), TEAM_JSON),
    "team_member_add": Probe(_a_team, {"team_id": 10**9}, ("post",), TEAM_MEMBER_JSON),
    "team_member_end": Probe(
        _a_team_member,
        {"member_id": 10**9},
        ("post",),
        {"ended_on": "2026-11-01", "reason": "入侵"},
    ),
    "team_member_replace": Probe(
        _a_team_member,
        {"member_id": 10**9},
        ("post",),
        {"on": "2026-11-01", "reason": "入侵", "member": TEAM_MEMBER_JSON},
    ),
    # teams: check-ins and the member's month
    "check_in_record": Probe(
        methods=("post",),
        data={
            "client_id": "5f0c6b9e-0000-4000-8000-000000000004",
            "checked_at": "2026-10-08T10:00:00+08:00",
            "member_id": 10**9,
        },
    ),
    "check_in_photo_add": Probe(
        lambda w: {"client_id": w["check_in"].client_id},
        {"client_id": "5f0c6b9e-0000-4000-8000-000000000005"},
        ("post",),
        {"photo": jpeg()},
        multipart=True,
    ),
    "check_in_detail": Probe(lambda w: {"check_in_id": w["check_in"].pk}, {"check_in_id": 10**9}),
    "team_member_month": Probe(
        lambda w: {"member_id": w["checking_member"].pk}, {"member_id": 10**9}
    ),
    # plans
    **plans_api_probes(Probe, _a_household),
    # projects: the project library
    **library_api_probes(Probe),
    # supervision: questionnaires and household surveys
    **surveys_api_probes(Probe),
    **scores_api_probes(Probe),
    **monitoring_api_probes(Probe, _a_household),
    **differences_api_probes(Probe),
    **snapshot_api_probes(Probe),
    **report_api_probes(Probe),
    **assistance_api_probes(Probe),
    # projects: the funds ledger
    **ledger_api_probes(Probe),
    # supervision: inspection rounds and their samples
    **rounds_api_probes(Probe),
    # supervision: findings and their rectification
    **findings_api_probes(Probe),
    # supervision: bulletins and figures
    **bulletins_api_probes(Probe),
    # health
    "member_health": Probe(lambda w: {"member_id": w["health_member"].pk}, {"member_id": 10**9}),
    "contract_sign": Probe(
        lambda w: {"member_id": w["health_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {
            "doctor": "入侵医生",
            "institution": "入侵卫生院",
            "package": "1",
            "signed_on": "2026-11-01",
            "valid_until": "2027-10-31",
        },
    ),
    "checkup_record": Probe(
        lambda w: {"member_id": w["health_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {"held_on": "2026-11-01", "institution": "入侵卫生院", "findings": ["1"]},
    ),
    "uncontracted_list": Probe(),
    "checkup_rate": Probe(),
    "condition_record": Probe(
        lambda w: {"member_id": w["health_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {"illness": "1", "kind": "chronic", "diagnosed_on": "2020-05-01"},
    ),
    "follow_up_record": Probe(
        lambda w: {"condition_id": w["hypertension"].pk},
        {"condition_id": 10**9},
        ("post",),
        {
            "held_on": "2026-11-01",
            "by": "入侵医生",
            "kind": "home",
            "client_id": "00000000-0000-4000-8000-000000000015",
        },
    ),
    "follow_ups_overdue": Probe(),
    "medical_cost_record": Probe(
        lambda w: {"member_id": w["health_member"].pk},
        {"member_id": 10**9},
        ("post",),
        {"year": 2026, "total": "100", "reimbursed": "50"},
    ),
    "health_activity_record": Probe(
        methods=("post",),
        data={
            "region_code": A_PLACE,
            "kind": "free_clinic",
            "held_on": "2026-11-01",
            "organiser": "入侵医院",
            "people_served": 5,
        },
    ),
    "health_activities": Probe(),
}

# Installation-wide data, not regional: who may use these is the top-administrator rule,
# tested in tests/core/test_code_lists.py.
INSTALLATION_WIDE = {
    "core:code_lists",
    "core:code_add",
    "core:code_update",
    "exchange:import_template",  # the code lists, in a sheet
    "exchange:synonyms",  # column names, shared by every import
}

# Routes the API library itself adds: the schema and its viewer show no records.
API_LIBRARY_ROUTES = {"api:openapi-json", "api:openapi-view"}


def page_routes(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from page_routes(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def is_public(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    return getattr(callback, "bangfu_public", False) or getattr(view_class, "bangfu_public", False)


def api_operations():
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_route_is_public_or_probed():
    unaccounted = [
        name
        for name, callback in page_routes()
        if not name.startswith("api:")
        and not is_public(callback)
        and name not in PAGE_PROBES
        and name not in INSTALLATION_WIDE
    ]
    assert unaccounted == [], "routes with neither @public nor a scoping probe"
    api_names = {name for name, _ in page_routes() if name.startswith("api:")}
    assert api_names >= API_LIBRARY_ROUTES
    operations = {op["operationId"] for _path, _method, op in api_operations()}
    assert operations == set(API_PROBES), "API operations and probes differ"


@pytest.fixture
def county_a(county_admin, township_staff):
    """County A with a rule set and audit entries, so every list has something to leak."""
    policy = policy_set(
        actor=county_admin,
        region_code=A_PLACE,
        key="visits.min_per_month",
        value=5,
        valid_from=datetime.date(2026, 1, 1),
    )
    token, _key = api_token_create(actor=county_admin, user_id=township_staff.pk, name="县平台")
    household = household_register(
        actor=county_admin,
        household=household_input(),
        members=[member_input()],
        status=first_status(),
    )
    upload = io.BytesIO("户编号,行政村,姓名\n6111030022019999,马家寨村,马某\n".encode())
    import_job = import_upload(actor=county_admin, file_name="沣西新城.csv", chunks=[upload.read()])
    import_check(job_id=import_job.pk)
    unit = unit_create(
        actor=county_admin,
        name="沣西新城管委会",
        kind="government",
        level="county",
        region_code=A_PLACE,
    )
    helper = helper_create(
        actor=county_admin, name="王帮扶", unit_id=unit.pk, user_id=county_admin.pk
    )
    pairing = pairing_start(
        actor=county_admin,
        household_id=household.pk,
        helper_id=helper.pk,
        is_main=True,
        started_on=datetime.date(2026, 1, 1),
    )
    visit = log(
        county_admin,
        household,
        at(datetime.date(2026, 10, 8)),
        problems=["屋顶漏雨"],
        latitude=34.5,
        longitude=108.5,
    )
    photo, _created = visit_photo_add(
        actor=county_admin,
        visit_client_id=visit.client_id,
        photo_client_id=uuid.uuid4(),
        content=jpeg(),
    )
    export_job = export_request(actor=county_admin, filters={}, full_ids=False)
    export_write(job_id=export_job.pk)
    handbook_job = handbook_request(
        actor=county_admin, region_code=household.region_id, full_ids=False, language="zh-hans"
    )
    handbook_write(job_id=handbook_job.pk)
    team = team_create(
        actor=county_admin,
        team=TeamInput(
            name="马家寨村驻村工作队",
            region_code=A_PLACE,
            unit_id=unit.pk,
            term_start=datetime.date(2026, 1, 1),
        ),
    )
    team_member = member_add(
        actor=county_admin,
        team_id=team.pk,
        member=MemberInput(
            name="马队长",
            id_number=id_number("19800101", "501"),
            role="1",
            unit_id=unit.pk,
            started_on=datetime.date(2026, 1, 1),
        ),
    )
    data_issue = DataIssue.objects.create(
        kind="set_aside",
        region_code=household.region_id,
        object_type="registry.household",
        object_id=str(household.pk),
        field="housing_area",
        detail={"was": "1e15 马家寨村"},
        raised_at=timezone.now(),
    )
    return {
        **leave_world(county_admin),
        **county_a_attendance(county_admin, team),
        "data_issue": data_issue,
        "policy": policy,
        "township_staff": township_staff,
        "token": token,
        "household": household,
        "import_job": import_job,
        "export_job": export_job,
        "handbook_job": handbook_job,
        "pairing": pairing,
        "helper": helper,
        "visit": visit,
        "problem": visit.problems.get(),
        "photo": photo,
        "team": team,
        "team_member": team_member,
        # plans
        **plan_world(county_admin, household),
        **health_world(county_admin),
        **monitoring_world(county_admin, household),
        **differences_world(county_admin, household),
        **snapshot_world(county_admin),
        **check_world(county_admin),
        # projects
        **library_world(county_admin, household),
        **assistance_world(county_admin, household),
        **sheets_world(county_admin),
        **ledger_world(county_admin),
        # supervision
        **rounds_world(county_admin, household),
        **findings_world(county_admin, household),
        **surveys_world(county_admin, household),
        **bulletins_world(county_admin, household),
        **scores_world(county_admin, household),
    }


def sent_values(data):
    if isinstance(data, dict):
        return [v for value in data.values() for v in sent_values(value)]
    if isinstance(data, list):
        return [v for value in data for v in sent_values(value)]
    return [str(data)]


def body_of(response) -> str:
    """A page's text, or a download's: an .xlsx is read as the XML of all its parts."""
    if not response.streaming:
        return response.content.decode()
    data = b"".join(response.streaming_content)
    if not data.startswith(b"PK"):
        return data.decode()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "".join(book.read(part).decode() for part in book.namelist())


def assert_nothing_of_county_a(response, sent=None):
    """No marker of county A in the body, beyond what the request itself sent (form echoes)."""
    body = body_of(response)
    for value in sent_values(sent or {}):
        body = body.replace(value, "")
    leaked = [marker for marker in MARKERS if marker in body]
    assert leaked == [], f"{response.request['PATH_INFO']} shows {leaked}"


def without_csrf(response) -> str:
    """The page with its per-request CSRF tokens and own address blanked, to compare 404s."""
    body = response.content.decode().replace(response.request["PATH_INFO"], "")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def snapshot_state():
    return (
        AuditEntry.objects.count(),
        list(Policy.objects.values_list("pk", "value")),
        list(ApiToken.objects.values_list("pk", "revoked_at")),
        list(Household.objects.values_list("pk", "number", "status")),
        Member.objects.count(),
        list(Pairing.objects.values_list("pk", "ended_on")),
        list(Responsibility.objects.values_list("pk", "person")),
        list(Visit.objects.values_list("pk", "visited_at", "kind", "notes")),
        list(Problem.objects.values_list("pk", "solved_on")),
        VisitPhoto.objects.count(),
        list(DataIssue.objects.values_list("pk", "resolved_at")),
        list(Team.objects.values_list("pk", "name", "region_id", "term_end")),
        list(TeamMember.objects.values_list("pk", "name", "ended_on")),
        list(CheckIn.objects.values_list("pk", "photo")),
        list(RegisterEntry.objects.values_list("pk", "status", "reason")),
        # plans
        list(Measure.objects.values_list("pk", "content", "status", "due_on")),
        list(Effect.objects.values_list("pk", "year", "summary")),
        Acknowledgement.objects.count(),
        monitoring_snapshot(),
        differences_snapshot(),
        checks_snapshot_state(),
        reports_state(),
        library_state(),
        assistance_state(),
        ledger_state(),
        findings_state(),
        surveys_state(),
        bulletins_state(),
        scores_state(),
    )


def call(client, method, url, data, multipart=False):
    if multipart:
        files = {
            k: SimpleUploadedFile("photo.jpg", v) if isinstance(v, bytes) else v
            for k, v in data.items()
        }
        return client.post(url, files)
    if method == "put":
        return client.put(url, data, content_type="application/json")
    if method == "post" and url.startswith("/api/"):
        return client.post(url, data, content_type="application/json")
    return getattr(client, method)(url, data if method == "post" else None)


def test_pages_show_nothing_of_another_county(county_a, other_county_admin, client):
    client.force_login(other_county_admin)
    before = snapshot_state()
    for name, probe in PAGE_PROBES.items():
        for method in probe.methods:
            if probe.by_place:
                aimed = call(client, method, f"{reverse(name)}?place={A_PLACE}", probe.data)
                missing = call(client, method, f"{reverse(name)}?place={MISSING_PLACE}", probe.data)
                assert aimed.status_code == missing.status_code == 404, (name, method)
                # The page's own address (the language switch's ``next``) echoes what was sent.
                echoed = without_csrf(aimed).replace(A_PLACE, MISSING_PLACE)
                assert echoed == without_csrf(missing), (name, method)
                continue
            if probe.target is None:
                response = call(client, method, reverse(name), probe.data)
                # 400: the intruder's own request refused as invalid, which writes nothing.
                assert response.status_code in (200, 302, 400), (name, method, response.status_code)
                assert_nothing_of_county_a(response, probe.data)
                continue
            aimed = call(client, method, reverse(name, kwargs=probe.target(county_a)), probe.data)
            missing = call(client, method, reverse(name, kwargs=probe.missing), probe.data)
            assert aimed.status_code == missing.status_code == 404, (name, method)
            assert without_csrf(aimed) == without_csrf(missing), (name, method)
    assert snapshot_state() == before
    assert not other_county_admin.__class__.objects.filter(username="intruder").exists()


def test_api_shows_nothing_of_another_county(county_a, other_county_admin, client):
    client.force_login(other_county_admin)
    before = snapshot_state()
    for path, method, operation in api_operations():
        probe = API_PROBES[operation["operationId"]]
        url = path
        if probe.target is None:
            response = call(client, method, url, probe.data, probe.multipart)
            # A list answers; a write aimed at county A's places is refused (400), or at a
            # record named in its body answered like a missing one (404); never done.
            expected = (200,) if method == "get" else (400, 404)
            assert response.status_code in expected, (path, method)
            assert_nothing_of_county_a(response, probe.data)
            continue
        aimed = call(
            client, method, url.format(**probe.target(county_a)), probe.data, probe.multipart
        )
        missing = call(client, method, url.format(**probe.missing), probe.data, probe.multipart)
        assert aimed.status_code == missing.status_code == 404, (path, method, aimed.content)
        assert (
            aimed.json()
            == missing.json()
            == {
                "code": "not_found",
                "message": aimed.json()["message"],
            }
        )
    assert snapshot_state() == before


def test_every_api_operation_needs_a_caller(client, world):
    for path, method, operation in api_operations():
        probe = API_PROBES[operation["operationId"]]
        kwargs = probe.missing or {}
        response = call(client, method, path.format(**kwargs), probe.data, probe.multipart)
        assert response.status_code == 401, (path, method)
        assert response.json()["code"] == "not_authenticated"


def test_the_walk_would_see_a_leak(county_a, county_admin, client):
    """The same list routes show county A's markers to county A's own administrator."""
    client.force_login(county_admin)
    for name, probe in PAGE_PROBES.items():
        if probe.target is None and "get" in probe.methods and name != "accounts:user_create":
            body = body_of(client.get(reverse(name)))
            assert any(marker in body for marker in MARKERS), name
    body = client.get("/api/places").content.decode()
    assert "沣西新城" in body
