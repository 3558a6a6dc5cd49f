"""The county's sheets written in bulk (表格导入): its project library (项目库) and its finance
sheet's entries (资金台账: 下达 and 拨付), with the rules of the one-at-a-time services.

Rows come matched already (the exchange's ``keyed`` reader finds each row's project by its
number among the importer's places), a batch at a time; a service checks them against what
is on file and, given the file's name (``source``), writes them in bulk. Audited once a
project written, not once a row (as the household import audits a household): the figures
see a project's place through its entries.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.inserts import insert_rows, insert_values
from bangfu.core.models import Code
from bangfu.core.regions import county_code
from bangfu.registry.bulk import MatchedRow, Outcome, RowVerdict

from ..funds import refuse_overspend
from ..models import EntryKind, LedgerEntry, PlannedFund, Project, ProjectStep, Stage
from ..selectors.sheets import ProjectRef

DETAILS = ("name", "kind", "year", "responsible_unit", "description")
# The details a sheet may still change: a project approved or started is the county's
# decision, changed on its page (项目调整) or not at all.
CHANGEABLE = (Stage.PLANNED, Stage.APPROVED)
# Entries go on a project decided on and not cancelled (as on the project's ledger).
WITH_LEDGER = (Stage.APPROVED, Stage.STARTED, Stage.COMPLETED, Stage.ACCEPTED)


@dataclass(slots=True)
class ProjectRow:
    """A project as the library sheet gives it; ``region_code`` is its place (a village, a
    township or the county), found among the importer's places."""

    number: str
    name: str
    kind: str  # a value of the code list project_kind
    region_code: str
    year: Any
    responsible_unit: str
    description: str = ""
    planned: dict[str, Any] = field(default_factory=dict)  # fund source value → yuan


@dataclass(slots=True)
class FundRow:
    """An entry as the county finance sheet gives it (下达 or 拨付)."""

    kind: str  # EntryKind
    source: str  # a value of the code list fund_source
    amount: Any
    day: Any
    voucher: str = ""
    note: str = ""


def _project(matched: MatchedRow) -> ProjectRef | None:
    """The project a row was matched to (the exchange's reader puts it where a department's
    row has its member), or None: a project the row adds."""
    return cast(ProjectRef | None, matched.member)


def _codes(kind: str) -> dict[str, Code]:
    return {code.value: code for code in Code.objects.filter(kind=kind)}


def _refused(error: DomainError) -> RowVerdict:
    return RowVerdict(Outcome.REFUSED, [(error.field or "", error.message)])


def _cleaned_project(row: ProjectRow) -> dict[str, Any]:
    cleaned = {
        name: values.clean(Project, name, getattr(row, name))
        for name in ("number", "name", "year", "responsible_unit", "description")
    }
    cleaned["kind"] = row.kind
    cleaned["planned"] = {
        source: values.clean(PlannedFund, "amount", amount, field=f"fund_{source}")
        for source, amount in row.planned.items()
        if amount not in (None, "")
    }
    return cleaned


