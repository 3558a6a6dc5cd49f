"""The demo district's monthly check of the handbook against the national system (账实相符、
账账相符) of last month, through the services, as the county, the villages and the township
would record it —

- the national system's export of the county's households and members (国家系统导出), written
  by exchange's own writer of the national form from the records (``household_rows``), with
  a handful of planted disagreements: a name written differently (twice), a relation, a main
  cause, an income, a member only in the system (a newborn), a member only in the handbook,
  a household only in the system, an address written differently. The county uploads it as
  last month's snapshot on the month's third day (``snapshot_upload``, checked and committed
  as the background job does), and the comparison raises each disagreement once;
- the differences worked during the month, in ``township_staff``'s township (``work_team``
  works its own village's): some open and unclassified; one classified each way (system entry
  wrong, handbook wrong, needs a home check, accepted); one handbook error fixed by a registry
  edit (``member_update``), which closes it by itself (``FIXED``); the address closed by hand
  with its reason; and a problem data list from above (问题数据清单) with two problems, one of
  them classified;
- the township's villages' self-check reports (自查报告) of the month: most on time with a
  short note, 康西村's late (submitted today, after its day due), 马坊村's missing — so that
  the township's page and its home panel show them.

The services take today as the day they record (found, closed, submitted on): the month's
days are lived one after another by setting the day they take (``_on``), as the tests freeze
it; the audit log keeps the real time of each write.
"""

import contextlib
import datetime
import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from stdnum.cn.ric import calc_check_digit

from bangfu.checks.models import Difference, DifferenceClass, SelfCheckReport
from bangfu.checks.services import (
    ProblemRow,
    difference_classify,
    difference_close,
    problem_list_store,
    report_due_on,
    self_check_report_submit,
)
from bangfu.core import idnumbers
from bangfu.core.capabilities import Capability, require
from bangfu.core.models import Region
from bangfu.core.params import add_months
from bangfu.core.protection import lookup_hashes, unseal
from bangfu.core.regions import RegionLevel
from bangfu.core.tables import write_table
from bangfu.exchange.columns import BY_KEY, COLUMNS
from bangfu.exchange.services import (
    household_rows,
    import_check,
    import_commit,
    import_commit_request,
    snapshot_upload,
)
from bangfu.registry.models import Household, Member
from bangfu.registry.selectors import HouseholdFilters
from bangfu.registry.services import IncomeInput, MemberInput, income_record, member_update

from .teams import SHORT_VILLAGE

AT = {column.key: index for index, column in enumerate(COLUMNS)}
INCOME_HEADERS = ["人均纯收入", "收入年度"]  # the national export's columns beside the form's
PLANTED = 10  # households the stories below need in the township
# A relation the system's clerk wrote one generation off (or, for anyone else, as 其他).
RELATION_SLIPS = {"之子": "之孙子", "之女": "之孙女", "之孙子": "之子", "之孙女": "之女"}
HOMOPHONES = {"华": "桦", "明": "铭", "芳": "方", "英": "瑛", "强": "墙", "伟": "玮", "平": "萍"}


@dataclass
class CheckStory:
    """What the demo recorded, for the command's summary."""

    differences: int = 0
    reports: dict[str, str] = field(default_factory=dict)  # village's code → on_time/late


