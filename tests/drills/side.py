"""The installation's side of a fault drill (test_fault_drills.py runs it as a process).

    python side.py STEP [ARGUMENT]

Each step sets up or inspects the drill's database in a process of its own, as an operator's
command would, and prints one JSON line: what it made, or the facts the drill asserts.
"""

import datetime
import json
import os
import sys
import uuid

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import override_settings  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from bangfu.accounts.models import User  # noqa: E402
from bangfu.accounts.services import api_token_create  # noqa: E402
from bangfu.core import audit  # noqa: E402
from bangfu.core.models import Region  # noqa: E402
from bangfu.exchange import services as exchange  # noqa: E402
from bangfu.exchange.models import ImportJob  # noqa: E402
from bangfu.pairing import services as pairing  # noqa: E402
from bangfu.registry.models import Household, Member  # noqa: E402
from bangfu.registry.services import household_register  # noqa: E402
from bangfu.reports import rollups, selectors  # noqa: E402
from bangfu.reports.models import PlaceHelper, PlaceMonth, PlaceStock, RollupHead  # noqa: E402
from bangfu.visits import rollups as visit_rollups  # noqa: E402
from bangfu.visits.models import Visit, VisitMonth  # noqa: E402
from conftest import PLACES, build_world  # noqa: E402
from tests.registry.conftest import first_status, household_input, id_number, member_input  # noqa: E402
from tests.visits.conftest import HOME, PAIRED_SINCE, VILLAGE, at, log  # noqa: E402

COUNTY = "611103000000"
# The visits' month: past on any day this suite runs, after the pairings began.
MONTH = datetime.date(2026, 10, 1)
DRILL = "6111030022018"  # the drill's households' numbers begin so
# Tasks queued in the database and taken by ``manage.py worker``, as on a server (the tests'
# settings run a task at once, in the process that queues it).
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Rollback(Exception):
    pass


def admin() -> User:
    return User.objects.get(username="county_admin")