def projects_apply(*, actor, rows: list[MatchedRow], source: str | None = None) -> list[RowVerdict]:
    """The library sheet's rows (项目库导入) checked and, with ``source``, written: a number
    new to the county adds a project at the planned stage (``project.import``); a project on
    file (matched by county and number, ``MatchedRow.member`` its ``ProjectRef``) is
    unchanged, or changed while planned or approved (``project.import`` with before and
    after), or refused."""
    require(actor, Capability.PLAN_PROJECTS)
    kinds, sources = _codes("project_kind"), _codes("fund_source")
    verdicts: list[RowVerdict] = []
    new: list[tuple[ProjectRow, dict[str, Any]]] = []
    changed: list[tuple[ProjectRef, dict[str, Any]]] = []
    for matched in rows:
        row: ProjectRow = matched.data
        ref = _project(matched)
        try:
            cleaned = _cleaned_project(row)
            if cleaned["kind"] not in kinds:
                raise DomainError(_("Choose a kind of project."), field="kind")
        except DomainError as error:
            verdicts.append(_refused(error))
            continue
        if ref is None:
            new.append((row, cleaned))
            verdicts.append(RowVerdict(Outcome.NEW, []))
            continue
        given_planned = {**ref.planned, **cleaned["planned"]}
        same = ref.region_id == row.region_code and given_planned == ref.planned
        same = same and all(ref.details[name] == cleaned[name] for name in DETAILS)
        if same:
            verdicts.append(RowVerdict(Outcome.UNCHANGED, []))
        elif ref.stage not in CHANGEABLE:
            verdicts.append(
                RowVerdict(
                    Outcome.REFUSED,
                    [
                        (
                            "number",
                            _(
                                "Project %(number)s is %(stage)s: a sheet changes a project "
                                "only while it is planned or approved. Make the row match "
                                "the project on file, or take the row out."
                            )
                            % {"number": ref.number, "stage": Stage(ref.stage).label},
                        )
                    ],
                )
            )
        else:
            changed.append((ref, {**cleaned, "planned": given_planned}))
            verdicts.append(RowVerdict(Outcome.CHANGED, []))
    if source is not None:
        _add_projects(actor, new, kinds, sources, source)
        _change_projects(actor, changed, kinds, sources, source)
    return verdicts


def _state(cleaned: dict[str, Any], region_code: str) -> dict[str, Any]:
    return {
        **{name: cleaned[name] for name in ("number", *DETAILS)},
        "region": region_code,
        "planned": {source: str(amount) for source, amount in cleaned["planned"].items()},
    }


def _add_projects(actor, new, kinds, sources, source: str) -> None:
    now, today = timezone.now(), timezone.localdate()
    projects = [
        Project(
            region_id=row.region_code,
            county_id=county_code(row.region_code),
            number=cleaned["number"],
            name=cleaned["name"],
            kind=kinds[cleaned["kind"]],
            year=cleaned["year"],
            responsible_unit=cleaned["responsible_unit"],
            description=cleaned["description"],
            stage=Stage.PLANNED,
            stage_on=today,
            recorded_at=now,
            recorded_by=actor,
        )
        for row, cleaned in new
    ]
    insert_rows(Project, projects, returning=True)
    insert_rows(
        ProjectStep,
        [
            ProjectStep(
                project=project,
                region_id=project.region_id,
                stage=Stage.PLANNED,
                day=today,
                recorded_at=now,
                recorded_by=actor,
            )
            for project in projects
        ],
    )
    insert_rows(
        PlannedFund,
        [
            PlannedFund(
                project=project, region_id=project.region_id, source=sources[code], amount=amount
            )
            for project, (_row, cleaned) in zip(projects, new, strict=True)
            for code, amount in cleaned["planned"].items()
        ],
    )
    audit.record_many(
        actor=actor,
        changes=[
            audit.Change(
                action="project.import",
                object_type="projects.project",
                object_id=str(project.pk),
                region_code=project.region_id,
                after={**_state(cleaned, row.region_code), "source": source},
            )
            for project, (row, cleaned) in zip(projects, new, strict=True)
        ],
    )


def _change_projects(actor, changed, kinds, sources, source: str) -> None:
    for ref, cleaned in changed:
        project = Project.objects.select_for_update().get(pk=ref.pk)
        before = {
            **ref.details,
            "number": ref.number,
            "region": ref.region_id,
            "planned": {code: str(amount) for code, amount in ref.planned.items()},
        }
        for name in ("name", "year", "responsible_unit", "description"):
            setattr(project, name, cleaned[name])
        project.kind = kinds[cleaned["kind"]]
        project.save(update_fields=["name", "kind", "year", "responsible_unit", "description"])
        for code, amount in cleaned["planned"].items():
            PlannedFund.objects.update_or_create(
                project=project,
                source=sources[code],
                defaults={"amount": amount, "region_id": project.region_id},
            )
        audit.record(
            actor=actor,
            action="project.import",
            obj=project,
            before=before,
            after={**_state(cleaned, project.region_id), "source": source},
        )


