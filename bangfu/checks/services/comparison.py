"""The comparison of a month's snapshot of the national system with the records (账账相符).

Set-based, in the database: one query a level (households matched by number, households on
one side only, members matched by the keyed hash of their ID number, members on one side
only) answers only the rows where something differs, as monitoring's rules answer only the
records that fire them; the county is never loaded into Python. A household is the open one
of the snapshot's county with the snapshot's number; a member a current one (not left).

What the queries answer becomes ``Difference`` rows, one a field, inserted in bulk and each
audited (``difference.find``). A difference still open from an earlier snapshot is kept,
not raised again; one closed by hand is raised again only if its two values changed. One
open difference the new snapshot shows agree is closed by the system (``FIXED``, with the
snapshot): whichever side was wrong — a system error corrected at the national system, or a
handbook error corrected in the records since. ``households_recheck`` does the same for a
few households after a registry edit, against the county's latest snapshot.
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation

from bangfu.core import audit, idnumbers
from bangfu.core.inserts import full_rows, insert_values
from bangfu.core.models import Code, Region
from bangfu.core.policies import policies_everywhere
from bangfu.core.protection import unseal
from bangfu.core.regions import RegionLevel, code_range
from bangfu.registry.models import (
    NET_INCOME_SQL,
    AnnualIncome,
    DangerGrade,
    Household,
    HouseholdStatus,
    Member,
    Sex,
    StatusChange,
    Toilet,
)

from ..fields import (
    CHOICE,
    CODE,
    CODES,
    DAY,
    FLAG,
    HOUSEHOLD,
    HOUSEHOLD_FIELDS,
    ID_NUMBER,
    INCOME,
    MEMBER,
    MEMBER_FIELDS,
    NUMBER,
    TEXT,
    Field,
    field_name,
)
from ..models import (
    Difference,
    DifferenceKind,
    DifferenceState,
    Snapshot,
    SnapshotHousehold,
    SnapshotMember,
)

BATCH = 2000  # differences inserted and audited together
LOOKUP = 500  # numbers or hashes a look-up names
SCOPE = "checks_compare_scope"  # the temporary table of the household numbers a recheck reads
VALUE_LENGTH = 300  # ``Difference.system_value`` / ``handbook_value``

H, M, CODE_TABLE = Household._meta.db_table, Member._meta.db_table, Code._meta.db_table
AI, SC = AnnualIncome._meta.db_table, StatusChange._meta.db_table
CAUSES = Household.other_causes.through._meta.db_table
RISKS = StatusChange.risk_types.through._meta.db_table
SH, SM = SnapshotHousehold._meta.db_table, SnapshotMember._meta.db_table
CHOICES = {"status": HouseholdStatus, "danger_grade": DangerGrade, "toilet": Toilet, "sex": Sex}
# Fields whose difference names the situation rather than a value: closed as soon as the
# situation is gone (a household now on both sides, an ID number now the same, a member back
# in the household the system names).
STRUCTURAL = {HOUSEHOLD, ID_NUMBER, NUMBER}


@dataclass
class CompareResult:
    households: int  # in the snapshot
    members: int
    opened: int  # differences raised by this comparison
    fixed: int  # open ones it found agree and closed
    still_open: int  # the county's open differences from snapshots, after it


@dataclass
class Found:
    """A difference the queries found, before it is kept."""

    field: str
    kind: str
    household_number: str
    region_id: str
    household_id: int | None = None
    member_id: int | None = None
    id_number_hash: str = ""
    member_name: str = ""
    system_value: str = ""
    handbook_value: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.household_number, self.id_number_hash, self.field, self.kind)


# -- SQL -----------------------------------------------------------------------------------


def _distinct(a: str, b: str) -> str:
    """Null-safe "differs" (none equals none)."""
    operator = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"
    return f"{a} {operator} {b}"


def _codes_of(through: str, owner: str, owner_id: str) -> str:
    """The code values linked to a record, sorted as text and joined by commas (as the
    snapshot keeps several codes)."""
    if connection.vendor == "postgresql":
        return (
            f"(SELECT string_agg(c.value, ',' ORDER BY c.value COLLATE \"C\") FROM {through} t"
            f" JOIN {CODE_TABLE} c ON c.id = t.code_id WHERE t.{owner} = {owner_id})"
        )
    # SQLite's group_concat takes the rows in the order the subquery gives them.
    return (
        f"(SELECT group_concat(v, ',') FROM (SELECT c.value AS v FROM {through} t"
        f" JOIN {CODE_TABLE} c ON c.id = t.code_id WHERE t.{owner} = {owner_id} ORDER BY v))"
    )


# The registry's risk types now: those of its latest monitoring entry (as the export writes).
_LATEST_MONITORED = (
    f"(SELECT sc.id FROM {SC} sc WHERE sc.household_id = h.id AND sc.status = 'monitored'"
    f" ORDER BY sc.effective_on DESC, sc.id DESC LIMIT 1)"
)


def _registry_household(field: Field) -> str:
    """The registry's value of a household field, as SQL over ``h`` and its code joins."""
    if field.key == "region_code":
        return "h.region_id"
    if field.key == "other_causes":
        return _codes_of(CAUSES, "household_id", "h.id")
    if field.key == "risk_types":
        return _codes_of(RISKS, "statuschange_id", _LATEST_MONITORED)
    if field.how == CODE:
        return f"c_{field.key}.value"
    return f"h.{field.key}"