@contextlib.contextmanager
def _on(day: datetime.date) -> Iterator[None]:
    """The services take ``day`` as today (as the tests' ``on_day`` freezes it); the ID-number
    check's minute cache of today is emptied on the way in and out."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    setattr(timezone, "localdate", localdate)  # noqa: B010 (the module's attribute)
    idnumbers._today.cache_clear()
    try:
        yield
    finally:
        setattr(timezone, "localdate", real)  # noqa: B010
        idnumbers._today.cache_clear()


def _variant(name: str) -> str:
    """The name as another clerk wrote it: its last character a homophone."""
    last = name[-1]
    return name[:-1] + HOMOPHONES.get(last, "明" if last != "明" else "铭")


def _new_id_number(born: datetime.date, male: bool) -> str:
    """A valid ID number of the county no member of the records holds."""
    for n in range(500):
        body = f"611103{born:%Y%m%d}{(999 - 2 * n - (0 if male else 1)) % 1000:03d}"
        value = body + calc_check_digit(body + "?")
        if not Member.objects.filter(id_number_hash__in=lookup_hashes(value)).exists():
            return value
    raise AssertionError("no free ID number")  # 500 of one day's serials: never in a demo


def _member_input(member: Member, **changed: Any) -> MemberInput:
    """The member as recorded, with ``changed``: what the edit page would send."""
    data = {
        "name": member.name,
        "id_number": unseal(member.id_number_sealed),
        "relation": member.relation.value,
        "ethnicity": member.ethnicity.value,
        "health": member.health.value,
        "labour": member.labour.value,
        "sex": member.sex,
        "birth_date": member.birth_date,
        "education": member.education.value if member.education else "",
        "schooling": member.schooling.value if member.schooling else "",
        "disability": member.disability,
        "work_status": member.work_status,
        "dibao": member.dibao,
        "medical_insurance": member.medical_insurance,
        "pension_insurance": member.pension_insurance,
    }
    return MemberInput(**{**data, **changed})


def _households(township_login, village: str) -> list[Household]:
    """The township's open households with two members or more, a village's at a time in
    turn (``village``'s first), so that each village has its differences."""
    rows = (
        Household.objects.visible_to(township_login)
        .filter(closed_on=None)
        .order_by("pk")
        .prefetch_related("members")
    )
    by_village: dict[str, list[Household]] = {}
    for household in rows:
        if len([m for m in household.members.all() if m.left_on is None]) >= 2:
            by_village.setdefault(household.region_id[:12], []).append(household)
    order = sorted(by_village, key=lambda code: (code != village, code))
    turns = itertools.zip_longest(*(by_village[code] for code in order))
    return [household for turn in turns for household in turn if household is not None]


def _second(household: Household, *, youngest: bool = False) -> Member:
    """The household's member other than its head, the eldest (or the youngest) first."""
    others = [m for m in household.members.all() if m.left_on is None and not m.is_head]
    return sorted(others, key=lambda m: (m.birth_date, m.pk), reverse=youngest)[0]


class _Export:
    """The national system's export as rows of the national form, with its incomes."""

    def __init__(self, actor, income_year: int):
        require(actor, Capability.VIEW_FULL_ID_NUMBERS)  # the export gives numbers whole
        self.rows = [
            [*row, None, None] for row in household_rows(actor, HouseholdFilters(), full_ids=True)
        ]
        self.income_year = income_year

    def of(self, household: Household) -> list[list[Any]]:
        return [row for row in self.rows if row[AT["number"]] == household.number]

    def person(self, member: Member) -> list[Any]:
        number = unseal(member.id_number_sealed)
        return next(row for row in self.rows if row[AT["id_number"]] == number)

    def set(self, rows: list[list[Any]], key: str, value: Any) -> None:
        for row in rows:
            row[AT[key] if key in AT else len(COLUMNS) + INCOME_HEADERS.index(key)] = value

    def add_person(self, like: list[Any], **values: Any) -> None:
        row = list(like)
        for key, value in values.items():
            row[AT[key]] = value
        self.rows.append(row)

    def write(self, path: Path) -> Path:
        write_table(path, [c.header for c in COLUMNS] + INCOME_HEADERS, self.rows)
        return path


def _plant(actor, export: _Export, households: list[Household]) -> dict[str, Household]:
    """The disagreements the comparison is to find, each in its own household."""
    plan = dict(
        zip(
            ["system_name", "handbook_name", "relation", "main_cause", "income", "newborn",
             "left_out", "address", "problem_member", "problem_house"],
            households,
            strict=False,
        )
    )  # fmt: skip
    for key in ("system_name", "handbook_name"):
        row = export.person(_second(plan[key]))
        row[AT["name"]] = _variant(row[AT["name"]])
    row = export.person(_second(plan["relation"], youngest=True))
    row[AT["relation"]] = RELATION_SLIPS.get(row[AT["relation"]], "其他")
    house = export.of(plan["main_cause"])
    export.set(house, "main_cause", "因残" if house[0][AT["main_cause"]] != "因残" else "因病")
    # The village recorded last year's income; the system still holds the first figure.
    income_record(
        actor=actor,
        household_id=plan["income"].pk,
        income=IncomeInput(
            year=export.income_year,
            wages=Decimal(21600),
            business=Decimal(6400),
            transfers=Decimal(3800),
            property_income=Decimal(0),
            costs=Decimal(2400),
        ),
    )
    export.set(export.of(plan["income"]), "人均纯收入", Decimal("6850.00"))
    export.set(export.of(plan["income"]), "收入年度", export.income_year)
    # A baby registered in the national system, not yet in the handbook.
    born = datetime.date(2026, 5, 18)
    export.add_person(
        export.of(plan["newborn"])[0],
        name=export.of(plan["newborn"])[0][AT["name"]][0] + "欣怡",
        id_number=_new_id_number(born, male=False),
        sex="女",
        birth_date=born.isoformat(),
        relation="之孙女",
        education="",
        schooling="非在校生",
        disability="",
        health="健康",
        labour="无劳动力",
        work_status="",
    )
    # A member the system lacks (moved in from another county, not yet transferred).
    export.rows.remove(export.person(_second(plan["left_out"])))
    export.set(
        export.of(plan["address"]),
        "address",
        f"{plan['address'].region.name}{plan['address'].address}",
    )
    # A household the system still holds whose records the village never kept.
    first = export.of(households[-1])[0]
    number = first[AT["number"]][:-4] + "0990"
    for name, born, male, relation in (
        ("韩长庚", datetime.date(1951, 3, 9), True, "户主"),
        ("韩淑珍", datetime.date(1954, 11, 2), False, "配偶"),
    ):
        export.add_person(
            first,
            number=number,
            address="",
            name=name,
            id_number=_new_id_number(born, male),
            sex="男" if male else "女",
            birth_date=born.isoformat(),
            relation=relation,
        )
    return plan


def _import(actor, path: Path, region_code: str, month: datetime.date) -> None:
    """Uploaded, checked and committed as the background job does."""
    job = snapshot_upload(
        actor=actor,
        region_code=region_code,
        month=month,
        file_name=path.name,
        chunks=[path.read_bytes()],
    )
    import_check(job_id=job.pk)
    import_commit_request(actor=actor, job_id=job.pk)
    import_commit(job_id=job.pk)


def _difference(household: Household, field_key: str) -> Difference:
    return Difference.objects.get(household_number=household.number, field=field_key)


def make_checks(*, actor, today: datetime.date, work_team_login, township_login) -> CheckStory:
    """Last month's check; nothing in a demo without the households its stories need
    (``demo_data --households=0``)."""
    story = CheckStory()
    village = work_team_login.held_places()[0][0]
    households = _households(township_login, village)
    if len(households) < PLANTED:
        return story
    county = Region.objects.get(code=households[0].region_id[:6] + "000000")
    month = add_months(today.replace(day=1), -1)
    export = _Export(actor, income_year=month.year - 1)
    with _on(month + datetime.timedelta(days=2)):
        plan = _plant(actor, export, households)
        with tempfile.TemporaryDirectory() as folder:
            path = export.write(Path(folder) / f"{county.name}国家系统导出{month:%Y%m}.xlsx")
            _import(actor, path, county.code, month)
    story.differences = Difference.objects.filter(snapshot__month=month).count()
    _work(actor, month, plan, work_team_login, township_login)
    _reports(actor, month, work_team_login, township_login, story)
    return story


def _work(actor, month, plan, work_team_login, township_login) -> None:
    """The month's handling of the differences: classified, fixed by an edit, closed by hand,
    and the problem list from above."""

    def day(n: int) -> datetime.date:
        return month.replace(day=n)

    def by(household: Household):
        """Who works a difference: the village's work team where the demo has its login."""
        mine = household.region_id.startswith(work_team_login.held_places()[0][0])
        return work_team_login if mine else township_login

    def classify(household: Household, key: str, classification: str) -> Difference:
        return difference_classify(
            actor=by(household),
            difference_id=_difference(household, key).pk,
            classification=classification,
        )

    with _on(day(8)):
        received = month.replace(day=7)
        problem_list_store(
            actor=actor,
            rows=_problems(plan),
            source=f"问题数据清单{received:%Y%m%d}.xlsx",
            commit=True,
            sent_by="市乡村振兴局",
            received_on=received,
        )
    with _on(day(10)):
        classify(plan["system_name"], "name", DifferenceClass.SYSTEM_WRONG)
        classify(plan["handbook_name"], "name", DifferenceClass.HANDBOOK_WRONG)
        classify(plan["relation"], "relation", DifferenceClass.HANDBOOK_WRONG)
        classify(plan["income"], "per_capita_income", DifferenceClass.ACCEPTED)
        classify(plan["newborn"], "member", DifferenceClass.HOME_CHECK)
        listed = Difference.objects.get(
            problem_list__isnull=False, household_number=plan["problem_member"].number
        )
        difference_classify(
            actor=by(plan["problem_member"]),
            difference_id=listed.pk,
            classification=DifferenceClass.HOME_CHECK,
        )
    with _on(day(13)):
        # The handbook misspelt the name: corrected in the records, the check closes it.
        wrong = _second(plan["handbook_name"])
        member_update(
            actor=by(plan["handbook_name"]),
            member_id=wrong.pk,
            member=_member_input(wrong, name=_variant(wrong.name)),
        )
    with _on(day(16)):
        difference_close(
            actor=by(plan["address"]),
            difference_id=_difference(plan["address"], "address").pk,
            reason="写法不同：国家系统的地址含村名，为同一住址，无需更正",
        )


def _problems(plan) -> list[ProblemRow]:
    elder = min(
        (m for m in plan["problem_member"].members.all() if m.left_on is None),
        key=lambda m: m.birth_date,
    )
    return [
        ProblemRow(
            household_number=plan["problem_member"].number,
            id_number=unseal(elder.id_number_sealed),
            problem="与公安户籍信息比对：该成员户籍状态为死亡，请核实是否应标注自然减少",
        ),
        ProblemRow(
            household_number=plan["problem_house"].number,
            field="danger_grade",
            field_name=BY_KEY["danger_grade"].header,
            problem="住房安全信息未填写鉴定结论，请核实住房安全保障情况",
        ),
    ]


NOTES = [
    "本月比对国家系统数据，发现差异已逐项核实分类；户主信息已更正，其余待下月系统更新。",
    "本月自查未发现新增问题，上月差异已按要求整改。",
    "本月自查完成，新生儿信息待入户核实后补录手册。",
]


def _weekday(day: datetime.date) -> datetime.date:
    """The day, or the Friday before it: reports are written in the office."""
    return day - datetime.timedelta(days=max(day.weekday() - 4, 0))


def _reports(actor, month, work_team_login, township_login, story: CheckStory) -> None:
    """The township's villages' reports: on time but the last two — one late (submitted
    today), one missing."""
    township = township_login.held_places()[0][0]
    villages = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, parent_id=township).order_by("code")
    )
    late = next((v for v in villages if v.code == SHORT_VILLAGE), villages[-2])
    missing = next(v for v in reversed(villages) if v != late)
    on_time = [v for v in villages if v not in (late, missing)]
    mine = work_team_login.held_places()[0][0]
    for back, village in enumerate(on_time):
        with _on(_weekday(report_due_on(village.code, month) - datetime.timedelta(days=back))):
            self_check_report_submit(
                actor=work_team_login if village.code == mine else actor,
                region_code=village.code,
                month=month,
                note=NOTES[back % len(NOTES)],
            )
        story.reports[village.code] = "on_time"
    self_check_report_submit(
        actor=actor,
        region_code=late.code,
        month=month,
        note="联络员外出培训，比对核实延后完成，报告逾期提交。",
    )
    story.reports[late.code] = "late"
    assert not SelfCheckReport.objects.filter(region=missing, month=month).exists()