@dataclass
class _Totals:
    """What a project has from one source: on file, and added by the sheet so far."""

    allocated: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    # The sheet's payments from this source, in the file's order: (where, amount).
    payments: list[tuple[int, Decimal]] = field(default_factory=list)


class FundsImport:
    """A county finance sheet's entries (资金台账导入), a batch at a time (``keyed.Session``).

    Each row adds an allocation (下达, ``ALLOCATE_FUNDS``) or a payment (拨付,
    ``RECORD_PAYMENTS``) to its project; a row equal to an entry on file (project, kind,
    source, amount, day and voucher) is that entry, unchanged, so a ledger exported and
    imported again adds nothing. A sheet never reverses: a negative row is refused. The
    ledger's rule holds over the sheet and the entries on file together, per project and
    source (``funds.refuse_overspend``), checked once the whole file is read, at the first
    payment row that goes beyond what is allocated by then. Writing, the projects are locked
    (as the ledger's page does) before their totals are read."""

    def __init__(self, *, actor):
        require(actor, Capability.RECORD_PAYMENTS)
        self.actor = actor
        self.allocates = actor.has_capability(Capability.ALLOCATE_FUNDS)
        self.sources = _codes("fund_source")
        self.totals: dict[tuple[int, str], _Totals] = {}
        self.projects: dict[int, ProjectRef] = {}
        # Per project written: entries, and yuan by kind and source (its audit entry).
        self.written: dict[int, Counter] = defaultdict(Counter)
        self.now = timezone.now()

    def _load(self, refs: list[ProjectRef], locking: bool) -> None:
        fresh = sorted({ref.pk for ref in refs} - self.projects.keys())
        if not fresh:
            return
        if locking:  # in pk order, so two writers lock alike
            list(
                Project.objects.select_for_update().filter(pk__in=fresh).order_by("pk").values("pk")
            )
        for ref in refs:
            self.projects[ref.pk] = ref
        sums = (
            LedgerEntry.objects.filter(project_id__in=fresh)
            .values_list("project_id", "source__value", "kind")
            .order_by()
        )
        for project, code, kind, amount in sums.annotate(total=Sum("amount")):
            totals = self.totals.setdefault((project, code), _Totals())
            if kind == EntryKind.ALLOCATION:
                totals.allocated += amount
            else:
                totals.paid += amount

    def _on_file(self, rows: list[MatchedRow]) -> Counter:
        """Entries on file equal to the batch's rows (by project, kind, source, amount, day,
        voucher), counted: each matches one row."""
        projects = {row.member.pk for row in rows}
        days = {row.data.day for row in rows if row.data.day}
        found: Counter = Counter()
        for entry in (
            LedgerEntry.objects.filter(project_id__in=projects, day__in=days)
            .values_list("project_id", "kind", "source__value", "amount", "day", "voucher")
            .order_by()
        ):
            found[entry] += 1
        return found

    def _check(self, ref: ProjectRef, row: FundRow) -> tuple:
        if ref.stage not in WITH_LEDGER:
            raise DomainError(
                _(
                    "Project %(number)s is %(stage)s: funds are recorded only on an approved, "
                    "started, completed or accepted project."
                )
                % {"number": ref.number, "stage": Stage(ref.stage).label},
                field="number",
            )
        if row.kind == EntryKind.ALLOCATION and not self.allocates:
            raise DomainError(
                _(
                    "Allocations (下达) are recorded by the county's finance office; take the "
                    "row out, or ask the county to import it."
                ),
                field="kind",
            )
        if row.source not in self.sources:
            raise DomainError(_("Choose a source of funds."), field="source")
        amount = values.clean(LedgerEntry, "amount", row.amount)
        day = values.clean(LedgerEntry, "day", row.day)
        voucher = values.clean(LedgerEntry, "voucher", row.voucher)
        note = values.clean(LedgerEntry, "note", row.note)
        return amount, day, voucher, note

    def apply(
        self, *, rows: list[MatchedRow], at: list[int], source: str | None
    ) -> list[RowVerdict]:
        refs = [ref for row in rows if (ref := _project(row)) is not None]
        self._load(refs, locking=source is not None)
        on_file = self._on_file(rows)
        verdicts: list[RowVerdict] = []
        entries: list[dict[str, Any]] = []
        for matched, where in zip(rows, at, strict=True):
            ref = _project(matched)
            assert ref is not None  # the finance sheet's rows are all matched
            row: FundRow = matched.data
            try:
                amount, day, voucher, note = self._check(ref, row)
            except DomainError as error:
                verdicts.append(_refused(error))
                continue
            key = (ref.pk, row.kind, row.source, amount, day, voucher)
            if on_file[key] > 0:
                on_file[key] -= 1
                verdicts.append(RowVerdict(Outcome.UNCHANGED, []))
                continue
            if amount <= 0:
                verdicts.append(
                    RowVerdict(
                        Outcome.REFUSED,
                        [
                            (
                                "amount",
                                _(
                                    "A sheet adds entries and cannot reverse one: enter an "
                                    "amount above 0, and to put an entry right use a "
                                    "reversing entry on the project's ledger."
                                ),
                            )
                        ],
                    )
                )
                continue
            totals = self.totals.setdefault((ref.pk, row.source), _Totals())
            if row.kind == EntryKind.ALLOCATION:
                totals.allocated += amount
            else:
                totals.paid += amount
                totals.payments.append((where, amount))
            verdicts.append(RowVerdict(Outcome.NEW, []))
            if source is not None:
                entries.append(
                    {
                        "project_id": ref.pk,
                        "region_id": ref.region_id,
                        "kind": row.kind,
                        "source_id": self.sources[row.source].pk,
                        "amount": amount,
                        "day": day,
                        "voucher": voucher,
                        "note": note,
                        "voucher_image": "",
                        "recorded_at": self.now,
                        "recorded_by_id": self.actor.pk,
                    }
                )
                written = self.written[ref.pk]
                written["entries"] += 1
                written[f"{row.kind}:{row.source}"] += amount
        insert_values(LedgerEntry, entries)
        return verdicts

    def finish(self, *, source: str | None) -> list[tuple[int, str, str]]:
        """Per project and source, payments beyond allocations refused at the first payment
        row that goes beyond; writing and with none refused, the projects' audit entries."""
        refused: list[tuple[int, str, str]] = []
        for (project, code), totals in self.totals.items():
            if totals.paid <= totals.allocated or not totals.payments:
                continue
            # The first payment row at which the payments go beyond what the file allocates.
            paid = totals.paid - sum(amount for _where, amount in totals.payments)
            beyond = totals.payments[-1][0]
            for where, amount in totals.payments:
                paid += amount
                if paid > totals.allocated:
                    beyond = where
                    break
            try:
                refuse_overspend(
                    project=self.projects[project].number,
                    source=self.sources[code].label,
                    allocated=totals.allocated,
                    paid=paid,
                )
            except DomainError as error:
                refused.append((beyond, "amount", error.message))
        if source is not None and not refused:
            audit.record_many(
                actor=self.actor,
                changes=[
                    audit.Change(
                        action="ledger.import",
                        object_type="projects.project",
                        object_id=str(project),
                        region_code=self.projects[project].region_id,
                        after={
                            "source": source,
                            **{key: str(value) for key, value in written.items()},
                        },
                    )
                    for project, written in sorted(self.written.items())
                ],
            )
        return refused


def funds_import(*, actor) -> FundsImport:
    """The bulk service of a county finance sheet (资金台账导入), for one run of its rows."""
    return FundsImport(actor=actor)