def _registry_member(field: Field) -> str:
    return f"c_{field.key}.value" if field.how == CODE else f"r.{field.key}"


def _code_joins(fields: Iterable[Field], alias: str) -> str:
    return "".join(
        f" LEFT JOIN {CODE_TABLE} c_{f.key} ON c_{f.key}.id = {alias}.{f.key}_id"
        for f in fields
        if f.how == CODE
    )


def _differs(field: Field, ours: str, theirs: str) -> str:
    if field.how in (TEXT, CODE, CODES, CHOICE):
        return f"COALESCE({ours}, '') <> COALESCE({theirs}, '')"
    return _distinct(ours, theirs)


def _net(alias: str) -> str:
    return NET_INCOME_SQL.format(a=alias)


# Candidates only: the snapshot's figure is further than half a fen from the registry's
# per-capita net income (ties and the float arithmetic of SQLite let a few more through),
# and ``AnnualIncome.per_capita_net`` — the registry's one definition — decides in Python.
_INCOME_DIFFERS = (
    "(s_income IS NOT NULL AND s_year IS NOT NULL AND (a_id IS NULL OR a_size = 0"
    " OR ABS(s_income * a_size - a_net) * 2 > a_size * 0.0099))"
)


@dataclass(frozen=True)
class _Scope:
    """Where a comparison reads: the county's range of place codes, and with ``numbers``
    only those households (a recheck's; in the temporary table ``SCOPE``)."""

    lo: str
    hi: str
    numbers: bool = False

    def registry(self, alias: str = "h") -> str:
        return (
            f"{alias}.closed_on IS NULL AND {alias}.region_id >= '{self.lo}'"
            f" AND {alias}.region_id < '{self.hi}'"
        )

    def limit(self, column: str) -> str:
        return f" AND {column} IN (SELECT number FROM {SCOPE})" if self.numbers else ""


def _county_scope(county: str) -> _Scope:
    lo, hi = code_range(county, RegionLevel.COUNTY)
    assert lo.isdigit() and hi.isdigit()  # they stand in the text of the queries
    return _Scope(lo, hi)


@contextmanager
def _numbers_table(numbers: Iterable[str] | None) -> Iterator[None]:
    if numbers is None:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCOPE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {SCOPE} (number varchar(30) PRIMARY KEY)")
        cursor.executemany(
            f"INSERT INTO {SCOPE} (number) VALUES (%s)", [(n,) for n in sorted(set(numbers))]
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SCOPE}")


