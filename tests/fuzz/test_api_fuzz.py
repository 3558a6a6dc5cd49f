"""Schemathesis over the API's own OpenAPI spec, in process, as county A's administrator.

Every operation is sent (1) each field of a valid request alone at its extremes (a sweep),
then (2) hypothesis examples: schemathesis's own cases from the spec, its negative cases,
the same aimed at county A's real records (schemathesis cannot guess ids), and valid
requests with a few fields swapped for hostile values. No answer may be a 5xx or take longer
than ``BOUND_S`` CPU seconds (or ``WALL_BOUND_S``); afterwards every list, page, handbook and
API read of the place still
answers 200 (issue 12, item 7).

The test is transactional: each request commits as it would in production, so a value
that is stored and then breaks a later read is seen, and a PostgreSQL error in one request
does not poison the next one's transaction.
"""

import copy
import dataclasses
import datetime
import math
import uuid

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from bangfu.accounts.services import api_token_create
from bangfu.api.main import api
from bangfu.core.policies import REGISTRY
from bangfu.pairing.models import Pairing
from bangfu.pairing.services import helper_create, pairing_start
from bangfu.teams import services as team_services
from bangfu.teams.models import TeamMember
from tests.checks.difference_world import differences_aims
from tests.checks.reports_world import report_aims
from tests.checks.snapshot_world import snapshot_aims
from tests.fuzz.harness import (
    HOSTILE_FLOATS,
    HOSTILE_INTEGERS,
    HUNDRED_KB,
    Finding,
    Requests,
    Target,
    any_hostile_text,
    brief,
    check_reads_survive,
    check_target_still_reads,
    fresh_id_number,
    fuzz_settings,
    hostile_date_text,
    hostile_datetime_text,
    hostile_number_text,
    hostile_text,
    jsonable,
    printable,
    shard_of,
    shards,
)
from tests.health.world import health_aims
from tests.monitoring.world import monitoring_aims
from tests.plans.plan_world import plans_aims
from tests.projects.assistance_world import assistance_aims
from tests.projects.ledger_world import ledger_aims
from tests.projects.library_world import library_aims
from tests.registry.conftest import first_status, household_input, member_input
from tests.supervision.bulletins_world import bulletins_aims
from tests.supervision.findings_world import findings_aims
from tests.supervision.rounds_world import rounds_aims
from tests.supervision.scores_world import scores_aims
from tests.supervision.surveys_world import surveys_aims
from tests.teams.leave_world import teams_aims
from tests.test_scoping_walk import A_PLACE, STATUS_JSON, county_a  # noqa: F401 (a fixture)
from tests.visits.conftest import jpeg

EXAMPLES_PER_OPERATION = 3  # after each operation's sweep; `make fuzz`: FUZZ_SCALE times as many

# Operations that end what the others need (a solved problem, a closed household, an ended
# pairing, a helper's households handed over) go last, so the rest meet live records; the
# target's own pairing is the last to go, with its helper's hand-over.
ENDING = ["problem_solve", "household_status_change", "pairing_end", "helper_transfer"]

PHOTO = jpeg()


# ---------------------------------------------------------------------------------------
# Valid requests aimed at county A's records: the starting point that a fuzzed field
# departs from, so that a request gets past the other fields' checks to the one tried.


@dataclasses.dataclass
class Aim:
    path: dict
    query: dict
    body: object  # None: the operation takes no body


