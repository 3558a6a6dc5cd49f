"""The early-warning rules' run (预警规则运行): nightly over everything, after a department's
import over the households it touched, or by the county office over its county.

Set-based: each place's parameters go into a temporary table once, each rule is one query
over the whole scope (``rules.RULES``), and what they found is raised as alerts in batches —
inserted together, each with its fired records (``FiredRecord``) and its audit entry
(``alert.raise``, as one raised on a page), chained by ``audit.record_many``. A household gets
one alert a rule a run, naming every record that fired it.
"""

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bangfu.core import audit
from bangfu.core.calendar import deadline
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import OutOfScope
from bangfu.core.inserts import full_rows, insert_values
from bangfu.core.policies import policies_everywhere
from bangfu.core.regions import code_range
from bangfu.core.selectors import visible_place
from bangfu.pairing.models import Pairing

from .. import rules
from ..models import Alert, AlertSource, Counting, FiredRecord, RuleRun
from .common import township_code

BATCH = 2000  # alerts inserted and audited together
MOST_NAMED = 50  # records an alert's ``fired_by`` names (all are kept as FiredRecords)
# SQLite's page cache for the run's connection, restored after it (a worker's connection
# lives on): a run reads millions of rows and writes hundreds of thousands in one
# transaction, and the default 2 MiB spills the transaction to the WAL and reads it back.
# (Not mmap_size: at a province's size it gained under a tenth on the queries, and the
# mapped pages count in the process's resident memory. Not temp_store: SQLite refuses to
# change it inside a transaction once a temporary table was made, and a run is inside one.)
_SQLITE_RUN = {"cache_size": -262144}  # 256 MiB
_PLACE_COLUMNS = [
    *(f"on_{code}" for code in rules.RULES),
    "income_line",
    "drop_share",
    "medical_threshold",
    "medical_share",
    "since_events",
    "since_disaster",
]


def _create_temporary(cursor, households: list[int] | None) -> None:
    for table in (rules.PLACES, rules.SCOPE):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    switches = ", ".join(f"on_{code} integer NOT NULL" for code in rules.RULES)
    cursor.execute(
        f"CREATE TEMPORARY TABLE {rules.PLACES} (region_id varchar(15) PRIMARY KEY, "
        f"{switches}, income_line integer NOT NULL, drop_share integer NOT NULL, "
        f"medical_threshold integer NOT NULL, medical_share integer NOT NULL, "
        f"since_events date NOT NULL, since_disaster date NOT NULL)"
        # SQLite: the rows in the key's b-tree, one search a place rather than two.
        f"{' WITHOUT ROWID' if connection.vendor == 'sqlite' else ''}"
    )
    if households is not None:
        cursor.execute(f"CREATE TEMPORARY TABLE {rules.SCOPE} (household_id bigint PRIMARY KEY)")
        cursor.executemany(
            f"INSERT INTO {rules.SCOPE} (household_id) VALUES (%s)",
            [(pk,) for pk in sorted(set(households))],
        )


def _scope(place: str | None, households: list[int] | None) -> str:
    """The households judged, as SQL over ``h``: open ones, under the place, among those named.
    Place codes are digits (checked), so they stand in the text."""
    clause = "h.closed_on IS NULL"
    if place is not None:
        lo, hi = code_range(place, _level(place))
        assert lo.isdigit() and hi.isdigit()
        clause += f" AND h.region_id >= '{lo}' AND h.region_id < '{hi}'"
    if households is not None:
        clause += f" AND h.id IN (SELECT household_id FROM {rules.SCOPE})"
    return clause


def _level(code: str) -> int:
    from bangfu.core.models import Region

    return Region.objects.values_list("level", flat=True).get(pk=code)


