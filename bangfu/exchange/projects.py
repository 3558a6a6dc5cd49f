"""The county's project sheets (项目库、资金台账): its project library, one project a row
with its planned funds by source in columns of their own, and its finance sheet, one entry
(下达 or 拨付) a row. Both are keyed by project number (项目编号, unique in its county)
through the ``keyed`` reader, and written by ``projects.services.sheets``.

The library's exports (``projects:library_export``, ``projects:ledger_export``) write these
very headers, so what is exported imports again: projects on file and entries on file are
matched and counted unchanged.
"""

from collections.abc import Hashable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError
from bangfu.core.regions import RegionLevel, county_code, township_code
from bangfu.core.selectors import places_down_to
from bangfu.projects.columns import (
    ENTRY_WORDS,
    FUND_COLUMNS,
    FUND_SOURCES,
    PLACE_COLUMNS,
    PROJECT_COLUMNS,
    fund_column,
)
from bangfu.projects.selectors.sheets import projects_by_county_number, projects_by_number
from bangfu.projects.services.sheets import FundRow, ProjectRow, funds_import, projects_apply

from . import cleaning
from .keyed import KeyedSheet

_ENTRY_KINDS = {cleaning.key(word): kind for kind, words in ENTRY_WORDS.items() for word in words}


def entry_kind(raw: Any) -> str:
    if cleaning.is_blank(raw):
        return ""
    kind = _ENTRY_KINDS.get(cleaning.key(raw))
    if kind is None:
        raise cleaning.CellError(_("“%(value)s”: write 下达 or 拨付.") % {"value": raw})
    return kind


def amount(raw: Any) -> Decimal | None:
    """Yuan as finance sheets write them: 1,234,567.80, or with 元 after."""
    if isinstance(raw, str):
        raw = raw.replace(",", "").replace("，", "").strip().removesuffix("元")
    return cleaning.decimal(raw)


class _Taken:
    """A number the county gives a project outside the importer's places."""


class _Several:
    """A number projects of several of the importer's counties have."""


TAKEN, SEVERAL = _Taken(), _Several()


class ProjectPlaces:
    """Library rows find their projects by county and number; the place (by its code, or
    by the names of its county, township and village) among the importer's places."""

    column = "number"

    def __init__(self, actor):
        self.actor = actor
        self.levels: dict[str, int] = {}
        self.by_name: dict[tuple[str, str, str], list[str]] = {}
        places = places_down_to(actor, RegionLevel.VILLAGE)
        names = {code: cleaning.key(name) for code, name, _level in places}
        for code, _name, level in places:
            if level < RegionLevel.COUNTY:
                continue
            self.levels[code] = level
            trail = (
                names.get(county_code(code), ""),
                names.get(township_code(code), "") if level >= RegionLevel.TOWNSHIP else "",
                names[code] if level == RegionLevel.VILLAGE else "",
            )
            self.by_name.setdefault(trail, []).append(code)

    def place(self, values: dict[str, Any]) -> str:
        code = values.get("region_code") or ""
        if code:
            if code not in self.levels:
                raise DomainError(
                    _("%(code)s is not a county, township or village among your places.")
                    % {"code": code},
                    field="region_code",
                )
            return code
        given = tuple(
            cleaning.key(values.get(key) or "") for key in ("county", "township", "village")
        )
        if not any(given):
            raise DomainError(
                _("Give the place: the 行政区划代码, or the county, township and village."),
                field="region_code",
            )
        # The names given must be the place's; a name left out matches any, below the last.
        candidates = [
            code
            for trail, codes in self.by_name.items()
            if all(not want or want == have for want, have in zip(given, trail, strict=True))
            and _ends_where_given(given, trail)
            for code in codes
        ]
        what = " ".join(str(values.get(key) or "") for key in ("county", "township", "village"))
        if not candidates:
            raise DomainError(
                _("No place “%(place)s” among your places.") % {"place": what.strip()},
                field="village" if given[2] else "township" if given[1] else "county",
            )
        if len(candidates) > 1:
            raise DomainError(
                _(
                    "%(n)d places are called “%(place)s”; add the county and township, or the "
                    "行政区划代码."
                )
                % {"n": len(candidates), "place": what.strip()},
                field="region_code",
            )
        return candidates[0]

    def key(self, values: dict[str, Any]) -> Hashable:
        values["region_code"] = self.place(values)
        return (county_code(values["region_code"]), values["number"])

    def find(self, keys: set[Hashable]) -> Mapping[Hashable, Any]:
        found, taken = projects_by_county_number(self.actor, keys)  # type: ignore[arg-type]
        targets: dict[Hashable, Any] = dict(found)
        targets.update(dict.fromkeys(taken, TAKEN))
        return targets

    def refusal(self, target: Any) -> str | None:
        if target is TAKEN:
            return _(
                "The county has a project with this number in a place outside yours; give "
                "this project another number."
            )
        return None

    def household_of(self, target: Any) -> int | None:
        return None