def aims(target: Target, second_helper, third_helper, fourth_helper, world=None) -> dict:
    """For each operation, a function of a serial number giving a valid request aimed at
    the target's records (the serial makes numbers, ID numbers and client ids fresh). The
    target is read when the request is made: it moves on when a write poisons it."""

    def registration(n):
        return {
            "household": jsonable(
                dataclasses.asdict(household_input(number=f"611103002201F{n:04d}"))
            ),
            "members": [
                jsonable(dataclasses.asdict(member_input(id_number=fresh_id_number(n, "333"))))
            ],
            "status": jsonable(dataclasses.asdict(first_status())),
        }

    def household():
        return {"household_id": target.household.pk}

    def household_now():
        # The target's own values (a renewed target has its own number).
        return jsonable(dataclasses.asdict(household_input(number=target.household.number)))

    def visit_body(n):
        return {
            "client_id": str(uuid.UUID(int=n + 1)),
            "household_id": target.household.pk,
            "visited_at": "2026-10-08T10:00:00+08:00",
            "kind": "home",
            "services": [],
            "notes": "",
            "goods_value": "0",
            "money_value": "0",
            "jobs_found": 0,
            "problems": ["屋顶漏雨"],
            "latitude": 34.25,
            "longitude": 108.7,
            "accuracy_m": 10,
            "helper_id": target.helper.pk,
        }

    def second_pairing():
        """A current pairing of the target household with the second helper (made when
        there is none): ``pairing_end`` ends those, and leaves the target's own pairing for
        ``helper_transfer`` to hand over."""
        current = Pairing.objects.filter(
            household=target.household, helper=second_helper, ended_on=None
        )
        found = current.values_list("pk", flat=True).first()
        if found is None:
            found = pairing_start(
                actor=target.actor,
                household_id=target.household.pk,
                helper_id=second_helper.pk,
                is_main=False,
                started_on=datetime.date(2026, 2, 1),
            ).pk
        return found

    def team():
        return {"team_id": target.team.pk}

    def team_member():
        """The team's latest member in post, put on when there is none."""
        current = TeamMember.objects.filter(team=target.team, ended_on=None).order_by("-pk")
        found = current.values_list("pk", flat=True).first()
        if found is None:
            found = team_services.member_add(
                actor=target.actor,
                team_id=target.team.pk,
                member=team_services.MemberInput(
                    name="接替队员",
                    id_number=fresh_id_number(next(made), "666"),
                    role="4",
                    unit_id=target.unit_id,
                    started_on=datetime.date(2026, 1, 1),
                ),
            ).pk
        return {"member_id": found}

    def team_body(name):
        return {
            "name": name,
            "region_code": A_PLACE,
            "unit_id": target.unit_id,
            "term_start": "2026-01-01",
            "term_end": None,
            "villages": [A_PLACE],
            "latitude": "34.25",
            "longitude": "108.7",
        }

    def team_member_body(n):
        return {
            "name": "孙队员",
            "id_number": fresh_id_number(n, "222"),
            "role": "4",
            "unit_id": target.unit_id,
            "phone": "",
            "user_id": None,
        }

    made = iter(range(1, 10**6))
    keys = list(REGISTRY)
    unit = {"name": "沣西新城农业农村局", "kind": "government", "level": "county"}
    helper_body = {"name": "王帮扶", "unit_id": target.unit_id, "position": "", "phone": ""}
    return {
        "me": lambda n: Aim({}, {}, None),
        "places_held": lambda n: Aim({}, {}, None),
        "place_detail": lambda n: Aim({"code": A_PLACE}, {}, None),
        "place_rules": lambda n: Aim({"code": A_PLACE}, {}, None),
        "place_rule_set": lambda n: Aim(
            {"code": A_PLACE, "key": keys[n % len(keys)]},
            {},
            {
                "value": jsonable(REGISTRY[keys[n % len(keys)]].default),
                "valid_from": "2026-01-01",
                "note": "",
            },
        ),
        "households_list": lambda n: Aim({}, {"region_code": A_PLACE}, None),
        "household_register": lambda n: Aim({}, {}, registration(n)),
        "household_detail": lambda n: Aim(household(), {}, None),
        "household_update": lambda n: Aim(household(), {}, household_now()),
        "household_status_change": lambda n: Aim(household(), {}, dict(STATUS_JSON)),
        "member_add": lambda n: Aim(
            household(),
            {},
            jsonable(
                dataclasses.asdict(member_input(id_number=fresh_id_number(n, "333"), relation="03"))
            ),
        ),
        "member_update": lambda n: Aim(
            {"member_id": target.member_id}, {}, jsonable(dataclasses.asdict(target.head))
        ),
        "household_pairings": lambda n: Aim(household(), {}, None),
        "pairing_start": lambda n: Aim(
            {},
            {},
            {
                "household_id": target.household.pk,
                "helper_id": second_helper.pk,
                "started_on": "2026-02-01",
                "is_main": False,
            },
        ),
        "pairing_end": lambda n: Aim(
            {"pairing_id": second_pairing()}, {}, {"ended_on": "2026-11-01", "reason": "调岗"}
        ),
        # The second helper's pairing goes to a fourth, who helps nobody else: the target's
        # own helper and the third stay as helper_transfer needs them.
        "pairing_handover": lambda n: Aim(
            {"pairing_id": second_pairing()},
            {},
            {"to_helper_id": fourth_helper.pk, "on": "2026-11-01", "reason": "调岗"},
        ),
        "coverage": lambda n: Aim({}, {"place": A_PLACE}, None),
        "units_list": lambda n: Aim({}, {}, None),
        "unit_create": lambda n: Aim(
            {}, {}, {**unit, "name": f"帮扶单位{n}", "region_code": A_PLACE, "credit_code": ""}
        ),
        "unit_update": lambda n: Aim({"unit_id": target.unit_id}, {}, {**unit, "credit_code": ""}),
        "helpers_list": lambda n: Aim({}, {}, None),
        "helper_create": lambda n: Aim(
            {}, {}, {**helper_body, "name": f"帮扶人{n}", "party_member": False, "id_number": ""}
        ),
        "helper_update": lambda n: Aim(
            {"helper_id": target.helper.pk},
            {},
            {**helper_body, "party_member": True, "id_number": ""},
        ),
        "helper_transfer": lambda n: Aim(
            {"helper_id": target.helper.pk},
            {},
            {"to_helper_id": third_helper.pk, "on": "2026-11-01", "reason": "调岗"},
        ),
        "visit_record": lambda n: Aim({}, {}, visit_body(n)),
        "visit_photo_add": lambda n: Aim(
            {"client_id": str(target.visit.client_id)},
            {},
            {"photo_id": str(uuid.UUID(int=10**6 + n)), "photo": PHOTO},
        ),
        "visit_detail": lambda n: Aim({"visit_id": target.visit.pk}, {}, None),
        "household_visits": lambda n: Aim(household(), {}, None),
        "visit_flags": lambda n: Aim({"visit_id": target.visit.pk}, {}, None),
        "problem_solve": lambda n: Aim(
            {"problem_id": target.problem.pk},
            {},
            {"solved_on": "2026-11-01", "solution": "已维修"},
        ),
        "visit_compliance": lambda n: Aim({}, {"place": A_PLACE, "month": "2026-10"}, None),
        # teams and members
        "teams_list": lambda n: Aim({}, {"place": A_PLACE, "state": "current"}, None),
        "team_create": lambda n: Aim({}, {}, team_body(f"驻村工作队{n}")),
        "team_detail": lambda n: Aim(team(), {}, None),
        "team_update": lambda n: Aim(team(), {}, team_body("马家寨村驻村工作队")),
        "team_member_add": lambda n: Aim(
            team(), {}, {**team_member_body(n), "started_on": "2026-02-01"}
        ),
        "team_member_end": lambda n: Aim(
            team_member(), {}, {"ended_on": "2026-11-01", "reason": "轮换"}
        ),
        "team_member_replace": lambda n: Aim(
            team_member(),
            {},
            {"on": "2026-11-01", "reason": "调整", "member": team_member_body(n)},
        ),
        # teams: check-ins (the county's administrator serves on county A's team and checks in)
        # and the member's month
        "check_in_record": lambda n: Aim(
            {},
            {},
            {
                "client_id": str(uuid.UUID(int=2 * 10**6 + n)),
                "checked_at": "2026-10-08T08:00:00+08:00",
                "latitude": 34.25,
                "longitude": 108.7,
                "accuracy_m": 10,
                "member_id": world["checking_member"].pk,
            },
        ),
        "check_in_photo_add": lambda n: Aim(
            {"client_id": str(world["check_in"].client_id)}, {}, {"photo": PHOTO}
        ),
        "check_in_detail": lambda n: Aim({"check_in_id": world["check_in"].pk}, {}, None),
        "team_member_month": lambda n: Aim(
            {"member_id": world["checking_member"].pk}, {"month": "2026-10"}, None
        ),
    }