def _fill_places(cursor, scope: str, on: datetime.date) -> dict[str, Any]:
    """Each village's (or group's) parameters in force on the day, from the policies."""
    from bangfu.registry.models import Household

    cursor.execute(f"SELECT DISTINCT h.region_id FROM {Household._meta.db_table} h WHERE {scope}")
    regions = [row[0] for row in cursor.fetchall()]
    answer = policies_everywhere(rules.parameter_keys())
    adapt = connection.ops.adapt_datefield_value
    rows = []
    for region in regions:
        value = {key: found.value for key, found in answer(region, on).items()}
        rows.append(
            (
                region,
                *(int(bool(value[rule.switch])) for rule in rules.RULES.values()),
                value["monitoring.income_line"],
                value["monitoring.income_drop_share"],
                value["monitoring.medical_cost_threshold"],
                value["monitoring.medical_cost_share"],
                adapt(on - datetime.timedelta(days=value["monitoring.lookback_days"])),
                adapt(on - datetime.timedelta(days=value["monitoring.disaster_days"])),
            )
        )
    marks = ", ".join(["%s"] * (len(_PLACE_COLUMNS) + 1))
    cursor.executemany(
        f"INSERT INTO {rules.PLACES} (region_id, {', '.join(_PLACE_COLUMNS)}) VALUES ({marks})",
        rows,
    )
    return {"places": len(regions)}


@contextmanager
def _run_settings() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = {}
        for name, value in _SQLITE_RUN.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


def found_by_rules(
    *, on: datetime.date, place: str | None = None, households: Iterable[int] | None = None
) -> dict[tuple[int, str], list[tuple]]:
    """What each rule finds in the scope on the day, set-based: (household, rule) → the rows
    (member, record, other record, amount, year, day), one a record that fired it. Reads
    only (its temporary tables aside); the run raises what it answers."""
    chosen = None if households is None else list(households)
    run = rules.run_values(on)
    run["on"] = connection.ops.adapt_datefield_value(on)
    run["born_after"] = connection.ops.adapt_datefield_value(run["born_after"])
    run["born_by"] = connection.ops.adapt_datefield_value(run["born_by"])
    run["everything"] = place is None and chosen is None
    found: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    with _run_settings(), connection.cursor() as cursor:
        _create_temporary(cursor, chosen)
        try:
            scope = _scope(place, chosen)
            _fill_places(cursor, scope, on)
            for code, rule in rules.RULES.items():
                sql, params = rule.query(scope, run)
                cursor.execute(sql, params)
                for household, *rest in cursor.fetchall():
                    rows = found[(household, code)]
                    # A record reached twice for a household (two members' joins) is one.
                    if not any(row[1] == rest[1] for row in rows):
                        rows.append(tuple(rest))
        finally:
            for table in (rules.PLACES, rules.SCOPE):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return found


def _helpers(households: list[int]) -> dict[int, int]:
    """Each household's helper now (its main pairing's, else its first)."""
    helpers: dict[int, int] = {}
    for start in range(0, len(households), 500):
        for household, helper in (
            Pairing.objects.filter(
                household_id__in=households[start : start + 500],
                ended_on=None,
                helper__isnull=False,
            )
            .order_by("household_id", "-is_main", "pk")
            .values_list("household_id", "helper_id")
        ):
            helpers.setdefault(household, helper)
    return helpers


def _regions(households: list[int]) -> dict[int, str]:
    from bangfu.registry.models import Household

    found: dict[int, str] = {}
    for start in range(0, len(households), 500):
        found.update(
            Household.objects.filter(pk__in=households[start : start + 500]).values_list(
                "pk", "region_id"
            )
        )
    return found