def phone_visit(serial: int) -> tuple[uuid.UUID, int, datetime.datetime]:
    """The phone's visit ``serial`` (1, 2…): its id, its household (of the two), its time."""
    households = list(Household.objects.filter(number__startswith=DRILL).order_by("number"))
    return (
        uuid.UUID(int=serial),
        households[(serial - 1) % 2],
        at(MONTH.replace(day=1 + (serial - 1) // 2 * 7)),
    )


def seed_visits(landed: str = "0") -> dict:
    """Two households of 马家寨村 paired with 王哲铭 (helper_wang), his phone's token, and
    the phone's first ``landed`` visits recorded (their answers lost on the way back)."""
    if not Region.objects.filter(code=PLACES[0][0]).exists():
        build_world()  # a transactional test of this worker emptied the database copied
    boss, wang_user = admin(), User.objects.get(username="helper_wang")
    unit = pairing.unit_create(
        actor=boss, name="沣西新城农业农村局", kind="government", level="county", region_code=COUNTY
    )
    wang = pairing.helper_create(actor=boss, name="王哲铭", unit_id=unit.pk, user_id=wang_user.pk)
    households = []
    for serial in ("001", "002"):
        household = household_register(
            actor=boss,
            household=household_input(
                number=f"{DRILL}{serial}", region_code=VILLAGE, latitude=HOME[0], longitude=HOME[1]
            ),
            members=[member_input(id_number=id_number("19700101", serial))],
            status=first_status(),
        )
        pairing.pairing_start(
            actor=boss,
            household_id=household.pk,
            helper_id=wang.pk,
            is_main=True,
            started_on=PAIRED_SINCE,
        )
        households.append(household.pk)
    _token, key = api_token_create(actor=boss, user_id=wang_user.pk, name="王哲铭的手机")
    for serial in range(1, int(landed) + 1):
        client_id, household, when = phone_visit(serial)
        log(wang_user, household, when, client_id=client_id, problems=["屋顶漏雨"])
    return {"token": key, "households": households}


def seed_figures() -> dict:
    """Visits of a month, logged with nobody reading the figures since: the place roll-ups
    are still to be built (as after a restore, or an upgrade that adds a figure)."""
    made = seed_visits()
    wang = User.objects.get(username="helper_wang")
    for day, household in zip((1, 8, 15), made["households"] * 2, strict=False):
        log(
            wang,
            Household.objects.get(pk=household),
            at(MONTH.replace(day=day)),
            problems=["屋顶漏雨"],
        )
    RollupHead.objects.all().delete()
    for model in (PlaceStock, PlaceMonth, PlaceHelper):
        model.objects.all().delete()
    return made


def upload(path: str) -> dict:
    """The county administrator's sheet, uploaded and checked (导入第一步)."""
    if not Region.objects.filter(code=PLACES[0][0]).exists():
        build_world()
    with open(path, "rb") as handle:
        job = exchange.import_upload(actor=admin(), file_name="drill.xlsx", chunks=iter(handle))
    job = exchange.import_check(job_id=job.pk)
    return {"job": job.pk, "state": job.state}


def worker() -> None:
    """``manage.py worker`` in this process, stopping once no task is left (``--batch``)."""
    with override_settings(TASKS=DATABASE_TASKS):
        call_command(
            "worker",
            batch=True,
            reload=False,
            startup_delay=False,
            worker_id=f"drill-{os.getpid()}",
        )


def commit(job_id: str) -> dict:
    """The person asks for the checked sheet to be imported (导入): the task is queued, and
    the worker takes it (``exchange.tasks.commit_import``)."""
    from bangfu.exchange.tasks import commit_import

    exchange.import_commit_request(actor=admin(), job_id=int(job_id))
    with override_settings(TASKS=DATABASE_TASKS):
        commit_import.enqueue(int(job_id))
    worker()
    return {}


def restart(_argument: str = "") -> dict:
    """The worker started again, as systemd does seconds after it died; nothing is queued."""
    worker()
    return {}


def stored_place_rollups() -> list:
    rows = []
    for model in (PlaceStock, PlaceMonth):
        for row in model.objects.all():
            figures = {name: getattr(row, name) for name in rollups._figures(row)}
            month = str(getattr(row, "month", ""))
            rows.append(
                [
                    model.__name__,
                    row.pk,
                    row.region_id,
                    month,
                    json.dumps(figures, sort_keys=True, default=str),
                ]
            )
    rows += [
        ["PlaceHelper", h.pk, h.region_id, h.helper_id, h.pairings]
        for h in PlaceHelper.objects.all()
    ]
    return sorted(rows)


def without_ids(rows: list) -> list:
    return sorted(row[:1] + row[2:] for row in rows)


def visit_months() -> list:
    return sorted(
        [
            row.household_id,
            str(row.month),
            *(str(getattr(row, name)) for name in visit_rollups.FIGURES),
        ]
        for row in VisitMonth.objects.all()
    )


def facts(_argument: str = "") -> dict:
    """What a drill asserts after the restart, read without changing anything."""
    checked, broken = audit.verify_chain()
    job = ImportJob.objects.order_by("-pk").first()
    return {
        "audit_entries": checked,
        "audit_broken": str(broken) if broken else None,
        "visits": sorted(
            str(client_id) for client_id in Visit.objects.values_list("client_id", flat=True)
        ),
        "households": Household.objects.count(),
        "members": Member.objects.count(),
        "job": job
        and {
            "state": job.state,
            "committed": job.committed,
            "summary": job.summary,
            "message": job.message,
        },
        "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)),
        "place_rollups": stored_place_rollups(),
        "rollup_head": RollupHead.objects.filter(pk=1).values_list("last_seq", flat=True).first(),
    }


def recomputed(_argument: str = "") -> dict:
    """The facts, and the roll-ups as kept against the same recomputed from the records (in
    a transaction rolled back): the households' month rows, the place rows brought up to the
    audit log's end, and the village's and county's figures that differ from those counted
    from the records."""
    result = facts()
    try:
        with transaction.atomic():
            result["visit_months"] = visit_months()
            visit_rollups.rebuild()
            result["visit_months_recomputed"] = visit_months()
            rollups.catch_up()
            result["place_rollups"] = without_ids(stored_place_rollups())
            rollups.rebuild()
            result["place_rollups_recomputed"] = without_ids(stored_place_rollups())
            period = selectors.Period(MONTH, MONTH)
            result["figures_differing"] = {}
            for code in (VILLAGE, COUNTY):
                place = Region.objects.get(code=code)
                kept = selectors.Figures(admin(), place, period).values
                counted = selectors.source_figures(admin(), place, period)
                result["figures_differing"][code] = {
                    name: [value, counted.get(name)]
                    for name, value in kept.items()
                    if counted.get(name) != value
                }
            raise Rollback
    except Rollback:
        pass
    return result


STEPS = {
    "seed_visits": seed_visits,
    "seed_figures": seed_figures,
    "upload": upload,
    "commit": commit,
    "restart": restart,
    "facts": facts,
    "recomputed": recomputed,
}


if __name__ == "__main__":
    step, *argument = sys.argv[1:]
    sys.stdout.write(json.dumps(STEPS[step](*argument), default=str) + "\n")
    sys.stdout.flush()