# ---------------------------------------------------------------------------------------
# The spec's schemas, walked to find every field and what kind of value it takes.

SPEC = api.get_openapi_schema()


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def leaves(schema: dict, base, path=()):
    """(path, schema) of every scalar or list-of-scalars field of a body, into nested
    objects and into each element of a list of objects present in the valid request."""
    schema = resolve(schema)
    if "properties" in schema:
        for name, sub in schema["properties"].items():
            inner = base.get(name) if isinstance(base, dict) else None
            yield from leaves(sub, inner, (*path, name))
        return
    items = resolve(schema.get("items", {}))
    if schema.get("type") == "array" and "properties" in items and isinstance(base, list):
        for index, element in enumerate(base):
            yield from leaves(items, element, (*path, index))
        return
    yield path, schema


def kinds(schema: dict) -> set[str]:
    schema = resolve(schema)
    if "anyOf" in schema:
        return set().union(*(kinds(option) for option in schema["anyOf"]))
    kind = schema.get("type")
    if kind == "string" and schema.get("format") in ("date", "date-time", "uuid", "binary"):
        return {schema["format"]}
    if kind == "array":
        return {"array"}
    return {kind or "any"}


HOSTILE_BY_KIND = {
    "integer": st.one_of(st.sampled_from(HOSTILE_INTEGERS), st.integers()),
    "number": st.one_of(st.sampled_from(HOSTILE_FLOATS), st.floats()),
    "string": st.one_of(hostile_text, hostile_number_text),
    "date": st.one_of(hostile_date_text, hostile_text),
    "date-time": st.one_of(hostile_datetime_text, hostile_date_text, hostile_text),
    "uuid": st.one_of(st.uuids().map(str), hostile_text),
    "binary": st.one_of(st.binary(max_size=64), st.just(PHOTO[:100]), st.just(b"\x00" * 10)),
    "boolean": st.one_of(st.booleans(), st.sampled_from(["yes", 2, None])),
    "null": st.none(),
    "array": st.lists(any_hostile_text, max_size=3) | st.just(["x"] * 1000),
    "any": st.one_of(
        st.sampled_from(HOSTILE_INTEGERS + HOSTILE_FLOATS),
        any_hostile_text,
        st.lists(st.integers(), max_size=3),
        st.just({"a": 1}),
    ),
}