def _raise(actor, run: RuleRun, on: datetime.date, found: dict[tuple[int, str], list[tuple]]):
    """The alerts of what the rules found, a batch at a time: inserted, their fired records
    kept, each audited as ``alert.raise`` with the alert's whole record (``audit.snapshot``'s
    fields). Rows go in as plain values, not model instances: a first run over a province
    raises hundreds of thousands, and the instances were most of its time."""
    now = timezone.now()
    answer = policies_everywhere(["monitoring.verify_days", "monitoring.count_working_days"])
    deadlines: dict[tuple[int, bool], Any] = {}
    due_in: dict[str, Any] = {}  # a village's deadline
    names = {code: str(rule.name) for code, rule in rules.RULES.items()}
    actor_id = getattr(actor, "pk", None)
    keys = sorted(found)
    by_rule: dict[str, int] = defaultdict(int)
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        households = sorted({household for household, _code in batch})
        regions, helpers = _regions(households), _helpers(households)
        alerts: list[dict[str, Any]] = []
        for household, code in batch:
            rule, rows = rules.RULES[code], found[(household, code)]
            region = regions[household]
            if region not in due_in:
                policy = answer(region, on)
                days = policy["monitoring.verify_days"].value
                working = policy["monitoring.count_working_days"].value
                if (days, working) not in deadlines:
                    deadlines[(days, working)] = deadline(on, days, working_days=working)
                due_in[region] = deadlines[(days, working)]
            due = due_in[region]
            members = {row[0] for row in rows}
            named = [{"type": rule.object_type, "id": row[1]} for row in rows]
            named += [{"type": rule.other_type, "id": row[2]} for row in rows if row[2]]
            _member, _record, _other, amount, year, day = rows[0]
            alerts.append(
                {
                    "household_id": household,
                    "member_id": members.pop() if len(members) == 1 else None,
                    "region_id": region,
                    "township_id": township_code(region),
                    "helper_id": helpers.get(household),
                    "source": AlertSource.RULE.value,
                    "rule_code": code,
                    "fired_by": named[:MOST_NAMED],
                    "summary": f"{names[code]}：{rule.found(amount, year, day)}",
                    "raised_on": on,
                    "raised_at": now,
                    "raised_by_id": actor_id,
                    "due_on": due.day,
                    "days_counted": (
                        Counting.WORKING if due.in_working_days else Counting.CALENDAR
                    ).value,
                }
            )
            by_rule[code] += 1
        alerts = full_rows(Alert, alerts)
        for alert, pk in zip(alerts, insert_values(Alert, alerts, returning=True), strict=True):
            alert["id"] = pk
        insert_values(
            FiredRecord,
            [
                {
                    "alert_id": alert["id"],
                    "run_id": run.pk,
                    "household_id": alert["household_id"],
                    "rule_code": alert["rule_code"],
                    "object_type": rules.RULES[alert["rule_code"]].object_type,
                    "object_id": row[1],
                }
                for alert in alerts
                for row in found[(alert["household_id"], alert["rule_code"])]
            ],
        )
        audit.record_many(
            actor=actor,
            changes=[
                audit.Change(
                    action="alert.raise",
                    object_type="monitoring.alert",
                    object_id=str(alert["id"]),
                    region_code=alert["region_id"],
                    after=audit.snapshot_row(Alert, alert),
                )
                for alert in alerts
            ],
        )
    return dict(by_rule)


def rules_run(
    *,
    on: datetime.date,
    actor=None,
    place: str | None = None,
    households: Iterable[int] | None = None,
    trigger: str = RuleRun.Trigger.COMMAND,
) -> RuleRun:
    """Run the early-warning rules (预警规则) on the day over a place (None: everything) or
    the households named, and raise an alert for each household and rule that fires —
    none for a household with the rule's alert open, none for records that fired before.
    A person (the county office, ``MONITORING_COUNTY``) runs it over a place of theirs; the
    nightly task and the imports run it as the system (``actor`` None)."""
    if actor is not None:
        require(actor, Capability.MONITORING_COUNTY)
        if place is None or visible_place(actor, place) is None:
            raise OutOfScope()
    started, clock = timezone.now(), time.perf_counter()
    with _run_settings(), transaction.atomic():
        run = RuleRun.objects.create(
            trigger=trigger, on=on, place_id=place, started_at=started, started_by=actor
        )
        found = found_by_rules(on=on, place=place, households=households)
        by_rule = _raise(actor, run, on, found)
        run.by_rule = by_rule
        run.alerts = sum(by_rule.values())
        run.households = len({household for household, _code in found})
        run.seconds = round(time.perf_counter() - clock, 3)
        run.save(update_fields=["by_rule", "alerts", "households", "seconds"])
        audit.record(
            actor=actor,
            action="monitoring.rules_run",
            obj=run,
            region_code=place or "",
            after={"on": on, "trigger": trigger, "alerts": run.alerts, "by_rule": by_rule},
        )
    return run
