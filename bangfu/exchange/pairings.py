"""A pairing sheet (结对名单), a roster whose rows ``pairing.services.pairings_import`` takes.

A row names a household (户编号, or the head's ID number) and a helper (by mobile phone or
ID number), whether the helper is the household's main one, and the day the pairing began.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.capabilities import Capability
from bangfu.pairing.services import PairingImport, PairingRow, pairings_import

from . import cleaning, sheets
from .rosters import Roster

COLUMNS = {
    # key: (header, synonyms)
    "household_number": ("户编号", ("户编码", "家庭编号", "户码")),
    "head_id_number": ("户主身份证号码", ("户主证件号码", "户主身份证号")),
    "helper_phone": (
        "帮扶干部手机号",
        ("帮扶人手机号", "帮扶责任人电话", "帮扶干部电话", "手机号"),
    ),
    "helper_id_number": ("帮扶干部身份证号码", ("帮扶人身份证号码", "帮扶干部身份证号")),
    "helper_name": ("帮扶干部姓名", ("帮扶人", "帮扶责任人", "帮扶干部")),
    "is_main": ("是否主要帮扶人", ("主要帮扶人", "是否主责")),
    "started_on": ("结对日期", ("结对时间", "帮扶开始日期")),
}
CLEAN = {
    "household_number": lambda raw: cleaning.digits(raw, what=_("household number")),
    "head_id_number": cleaning.id_number,
    "helper_phone": lambda raw: cleaning.digits(raw, what=_("phone number")),
    "helper_id_number": cleaning.id_number,
    "helper_name": cleaning.name,
    "is_main": cleaning.yes_no,
    "started_on": cleaning.date,
}


def _missing(header: sheets.Header) -> list[str]:
    missing = []
    for either, other in (
        ("household_number", "head_id_number"),
        ("helper_phone", "helper_id_number"),
    ):
        if not {either, other} & set(header.positions):
            missing.append(f"{COLUMNS[either][0]} / {COLUMNS[other][0]}")
    return missing


def _row(values: dict[str, Any]) -> PairingRow:
    return PairingRow(
        household_number=values.get("household_number", ""),
        head_id_number=values.get("head_id_number", ""),
        helper_phone=values.get("helper_phone", ""),
        helper_id_number=values.get("helper_id_number", ""),
        is_main=bool(values.get("is_main")),
        started_on=values.get("started_on") or timezone.localdate(),
    )


def _counts(result: PairingImport) -> dict[str, Any]:
    return {"pairings": {"new": result.new, "unchanged": result.unchanged}}


ROSTER = Roster(
    columns=COLUMNS,
    clean=CLEAN,
    missing=_missing,
    no_header=gettext_lazy("No sheet has a header row with 户编号 and 帮扶干部手机号."),
    make_row=_row,
    capability=Capability.MANAGE_PAIRING,
    write=pairings_import,
    counts=_counts,
)