# The sweep: each field alone at the extremes the issue saw (and a few more).
EXTREMES_BY_KIND = {
    "integer": [-5, 2**63, 10**15],
    "number": [1e15, -5.0, 1e308],
    "string": [HUNDRED_KB, "\x00", "9" * 5000],
    "date": ["0001-01-01", "9999-12-31", "2099-01-01"],
    "date-time": ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59+14:00", "2099-01-01T10:00"],
    "uuid": ["00000000-0000-0000-0000-000000000000"],
    "binary": [b"not a picture", b"\xff\xd8\xff" + b"\x00" * 64],
    "boolean": [],
    "null": [],
    "array": [[HUNDRED_KB], ["\x00"], ["1"] * 1000],
    "any": [2**63, -5, HUNDRED_KB, None, [], {"a": 1}],
}


def extremes(schema: dict) -> list:
    found = []
    for kind in sorted(kinds(schema)):
        found += [v for v in EXTREMES_BY_KIND[kind] if v not in found]
    return found


def hostile(schema: dict):
    return st.one_of(*(HOSTILE_BY_KIND[kind] for kind in sorted(kinds(schema))))


def with_value(body, path, value):
    changed = copy.deepcopy(body)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def body_schema(operation) -> dict | None:
    content = SPEC["paths"][operation.path][operation.method.lower()].get("requestBody")
    if not content:
        return None
    return next(iter(content["content"].values()))["schema"]


def query_schemas(operation) -> dict:
    spec = SPEC["paths"][operation.path][operation.method.lower()]
    return {p["name"]: p["schema"] for p in spec.get("parameters", []) if p["in"] == "query"}


def path_schemas(operation) -> dict:
    spec = SPEC["paths"][operation.path][operation.method.lower()]
    return {p["name"]: p["schema"] for p in spec.get("parameters", []) if p["in"] == "path"}


# ---------------------------------------------------------------------------------------
# Sending a case.


