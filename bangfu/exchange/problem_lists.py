"""A problem data list sent from above (问题数据清单), a roster whose rows
``checks.services.problem_list_store`` takes into the monthly check's differences.

A row names a household (户编号), perhaps one of its members (证件号码), the field the
problem is about (问题字段: a column of the national household sheet by its name or one of
its synonyms — ``exchange.columns`` and the names an administrator taught —, or words kept
as written when they name no column) and the problem (问题描述). The list is the county's:
its households must be in the importer's places.
"""

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.checks.services import ProblemListImport, ProblemRow, problem_list_store
from bangfu.core.capabilities import Capability

from . import cleaning, sheets
from .columns import BY_KEY
from .rosters import Roster
from .selectors import synonym_map

COLUMNS = {
    # key: (header, synonyms)
    "household_number": ("户编号", ("户编码", "家庭编号", "户码", "户编码号")),
    "id_number": ("证件号码", ("身份证号码", "身份证号", "公民身份号码", "成员证件号码")),
    "field": ("问题字段", ("问题指标", "问题项", "疑点字段", "字段名称", "指标名称", "字段")),
    "problem": ("问题描述", ("问题", "问题说明", "疑点描述", "疑点问题", "问题内容")),
}
CLEAN = {
    "household_number": lambda raw: cleaning.digits(raw, what=_("household number")),
    "id_number": cleaning.id_number,
    "field": cleaning.text,
    "problem": cleaning.text,
}
REQUIRED = ("household_number", "problem")


def _missing(header: sheets.Header) -> list[str]:
    return [COLUMNS[key][0] for key in REQUIRED if key not in header.positions]


def _row(values: dict[str, Any]) -> ProblemRow:
    return ProblemRow(
        household_number=values["household_number"],
        problem=values["problem"],
        id_number=values.get("id_number", ""),
        field_name=values.get("field", ""),
    )


def _named(row: ProblemRow, names: dict[str, str]) -> ProblemRow:
    """The row with its field matched to a column, named as the national form names it;
    words that name no column stay as written."""
    key = names.get(sheets.header_key(row.field_name)) if row.field_name else None
    if key is None or key not in BY_KEY:
        return row
    return replace(row, field=key, field_name=BY_KEY[key].header)


def _store(*, actor, rows: list[ProblemRow], source: str, commit: bool) -> ProblemListImport:
    names = synonym_map()  # read once a list
    return problem_list_store(
        actor=actor, rows=[_named(row, names) for row in rows], source=source, commit=commit
    )


def _counts(result: ProblemListImport) -> dict[str, Any]:
    return {"differences": {"new": result.new, "repeated": result.repeated}}


ROSTER = Roster(
    columns=COLUMNS,
    clean=CLEAN,
    missing=_missing,
    no_header=gettext_lazy("No sheet has a header row with 户编号 and 问题描述."),
    make_row=_row,
    capability=Capability.IMPORT_NATIONAL_DATA,
    write=_store,
    counts=_counts,
    required=REQUIRED,
    fallback="household_number",
)
