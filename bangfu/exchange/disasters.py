"""The emergency management or agriculture bureau's sheet of disasters (灾情,
应急管理局、农业农村局), a roster whose rows ``monitoring.services.disasters_import`` takes.

A row is a disaster in a village or a township on a day: the place by its 12-digit code
(行政区划代码) or by its township's and village's names (乡镇, 村; a township alone means the
whole township), the kind (灾害种类: a word the bureaus use — 洪涝, 干旱, 冰雹, 滑坡… — or our
code), the day it struck, its severity (灾害等级: 1–4, or 一般/较大/重大/特别重大, or the
national response levels Ⅳ级…Ⅰ级, Ⅰ级 the gravest) and a note. Once committed, the early-warning
rules run over the households of the places written (``then``).
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.capabilities import Capability
from bangfu.monitoring.models import DisasterKind, Severity
from bangfu.monitoring.services import (
    DisasterRow,
    DisastersImport,
    disasters_import,
    households_of_places,
)

from . import cleaning, sheets
from .monitoring import rules_over
from .rosters import Roster

COLUMNS = {
    # key: (header, synonyms)
    "place_code": (
        "行政区划代码",
        ("区划代码", "统计用区划代码", "地区代码", "村代码", "乡镇代码", "受灾地代码"),
    ),
    "township": ("乡镇", ("乡镇（街道）", "乡（镇）", "乡镇街道", "受灾乡镇", "所属乡镇")),
    "village": ("村", ("行政村", "村（社区）", "受灾村", "村名", "村庄")),
    "kind": ("灾害种类", ("灾害类型", "灾种", "灾害类别", "灾情类型")),
    "day": ("发生日期", ("灾害发生日期", "受灾日期", "发生时间", "成灾日期", "日期")),
    "severity": ("灾害等级", ("灾情等级", "等级", "严重程度", "响应等级")),
    "note": ("备注", ("灾情描述", "受灾情况", "损失情况")),
}

# The words the bureaus' sheets use for each kind, beside our code and label.
KIND_WORDS = {
    DisasterKind.FLOOD: ("洪涝", "洪水", "洪灾", "暴雨", "内涝", "水灾", "洪涝灾害"),
    DisasterKind.DROUGHT: ("干旱", "旱灾", "旱情"),
    DisasterKind.HAIL: ("冰雹", "霜冻", "冰冻", "雹灾", "冰雹霜冻", "低温冷冻", "低温冷冻和雪灾"),
    DisasterKind.GEOLOGICAL: ("滑坡", "泥石流", "崩塌", "地质灾害", "山体滑坡"),
    DisasterKind.EARTHQUAKE: ("地震", "地震灾害"),
    DisasterKind.PEST: ("病虫害", "农作物病虫害", "动物疫病", "疫病", "虫灾"),
    DisasterKind.OTHER: ("其他", "其它", "其他灾害"),
}
# Severity as the bureaus write it: our 1–4 (一般…特别重大), or the national response
# levels, where Ⅰ级 (一级) is the gravest.
SEVERITY_WORDS = {
    Severity.ORDINARY: ("一般", "Ⅳ级", "IV级", "四级"),
    Severity.LARGE: ("较大", "Ⅲ级", "III级", "三级"),
    Severity.MAJOR: ("重大", "Ⅱ级", "II级", "二级"),
    Severity.EXTREME: ("特别重大", "Ⅰ级", "I级", "一级"),
}


def _word(raw: Any, table: dict, labels, refusal: str) -> Any:
    """The value ``raw`` names: a word of ``table``, our code, or its label in the language
    of the job (the sheet may be typed from our template's notes)."""
    known = {cleaning.key(word): value for value, words in table.items() for word in words}
    for value, label in labels:
        known.setdefault(cleaning.key(str(value)), value)
        known.setdefault(cleaning.key(str(label)), value)
    found = known.get(cleaning.code_value(raw))
    if found is None:
        raise cleaning.CellError(refusal % {"value": raw})
    return found


def disaster_kind(raw: Any) -> str:
    if cleaning.is_blank(raw):
        return ""
    return str(
        _word(
            raw,
            KIND_WORDS,
            DisasterKind.choices,
            _(
                "“%(value)s” is not a kind of disaster; write 洪涝, 干旱, 冰雹, 滑坡, 地震, "
                "病虫害 or 其他."
            ),
        )
    )


def severity(raw: Any) -> int | None:
    if cleaning.is_blank(raw):
        return None
    return int(
        _word(
            raw,
            SEVERITY_WORDS,
            Severity.choices,
            _("“%(value)s” is not a severity; write 1 to 4, or 一般, 较大, 重大 or 特别重大."),
        )
    )


CLEAN = {
    "place_code": lambda raw: cleaning.digits(raw, what=_("place code")),
    "township": cleaning.text,
    "village": cleaning.text,
    "kind": disaster_kind,
    "day": cleaning.date,
    "severity": severity,
    "note": cleaning.text,
}
REQUIRED = ("kind", "day", "severity")


def _missing(header: sheets.Header) -> list[str]:
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in header.positions]
    if not {"place_code", "township", "village"} & set(header.positions):
        missing.append(f"{COLUMNS['place_code'][0]} / {COLUMNS['township'][0]}")
    return missing


def _row(values: dict[str, Any]) -> DisasterRow:
    return DisasterRow(
        kind=values["kind"],
        day=values["day"],
        severity=values["severity"],
        place_code=values.get("place_code", ""),
        township=values.get("township", ""),
        village=values.get("village", ""),
        note=values.get("note", ""),
    )


def _counts(result: DisastersImport) -> dict[str, Any]:
    return {
        "disasters": {"new": result.new, "changed": result.changed, "unchanged": result.unchanged}
    }


def _rules_over_places(result: DisastersImport) -> None:
    """The early-warning rules over the households of the places written, as the system."""
    rules_over(households_of_places(result.places))


ROSTER = Roster(
    columns=COLUMNS,
    clean=CLEAN,
    missing=_missing,
    no_header=gettext_lazy("No sheet has a header row with 灾害种类, 发生日期 and 灾害等级."),
    make_row=_row,
    capability=Capability.MONITORING_COUNTY,
    write=disasters_import,
    counts=_counts,
    required=REQUIRED,
    fallback="place_code",
    then=_rules_over_places,
)
