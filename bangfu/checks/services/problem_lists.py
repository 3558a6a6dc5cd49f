"""Problem data lists sent from above (问题数据清单): each row a household (and perhaps a
member), the field it is about and the problem, imported by the county into the same
workflow as the month's differences — one ``Difference`` of kind ``PROBLEM`` a row, assigned
to the household's village, classified and closed like the others.

A list is read by the exchange pipeline (``exchange.problem_lists``, a roster: the check runs
the commit's very writes and rolls them back) and stored here, all or nothing: a row naming a
household outside the importer's places — none, or one elsewhere: the same words — or a
member not of that household refuses the whole list, each refusal at its row.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, idnumbers, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.protection import aliases, lookup_hash
from bangfu.registry.models import Household, Member

from ..models import Difference, DifferenceKind, DifferenceState, ProblemList

AT_ONCE = 500  # household numbers or ID hashes a query
# The national form's parts, naming a problem about a household or a member as a whole.
WHOLE_NAMES = {"household": "户信息", "member": "家庭成员信息"}


@dataclass
class ProblemRow:
    """A row of a problem data list as the sheet gave it, cleaned."""

    household_number: str
    problem: str
    id_number: str = ""  # the member's, when the problem is about one
    # The column the problem is about: its key (``exchange.columns``) and its name as the
    # national form gives it; words that name no column are kept as written in
    # ``field_name``, with no key (the difference is then about the household or member).
    field: str = ""
    field_name: str = ""


@dataclass
class ProblemListImport:
    new: int = 0  # differences the list adds
    repeated: int = 0  # rows that repeat an earlier row of the list: one difference
    problem_list_id: int | None = None
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, field, reason)


# A day written in a file's name: 2026-03-15, 2026.3.15, 20260315, 2026年3月15日.
_DAY_IN_NAME = re.compile(
    r"(?<!\d)(20\d{2})(?:[-._年/]?)(0[1-9]|1[0-2]|[1-9](?=\D))(?:[-._月/]?)"
    r"(0[1-9]|[12]\d|3[01]|[1-9](?!\d))(?!\d)"
)


def received_on_of(file_name: str) -> datetime.date:
    """The day a list was received: the day its file's name gives (lists from above are
    named by their day, 问题数据清单20260315.xlsx), else the day it is imported."""
    today = timezone.localdate()
    for found in _DAY_IN_NAME.finditer(file_name):
        try:
            day = datetime.date(*(int(part) for part in found.groups()))
        except ValueError:
            continue
        try:
            return values.clean(ProblemList, "received_on", day) or today
        except DomainError:  # a day not yet come or before the checks began: not the day
            continue
    return today


def _households(actor, rows: list[ProblemRow]) -> dict[str, Household]:
    numbers = sorted({row.household_number for row in rows if row.household_number})
    found: dict[str, Household] = {}
    for start in range(0, len(numbers), AT_ONCE):
        for household in Household.objects.visible_to(actor).filter(
            number__in=numbers[start : start + AT_ONCE]
        ):
            found[household.number] = household
    return found


def _digest(id_number: str) -> str:
    return lookup_hash(idnumbers.normalise(id_number)) if id_number else ""


def _members(rows: list[ProblemRow], households: dict[str, Household]) -> dict[str, Member]:
    """The members the rows name, by the keyed hash of their ID number, among the listed
    households only (a member of another household is no member of the row's)."""
    # Asked by every hash a rotation may have left on a row, filed by the current one.
    digests = aliases({idnumbers.normalise(row.id_number) for row in rows if row.id_number})
    asked = sorted(digests)
    household_ids = [household.pk for household in households.values()]
    found: dict[str, Member] = {}
    for start in range(0, len(asked), AT_ONCE):
        for member in Member.objects.filter(
            id_number_hash__in=asked[start : start + AT_ONCE], household_id__in=household_ids
        ):
            found[digests[member.id_number_hash]] = member
    return found


def _county(code: str) -> str:
    return code[:6].ljust(12, "0")


def _difference(row: ProblemRow, households, members, county: str) -> Difference:
    """The row's difference (not yet stored), or the refusal naming its field."""
    household = households.get(row.household_number)
    if household is None:
        raise DomainError(
            _("No household of your places has the number %(number)s.")
            % {"number": row.household_number or "—"},
            code="no_household",
            field="household_number",
        )
    if county and _county(household.region_id) != county:
        raise DomainError(
            _(
                "This household is of another county than the list's first household; "
                "import each county's list on its own."
            ),
            code="other_county",
            field="household_number",
        )
    member = None
    if row.id_number:
        member = members.get(_digest(row.id_number))
        if member is None or member.household_id != household.pk:
            raise DomainError(
                _("No member of household %(number)s has this ID number.")
                % {"number": household.number},
                code="no_member",
                field="id_number",
            )
    # A problem about no column of the national form is about the household, or the member
    # it names, as a whole (the keys a comparison gives a household or member on one side).
    whole = "member" if member else "household"
    return Difference(
        region_id=household.region_id,
        household=household,
        household_number=household.number,
        member=member,
        id_number_hash=member.id_number_hash if member else "",
        member_name=member.name if member else "",
        field=values.clean(Difference, "field", row.field or whole),
        field_name=values.clean(
            Difference, "field_name", row.field_name or WHOLE_NAMES[whole], field="field"
        ),
        kind=DifferenceKind.PROBLEM,
        problem=values.clean(Difference, "problem", row.problem),
        state=DifferenceState.OPEN,
    )


def problem_list_store(
    *,
    actor,
    rows: list[ProblemRow],
    source: str,
    commit: bool,
    sent_by: str = "",
    received_on: datetime.date | None = None,
) -> ProblemListImport:
    """Store a problem data list (问题数据清单) from the file ``source``: one ``ProblemList``
    of the households' county, and one open difference of kind ``PROBLEM`` a row, found on
    the day the list was received (given, or from the file's name: ``received_on_of``). A
    row repeating an earlier one (household, member, field and problem) adds nothing. All
    rows or none: nothing stays written if a row is refused, or without ``commit`` (the
    preview runs the very same writes and rolls them back)."""
    require(actor, Capability.IMPORT_NATIONAL_DATA)
    result = ProblemListImport()
    file_name = values.clean(ProblemList, "file_name", source, field="file")
    sent_by = values.clean(ProblemList, "sent_by", sent_by)
    if received_on is None:
        received_on = received_on_of(file_name)
    received_on = values.clean(ProblemList, "received_on", received_on)
    households = _households(actor, rows)
    members = _members(rows, households)
    made: list[Difference] = []
    seen: set[tuple] = set()
    county = ""
    for index, row in enumerate(rows):
        try:
            difference = _difference(row, households, members, county)
        except DomainError as refusal:
            result.problems.append((index, refusal.field or "", str(refusal.message)))
            continue
        county = county or _county(difference.region_id)
        key = (
            difference.household_number,
            difference.id_number_hash,
            difference.field or difference.field_name,
            difference.problem,
        )
        if key in seen:
            result.repeated += 1
            continue
        seen.add(key)
        made.append(difference)
    result.new = len(made)
    if result.problems or not made:
        return result
    with transaction.atomic():
        problem_list = ProblemList.objects.create(
            region_id=county,
            file_name=file_name,
            sent_by=sent_by,
            received_on=received_on,
            imported_by=actor,
        )
        for difference in made:
            difference.problem_list, difference.found_on = problem_list, received_on
        Difference.objects.bulk_create(made, batch_size=AT_ONCE)
        audit.record(
            actor=actor,
            action="problem_list.import",
            obj=problem_list,
            region_code=county,
            after={
                **audit.snapshot(problem_list, ["file_name", "sent_by", "received_on"]),
                "differences": result.new,
                "repeated": result.repeated,
            },
        )
        if commit:
            result.problem_list_id = problem_list.pk
        else:
            transaction.set_rollback(True)
    return result