class Sender:
    """Sends schemathesis cases with the token; after a write that may have stored
    something (not refused with a 4xx), checks that the target still reads."""

    def __init__(self, requests: Requests, key: str, reader, target: Target):
        self.requests, self.reader, self.target = requests, reader, target
        self.headers = {"Authorization": f"Bearer {key}"}

    def send(self, operation_id: str, case, changed: dict | None = None):
        """``changed``: the body fields that differ from the valid request, shown instead of
        the whole body."""
        shown = f"{case.method} {printable(case.formatted_path)}"
        if case.query:
            shown += f" query={brief(case.query)}"
        if changed:
            fields = ", ".join(f"{'.'.join(map(str, p))}={brief(v)}" for p, v in changed.items())
            shown += f" body=valid with {fields}"
        elif not isinstance(case.body, NotSet):
            shown += f" body={brief(case.body)}"
        outcome = self.requests.send(operation_id, shown, lambda: case.call(headers=self.headers))
        stored = outcome.status is None or not 400 <= outcome.status < 500
        if case.method != "GET" and stored:
            check_target_still_reads(self.requests, self.reader, self.target, operation_id, shown)
        return outcome

    def send_valid(self, operation_id: str, case) -> None:
        """The valid request, which must be accepted: the fuzz is only as deep as its
        starting point."""
        outcome = self.send(operation_id, case)
        if outcome.status is not None and outcome.status >= 400:
            body = outcome.response.text if outcome.response is not None else ""
            self.requests.findings.add(
                Finding(
                    "valid request refused (the fuzz cannot get past it)",
                    operation_id,
                    f"{case.method} {printable(case.formatted_path)} body={brief(case.body)}",
                    outcome.status,
                    body[:300],
                    "",
                    outcome.seconds,
                )
            )


def make_case(operation, aim: Aim):
    """A schemathesis case carrying the aimed request, sent and serialized like its own."""
    if aim.body is None:
        return operation.Case(path_parameters=aim.path, query=aim.query)
    media_type = next(iter(operation.body)).media_type
    return operation.Case(
        path_parameters=aim.path, query=aim.query, body=aim.body, media_type=media_type
    )


@pytest.mark.stricter_database
@pytest.mark.django_db(transaction=True)
@shards
def test_api_answers_every_request_without_server_error_within_the_bound(
    county_a,  # noqa: F811 (the fixture imported above)
    county_admin,
    fuzzing,
    shard,
):
    _token, key = api_token_create(actor=county_admin, user_id=county_admin.pk, name="fuzz")
    second_helper = helper_create(
        actor=county_admin, name="李帮扶", unit_id=county_a["helper"].unit_id
    )
    # One to pair beside the target's helper, one to hand the target's households to.
    third_helper = helper_create(
        actor=county_admin, name="张帮扶", unit_id=county_a["helper"].unit_id
    )
    fourth_helper = helper_create(
        actor=county_admin, name="赵帮扶", unit_id=county_a["helper"].unit_id
    )
    target = Target(county_admin, county_a)
    aim_for = aims(target, second_helper, third_helper, fourth_helper, world=county_a)
    aim_for.update(teams_aims(county_a, Aim))
    aim_for.update(plans_aims(county_a, Aim))
    aim_for.update(health_aims(county_a, Aim))
    aim_for.update(monitoring_aims(county_a, Aim))
    aim_for.update(differences_aims(county_a, Aim))
    aim_for.update(snapshot_aims(Aim))
    aim_for.update(report_aims(county_a, Aim))
    aim_for.update(library_aims(county_a, Aim))
    aim_for.update(assistance_aims(county_a, Aim))
    aim_for.update(ledger_aims(county_a, Aim))
    aim_for.update(rounds_aims(county_a, Aim))
    aim_for.update(findings_aims(county_a, Aim))
    aim_for.update(surveys_aims(county_a, Aim))
    aim_for.update(bulletins_aims(county_a, Aim))
    aim_for.update(scores_aims(county_a, Aim))
    requests, findings = fuzzing, fuzzing.findings
    reader = Client(raise_request_exception=False)  # a 500 is a finding, not a crash
    reader.force_login(county_admin)
    sender = Sender(requests, key, reader, target)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    operations = {
        result.ok().definition.raw["operationId"]: result.ok()
        for result in schema.get_all_operations()
    }
    assert set(operations) == set(aim_for), "every operation needs a valid request to start from"

    reads_first = sorted(
        operations,
        key=lambda name: (
            name in ENDING and ENDING.index(name) + 1,
            operations[name].method != "GET",
        ),
    )
    serial = iter(range(10**6))
    for operation_id in shard_of(reads_first, shard):
        operation = operations[operation_id]
        sweep(sender, operation_id, operation, aim_for[operation_id], serial)
        fuzz(sender, operation_id, operation, aim_for[operation_id], serial)

    check_reads_survive(requests, reader, county_admin, A_PLACE, target.households)
    assert not findings, findings.report()