def _rows(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _households_differing(snapshot_id: int, scope: _Scope) -> list[tuple]:
    """The snapshot's households open in the registry with something that differs: (snapshot
    household's unreadable, household id, place, number, each field's pair, the income's)."""
    pairs = ", ".join(
        f"s.{f.key} AS s_{f.key}, {_registry_household(f)} AS r_{f.key}" for f in HOUSEHOLD_FIELDS
    )
    differs = " OR ".join(_differs(f, f"s_{f.key}", f"r_{f.key}") for f in HOUSEHOLD_FIELDS)
    income = ", ".join(f"a.{name}" for name in ("wages", "business", "transfers")) + (
        ", a.property_income, a.costs"
    )
    sql = (
        f"SELECT * FROM (SELECT s.unreadable AS s_unreadable, h.id AS h_id,"
        f" h.region_id AS h_region, h.number AS h_number, {pairs},"
        f" s.per_capita_income AS s_income, s.income_year AS s_year, a.id AS a_id,"
        f" a.household_size AS a_size, {_net('a')} AS a_net, {income}"
        f" FROM {SH} s JOIN {H} h ON h.number = s.number AND {scope.registry()}"
        f"{_code_joins(HOUSEHOLD_FIELDS, 'h')}"
        f" LEFT JOIN {AI} a ON a.household_id = h.id AND a.year = s.income_year"
        f" WHERE s.snapshot_id = %s{scope.limit('s.number')}) x"
        f" WHERE {differs} OR {_INCOME_DIFFERS}"
    )
    return _rows(sql, [snapshot_id])


def _households_only_system(snapshot_id: int, scope: _Scope, county: str) -> list[tuple]:
    """(number, place, place as written) of the snapshot's households with no open household
    of that number in the county; the place is the snapshot's if it names one of the
    county's, else the county."""
    sql = (
        f"SELECT s.number, COALESCE(g.code, %s), s.place_written FROM {SH} s"
        f" LEFT JOIN {Region._meta.db_table} g ON g.code = s.region_code"
        f" AND g.code >= '{scope.lo}' AND g.code < '{scope.hi}'"
        f" WHERE s.snapshot_id = %s{scope.limit('s.number')} AND NOT EXISTS"
        f" (SELECT 1 FROM {H} h WHERE h.number = s.number AND {scope.registry()})"
    )
    return _rows(sql, [county, snapshot_id])


def _households_only_registry(snapshot_id: int, scope: _Scope) -> list[tuple]:
    sql = (
        f"SELECT h.id, h.number, h.region_id FROM {H} h WHERE {scope.registry()}"
        f"{scope.limit('h.number')} AND NOT EXISTS"
        f" (SELECT 1 FROM {SH} s WHERE s.snapshot_id = %s AND s.number = h.number)"
    )
    return _rows(sql, [snapshot_id])


def _current_member(scope: _Scope, hash_column: str) -> str:
    """SQL: a current member of an open household of the county has this hash."""
    return (
        f"(SELECT 1 FROM {M} r2 JOIN {H} h2 ON h2.id = r2.household_id"
        f" WHERE r2.id_number_hash = {hash_column} AND r2.left_on IS NULL"
        f" AND {scope.registry('h2')})"
    )


def _members_differing(snapshot_id: int, scope: _Scope) -> list[tuple]:
    """The snapshot's members found among the county's current members (by the hash) with
    something that differs, their household's number included."""
    pairs = ", ".join(
        f"m.{f.key} AS s_{f.key}, {_registry_member(f)} AS r_{f.key}" for f in MEMBER_FIELDS
    )
    differs = " OR ".join(_differs(f, f"s_{f.key}", f"r_{f.key}") for f in MEMBER_FIELDS)
    limit = (
        f" AND (h.number IN (SELECT number FROM {SCOPE})"
        f" OR m.household_number IN (SELECT number FROM {SCOPE}))"
        if scope.numbers
        else ""
    )
    sql = (
        f"SELECT * FROM (SELECT m.unreadable AS s_unreadable, r.id AS r_id, h.id AS h_id,"
        f" h.region_id AS h_region, h.number AS h_number, m.household_number AS s_number,"
        f" m.id_number_hash AS s_hash, {pairs}"
        f" FROM {SM} m JOIN {M} r ON r.id_number_hash = m.id_number_hash AND r.left_on IS NULL"
        f" JOIN {H} h ON h.id = r.household_id AND {scope.registry()}"
        f"{_code_joins(MEMBER_FIELDS, 'r')}"
        f" WHERE m.snapshot_id = %s{limit}) x"
        f" WHERE h_number <> s_number OR {differs}"
    )
    return _rows(sql, [snapshot_id])


def _members_only_system(snapshot_id: int, scope: _Scope) -> list[tuple]:
    """(household id, place, number, hash, masked ID, name) of the snapshot's members not
    among the county's current members, in a household open on both sides."""
    sql = (
        f"SELECT h.id, h.region_id, h.number, m.id_number_hash, m.id_number_masked, m.name"
        f" FROM {SM} m JOIN {H} h ON h.number = m.household_number AND {scope.registry()}"
        f" WHERE m.snapshot_id = %s{scope.limit('m.household_number')}"
        f" AND NOT EXISTS {_current_member(scope, 'm.id_number_hash')}"
    )
    return _rows(sql, [snapshot_id])


def _members_only_registry(snapshot_id: int, scope: _Scope) -> list[tuple]:
    """(household id, place, number, member id, hash, sealed ID, name) of the county's
    current members the snapshot does not hold anywhere, in a household on both sides."""
    sql = (
        f"SELECT h.id, h.region_id, h.number, r.id, r.id_number_hash, r.id_number_sealed, r.name"
        f" FROM {M} r JOIN {H} h ON h.id = r.household_id AND {scope.registry()}"
        f" WHERE r.left_on IS NULL{scope.limit('h.number')}"
        f" AND EXISTS (SELECT 1 FROM {SH} s WHERE s.snapshot_id = %s AND s.number = h.number)"
        f" AND NOT EXISTS (SELECT 1 FROM {SM} m WHERE m.snapshot_id = %s"
        f" AND m.id_number_hash = r.id_number_hash)"
    )
    return _rows(sql, [snapshot_id, snapshot_id])


# -- values as a person reads them -------------------------------------------------------


def _unreadable(raw: Any) -> set[str]:
    if not raw:
        return set()
    return set(json.loads(raw) if isinstance(raw, str) else raw)


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _same(field: Field, ours: Any, theirs: Any) -> bool:
    if field.how in (TEXT, CODE, CODES, CHOICE):
        return (ours or "") == (theirs or "")
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if field.how == FLAG:
        return bool(ours) == bool(theirs)
    if field.how == DAY:
        return _day(ours) == _day(theirs)
    return _decimal(ours) == _decimal(theirs)


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _number(value: Any) -> str:
    return format(_decimal(value).normalize(), "f")


class _Reader:
    """Shows values as a person reads them: a code's label with its code, 是/否, days in ISO
    form, numbers without trailing zeros, in the installation's language."""

    def __init__(self) -> None:
        self.labels = {
            (kind, value): label
            for kind, value, label in Code.objects.values_list("kind", "value", "label")
        }

    def code(self, kind: str, value: str) -> str:
        label = self.labels.get((kind, value))
        return f"{label}（{value}）" if label else value

    def show(self, field: Field, value: Any) -> str:
        if value is None or (value == "" and field.how != CHOICE):
            return ""
        if field.how == CODE:
            text = self.code(field.kind, value)
        elif field.how == CODES:
            text = "、".join(self.code(field.kind, v) for v in value.split(",") if v)
        elif field.how == CHOICE:
            choices = CHOICES[field.kind]
            with translation.override(settings.LANGUAGE_CODE):
                text = str(choices(value).label) if value in choices.values else value
        elif field.how == FLAG:
            text = "是" if value else "否"
        elif field.how == DAY:
            text = _day(value)
        elif field.how == TEXT:
            text = str(value)
        else:
            text = _number(value)
        return text[:VALUE_LENGTH]


class _Masker:
    """Shows a sealed ID number masked as the member's place rules on a day: the two rules
    read once for the comparison, not twice a member (a county's members on one side only
    are thousands)."""

    HEAD, TAIL = "privacy.id_shown_head", "privacy.id_shown_tail"

    def __init__(self, on: datetime.date) -> None:
        self.on, self.rules = on, policies_everywhere([self.HEAD, self.TAIL])

    def __call__(self, sealed: str, region: str) -> str:
        rules = self.rules(region, self.on)
        return idnumbers.mask(unseal(sealed), rules[self.HEAD].value, rules[self.TAIL].value)


def _person(name: str, masked: str) -> str:
    return f"{name} {masked}".strip()[:VALUE_LENGTH]


# -- what differs ------------------------------------------------------------------------


def _household_findings(rows: list[tuple], reader: _Reader) -> Iterator[Found]:
    for row in rows:
        unreadable, household, region, number = row[:4]
        values, skipped = row[4:], _unreadable(unreadable)
        for index, field in enumerate(HOUSEHOLD_FIELDS):
            ours, theirs = values[2 * index], values[2 * index + 1]
            if field.key in skipped or _same(field, ours, theirs):
                continue
            yield Found(
                field.key,
                DifferenceKind.VALUE,
                number,
                region,
                household_id=household,
                system_value=reader.show(field, ours),
                handbook_value=reader.show(field, theirs),
            )
        income = values[2 * len(HOUSEHOLD_FIELDS) :]
        found = _income_finding(income, unreadable)
        if found is not None:
            system, handbook = found
            yield Found(
                INCOME,
                DifferenceKind.VALUE,
                number,
                region,
                household_id=household,
                system_value=system,
                handbook_value=handbook,
            )


def _income_finding(income: tuple, unreadable: Any) -> tuple[str, str] | None:
    """(national system's, registry's) per-capita net income when they differ."""
    stated, year, record, size, _net_sum, *sources = income
    if stated is None or year is None or {INCOME, "income_year"} & _unreadable(unreadable):
        return None
    ours = None
    if record is not None and size:
        wages, business, transfers, property_income, costs = map(_decimal, sources)
        ours = AnnualIncome(
            wages=wages,
            business=business,
            transfers=transfers,
            property_income=property_income,
            costs=costs,
            household_size=size,
        ).per_capita_net
    if ours is not None and ours == _decimal(stated):
        return None
    return _number(stated), "" if ours is None else _number(ours)


def _member_findings(rows: list[tuple], reader: _Reader) -> Iterator[Found]:
    for row in rows:
        unreadable, member, household, region, number, system_number, hashed = row[:7]
        values = row[7:]
        name = values[1] or values[0]  # the registry's name, else the export's
        common = {
            "household_id": household,
            "member_id": member,
            "id_number_hash": hashed,
            "member_name": name,
        }
        if number != system_number:
            yield Found(
                NUMBER,
                DifferenceKind.VALUE,
                number,
                region,
                system_value=system_number,
                handbook_value=number,
                **common,
            )
        skipped = _unreadable(unreadable)
        for index, field in enumerate(MEMBER_FIELDS):
            ours, theirs = values[2 * index], values[2 * index + 1]
            if field.key in skipped or _same(field, ours, theirs):
                continue
            yield Found(
                field.key,
                DifferenceKind.VALUE,
                number,
                region,
                system_value=reader.show(field, ours),
                handbook_value=reader.show(field, theirs),
                **common,
            )


def _presence_findings(snapshot_id: int, scope: _Scope, on: datetime.date) -> Iterator[Found]:
    """Members on one side only of a household on both; a pair, one on each side of the
    same household with the same name and no other of that name unmatched, is one person
    whose ID number differs."""
    mask = _Masker(on)
    only_system = _members_only_system(snapshot_id, scope)
    only_registry = _members_only_registry(snapshot_id, scope)
    system_by_name: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    registry_by_name: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for row in only_system:
        system_by_name[(row[2], row[5])].append(row)
    for row in only_registry:
        registry_by_name[(row[2], row[6])].append(row)
    paired: set[tuple[str, str]] = {
        key
        for key, rows in system_by_name.items()
        if len(rows) == 1 and len(registry_by_name.get(key, ())) == 1
    }
    for key in sorted(paired):
        (_h, _r, _n, _hash, system_masked, _name) = system_by_name[key][0]
        household, region, number, member, hashed, sealed, name = registry_by_name[key][0]
        yield Found(
            ID_NUMBER,
            DifferenceKind.VALUE,
            number,
            region,
            household_id=household,
            member_id=member,
            id_number_hash=hashed,
            member_name=name,
            system_value=system_masked,
            handbook_value=mask(sealed, region),
        )
    for household, region, number, hashed, masked, name in only_system:
        if (number, name) not in paired:
            yield Found(
                MEMBER,
                DifferenceKind.ONLY_SYSTEM,
                number,
                region,
                household_id=household,
                id_number_hash=hashed,
                member_name=name,
                system_value=_person(name, masked),
            )
    for household, region, number, member, hashed, sealed, name in only_registry:
        if (number, name) not in paired:
            yield Found(
                MEMBER,
                DifferenceKind.ONLY_HANDBOOK,
                number,
                region,
                household_id=household,
                member_id=member,
                id_number_hash=hashed,
                member_name=name,
                handbook_value=_person(name, mask(sealed, region)),
            )


def _findings(snapshot: Snapshot, scope: _Scope, on: datetime.date) -> list[Found]:
    reader = _Reader()
    found = list(_household_findings(_households_differing(snapshot.pk, scope), reader))
    for number, region, written in _households_only_system(snapshot.pk, scope, snapshot.region_id):
        found.append(
            Found(
                HOUSEHOLD,
                DifferenceKind.ONLY_SYSTEM,
                number,
                region,
                system_value=_person(number, written),
            )
        )
    for household, number, region in _households_only_registry(snapshot.pk, scope):
        found.append(
            Found(
                HOUSEHOLD,
                DifferenceKind.ONLY_HANDBOOK,
                number,
                region,
                household_id=household,
                handbook_value=number,
            )
        )
    found += _member_findings(_members_differing(snapshot.pk, scope), reader)
    found += _presence_findings(snapshot.pk, scope, on)
    return found


# -- keeping them ------------------------------------------------------------------------


def _from_snapshots(scope: _Scope) -> Q:
    return Q(region_id__gte=scope.lo, region_id__lt=scope.hi, snapshot__isnull=False) & ~Q(
        kind=DifferenceKind.PROBLEM
    )


def _keyed(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return (row["household_number"], row["id_number_hash"], row["field"], row["kind"])


_KEY_FIELDS = ("household_number", "id_number_hash", "field", "kind")


def _settled(
    snapshot: Snapshot, scope: _Scope, candidates: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Of the open differences the comparison did not find again, those it compared and found
    agree: a situation gone (a household on both sides, an ID number the same), or a field
    compared on a household (a member) present on both sides and readable in the export."""
    if not candidates:
        return []
    numbers = sorted({c["household_number"] for c in candidates})
    hashes = sorted({c["id_number_hash"] for c in candidates if c["id_number_hash"]})
    exported: dict[str, tuple[set[str], bool]] = {}
    registered: set[str] = set()
    for start in range(0, len(numbers), LOOKUP):
        chunk = numbers[start : start + LOOKUP]
        for number, unreadable, income, year in SnapshotHousehold.objects.filter(
            snapshot=snapshot, number__in=chunk
        ).values_list("number", "unreadable", "per_capita_income", "income_year"):
            exported[number] = (_unreadable(unreadable), income is not None and year is not None)
        registered.update(
            Household.objects.filter(
                number__in=chunk, closed_on=None, region_id__gte=scope.lo, region_id__lt=scope.hi
            ).values_list("number", flat=True)
        )
    exported_members: dict[str, set[str]] = {}
    current: set[str] = set()
    for start in range(0, len(hashes), LOOKUP):
        chunk = hashes[start : start + LOOKUP]
        for hashed, unreadable in SnapshotMember.objects.filter(
            snapshot=snapshot, id_number_hash__in=chunk
        ).values_list("id_number_hash", "unreadable"):
            exported_members[hashed] = _unreadable(unreadable)
        current.update(
            Member.objects.filter(
                id_number_hash__in=chunk,
                left_on=None,
                household__closed_on=None,
                household__region_id__gte=scope.lo,
                household__region_id__lt=scope.hi,
            ).values_list("id_number_hash", flat=True)
        )
    settled = []
    for difference in candidates:
        number, hashed, field = (
            difference["household_number"],
            difference["id_number_hash"],
            difference["field"],
        )
        if field in STRUCTURAL:
            settled.append(difference)
            continue
        if number not in exported or number not in registered:
            continue  # the household is not on both sides: nothing was compared
        if field == MEMBER:
            settled.append(difference)
        elif hashed:
            if hashed in current and field not in exported_members.get(hashed, {field}):
                settled.append(difference)
        elif field == INCOME:
            unreadable, given = exported[number]
            if given and not {INCOME, "income_year"} & unreadable:
                settled.append(difference)
        elif field not in exported[number][0]:
            settled.append(difference)
    return settled


def _fix(differences: list[dict[str, Any]], snapshot: Snapshot | None, on: datetime.date) -> int:
    """Close these open differences as fixed by the system, each audited."""
    for start in range(0, len(differences), BATCH):
        batch = differences[start : start + BATCH]
        Difference.objects.filter(
            pk__in=[d["id"] for d in batch], state=DifferenceState.OPEN
        ).update(
            state=DifferenceState.FIXED,
            closed_on=on,
            closed_by_snapshot=snapshot,
        )
        after = {
            "state": DifferenceState.FIXED.value,
            "closed_on": on,
            "closed_by_snapshot": snapshot.pk if snapshot else None,
        }
        audit.record_many(
            actor=None,
            changes=[
                audit.Change(
                    action="difference.fix",
                    object_type="checks.difference",
                    object_id=str(d["id"]),
                    region_code=d["region_id"],
                    before={"state": DifferenceState.OPEN.value},
                    after=after,
                )
                for d in batch
            ],
        )
    return len(differences)


def _raise(found: list[Found], snapshot: Snapshot) -> int:
    """Insert the differences found, each audited with its whole record."""
    for start in range(0, len(found), BATCH):
        rows = full_rows(
            Difference,
            [
                {
                    "region_id": f.region_id,
                    "snapshot_id": snapshot.pk,
                    "household_id": f.household_id,
                    "household_number": f.household_number,
                    "member_id": f.member_id,
                    "id_number_hash": f.id_number_hash,
                    "member_name": f.member_name[:50],
                    "field": f.field,
                    "field_name": field_name(f.field),
                    "kind": f.kind,
                    "system_value": f.system_value,
                    "handbook_value": f.handbook_value,
                    "found_on": snapshot.month,
                    "state": DifferenceState.OPEN.value,
                }
                for f in found[start : start + BATCH]
            ],
        )
        for row, pk in zip(rows, insert_values(Difference, rows, returning=True), strict=True):
            row["id"] = pk
        audit.record_many(
            actor=None,
            changes=[
                audit.Change(
                    action="difference.find",
                    object_type="checks.difference",
                    object_id=str(row["id"]),
                    region_code=row["region_id"],
                    after=audit.snapshot_row(Difference, row),
                )
                for row in rows
            ],
        )
    return len(found)


def _new(found: list[Found], scope: _Scope) -> list[Found]:
    """What was found less what is already open, and less what was closed by hand with the
    very same two values (the latest closing of the field counts)."""
    open_keys = {
        _keyed(row)
        for row in Difference.objects.filter(
            _from_snapshots(scope), state=DifferenceState.OPEN
        ).values(*_KEY_FIELDS)
    }
    closed: dict[tuple[str, str, str, str], tuple[str, str]] = {}
    for row in (
        Difference.objects.filter(_from_snapshots(scope), state=DifferenceState.CLOSED)
        .order_by("closed_on", "pk")
        .values(*_KEY_FIELDS, "system_value", "handbook_value")
    ):
        closed[_keyed(row)] = (row["system_value"], row["handbook_value"])
    return [
        f
        for f in found
        if f.key not in open_keys and closed.get(f.key) != (f.system_value, f.handbook_value)
    ]


def snapshot_compare(*, snapshot_id: int) -> CompareResult:
    """Compare a stored snapshot (国家系统导出) with the records of its county, field by
    field, and keep what differs (差异); close the open differences it shows agree. Run by
    the system (no actor) once the snapshot is stored; audited once (``snapshot.compare``)
    and for each difference raised or fixed."""
    today = timezone.localdate()
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
        scope = _county_scope(snapshot.region_id)
        found = _findings(snapshot, scope, today)
        found_keys = {f.key for f in found}
        candidates = [
            row
            for row in Difference.objects.filter(
                _from_snapshots(scope), state=DifferenceState.OPEN
            ).values("id", "region_id", *_KEY_FIELDS)
            if _keyed(row) not in found_keys
        ]
        new = _new(found, scope)
        opened = _raise(new, snapshot)
        fixed = _fix(_settled(snapshot, scope, candidates), snapshot, today)
        result = CompareResult(
            households=SnapshotHousehold.objects.filter(snapshot=snapshot).count(),
            members=SnapshotMember.objects.filter(snapshot=snapshot).count(),
            opened=opened,
            fixed=fixed,
            still_open=Difference.objects.filter(
                _from_snapshots(scope), state=DifferenceState.OPEN
            ).count(),
        )
        snapshot.compared_at = timezone.now()
        snapshot.save(update_fields=["compared_at"])
        audit.record(
            actor=None,
            action="snapshot.compare",
            obj=snapshot,
            region_code=snapshot.region_id,
            after={
                "month": snapshot.month,
                "households": result.households,
                "members": result.members,
                "opened": result.opened,
                "fixed": result.fixed,
                "still_open": result.still_open,
            },
        )
    return result


def _county_of(region_code: str) -> str:
    return code_range(region_code, RegionLevel.COUNTY)[0]


def households_recheck(*, household_ids: Iterable[int]) -> int:
    """After a registry edit: compare these households again with their county's latest
    snapshot and close (fixed, today, no snapshot) their open differences that now agree.
    Answers how many were closed. One indexed query when none of them has an open one."""
    ids = sorted(set(household_ids))
    open_rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), LOOKUP):
        open_rows += Difference.objects.filter(
            household_id__in=ids[start : start + LOOKUP],
            state=DifferenceState.OPEN,
            snapshot__isnull=False,
        ).values("id", "region_id", "household_id", *_KEY_FIELDS)
    open_rows = [row for row in open_rows if row["kind"] != DifferenceKind.PROBLEM]
    if not open_rows:
        return 0
    today = timezone.localdate()
    by_county: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in open_rows:
        by_county[_county_of(row["region_id"])].append(row)
    closed = 0
    with transaction.atomic():
        for county, rows in sorted(by_county.items()):
            snapshot = Snapshot.objects.filter(region_id=county).order_by("-month").first()
            if snapshot is None:
                continue
            numbers = {row["household_number"] for row in rows}
            numbers |= set(
                Household.objects.filter(pk__in={row["household_id"] for row in rows}).values_list(
                    "number", flat=True
                )
            )
            scope = _Scope(*code_range(county, RegionLevel.COUNTY), numbers=True)
            with _numbers_table(numbers):
                found_keys = {f.key for f in _findings(snapshot, scope, today)}
            candidates = [row for row in rows if _keyed(row) not in found_keys]
            closed += _fix(_settled(snapshot, scope, candidates), None, today)
    return closed


def households_edited(household_ids: Iterable[int]) -> None:
    """The registry's hook (``registry.edits``): called inside the edit's transaction."""
    households_recheck(household_ids=household_ids)