def _ends_where_given(given: tuple[str, ...], trail: tuple[str, ...]) -> bool:
    """A place is the one named when it is as deep as the last name given: 新河村 names a
    village, not its township."""
    deepest = max(index for index, name in enumerate(given) if name)
    return bool(trail[deepest]) and not any(trail[deepest + 1 :])


class ProjectNumbers:
    """Finance rows find their project by number among the importer's projects."""

    column = "number"

    def __init__(self, actor):
        self.actor = actor

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["number"]

    def find(self, keys: set[Hashable]) -> Mapping[Hashable, Any]:
        found = projects_by_number(self.actor, keys)  # type: ignore[arg-type]
        return {number: refs[0] if len(refs) == 1 else SEVERAL for number, refs in found.items()}

    def refusal(self, target: Any) -> str | None:
        if target is None:
            return _(
                "No project of your places has this number; add the project to the library "
                "first (its page, or the project library sheet)."
            )
        if target is SEVERAL:
            return _(
                "Projects of several of your counties have this number; import each county's "
                "sheet as a user of that county."
            )
        return None

    def household_of(self, target: Any) -> int | None:
        return None


def _project_row(values: dict[str, Any]) -> ProjectRow:
    return ProjectRow(
        number=values["number"],
        name=values["name"],
        kind=values["kind"],
        region_code=values["region_code"],
        year=values["year"],
        responsible_unit=values["responsible_unit"],
        description=values.get("description", ""),
        planned={
            value: values[fund_column(value)]
            for value, _label in FUND_SOURCES
            if values.get(fund_column(value)) is not None
        },
    )


def _project_key(_pk: int | None, row: ProjectRow) -> Hashable:
    return (county_code(row.region_code), row.number)


PROJECTS = KeyedSheet(
    columns=PROJECT_COLUMNS,
    clean={
        "number": cleaning.squeezed,
        "name": cleaning.text,
        "kind": cleaning.code_value,
        **dict.fromkeys(PLACE_COLUMNS, cleaning.squeezed),
        "year": cleaning.year,
        "responsible_unit": cleaning.text,
        "description": cleaning.text,
        **{fund_column(value): amount for value, _label in FUND_SOURCES},
    },
    codes={"kind": "project_kind"},
    required=("number", "name", "kind", "year", "responsible_unit"),
    no_header=gettext_lazy("No sheet has a header row with 项目编号, 项目名称 and 项目类型."),
    capability=Capability.PLAN_PROJECTS,
    make_row=_project_row,
    natural_key=_project_key,
    repeated=gettext_lazy("the project with this number in the same county"),
    apply=projects_apply,
    field_columns={f"fund_{value}": fund_column(value) for value, _label in FUND_SOURCES},
    matcher=ProjectPlaces,
)


def _fund_row(values: dict[str, Any]) -> FundRow:
    return FundRow(
        kind=values["kind"],
        source=values["source"],
        amount=values["amount"],
        day=values["day"],
        voucher=values.get("voucher", ""),
        note=values.get("note", ""),
    )


FUNDS = KeyedSheet(
    columns=FUND_COLUMNS,
    clean={
        "number": cleaning.squeezed,
        "name": cleaning.text,
        "kind": entry_kind,
        "source": cleaning.code_value,
        "amount": amount,
        "day": cleaning.date,
        "voucher": cleaning.squeezed,
        "note": cleaning.text,
    },
    codes={"source": "fund_source"},
    required=("number", "kind", "source", "amount", "day"),
    no_header=gettext_lazy("No sheet has a header row with 项目编号, 资金来源 and 金额."),
    capability=Capability.RECORD_PAYMENTS,
    make_row=_fund_row,
    # Two rows alike in everything are the same entry given twice; a voucher number tells
    # two like payments of a day apart.
    natural_key=lambda pk, row: (pk, row.kind, row.source, row.amount, row.day, row.voucher),
    repeated=gettext_lazy("the same entry (kind, source, amount, day and voucher)"),
    apply=None,
    matcher=ProjectNumbers,
    session=funds_import,
)