def sweep(sender: Sender, operation_id: str, operation, aim_of, serial) -> None:
    """Each field of a valid request alone at its extremes: path parameters, query
    parameters, body fields (the explicit examples: the same every run)."""
    sender.send_valid(operation_id, make_case(operation, aim_of(next(serial))))
    for name, schema in path_schemas(operation).items():
        for value in extremes(schema) + ["0", "..%2F", "611103\x00"]:
            aim = aim_of(next(serial))
            aim.path = {**aim.path, name: value}
            sender.send(operation_id, make_case(operation, aim))
    for name, schema in query_schemas(operation).items():
        for value in extremes(schema) + ["9999-12", "0001-01"]:
            aim = aim_of(next(serial))
            aim.query = {**aim.query, name: value}
            sender.send(operation_id, make_case(operation, aim))
    body = body_schema(operation)
    if body is None:
        return
    for path, schema in leaves(body, aim_of(0).body):
        for value in extremes(schema):
            aim = aim_of(next(serial))
            aim.body = with_value(aim.body, path, value)
            sender.send(operation_id, make_case(operation, aim), {path: value})


def fuzz(sender: Sender, operation_id: str, operation, aim_of, serial) -> None:
    """Hypothesis examples, each one of: schemathesis's case from the spec; its negative
    case (where the operation takes input); its case aimed at the target's records (where
    the path names one); the valid request with one to three fields made hostile."""
    has_input = bool(path_schemas(operation) or query_schemas(operation) or body_schema(operation))
    positive = operation.as_strategy()
    kinds_of_example = ["schemathesis"]
    if has_input:
        kinds_of_example.append("schemathesis negative")
    if path_schemas(operation):
        kinds_of_example.append("schemathesis aimed")
    kinds_of_example.append("valid with hostile fields")
    negative = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE) if has_input else None

    @fuzz_settings(EXAMPLES_PER_OPERATION)
    @given(data=st.data())
    def run(data):
        kind = data.draw(st.sampled_from(kinds_of_example), label="kind")
        if kind == "schemathesis":
            case = data.draw(positive)
        elif kind == "schemathesis negative":
            case = data.draw(negative)
        elif kind == "schemathesis aimed":
            case = data.draw(positive)
            case.path_parameters = aim_of(next(serial)).path
        else:
            aim, changed = mutated(data, operation, aim_of(next(serial)))
            sender.send(operation_id, make_case(operation, aim), changed)
            return
        sender.send(operation_id, case)

    run()


def mutated(data, operation, aim: Aim) -> tuple[Aim, dict]:
    """The valid request with one to three of its fields (body or query) made hostile; and
    the body fields changed."""
    body = body_schema(operation)
    fields = [("query", name, schema) for name, schema in query_schemas(operation).items()]
    if body is not None:
        fields += [("body", path, schema) for path, schema in leaves(body, aim.body)]
    changed = {}
    if not fields:
        return aim, changed
    chosen = data.draw(
        st.lists(st.sampled_from(range(len(fields))), min_size=1, max_size=3, unique=True),
        label="fields made hostile",
    )
    for index in chosen:
        where, path, schema = fields[index]
        value = data.draw(hostile(schema), label=str(path))
        if where == "query":
            aim.query = {**aim.query, path: value}
        else:
            if isinstance(value, float) and not math.isfinite(value):
                # JSON carries no NaN or infinity (the sender refuses them): a careless
                # client writes them as text.
                value = str(value)
            aim.body = with_value(aim.body, path, value)
            changed[path] = value
    return aim, changed
