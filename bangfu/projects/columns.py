"""The columns of the county's project sheets (项目库、资金台账): their headers and the
synonyms offices' sheets use, read by the exchange's import (``exchange.projects``) and
written by the library's exports (``projects.views.sheets``), so an export imports again.
Headers are the sheets' own words: data, not UI text."""

from bangfu.core.codes import KINDS

from .models import EntryKind

# The sources of funds as the sheet's columns, in the list's order: the seeded entries (a
# source added later is a column once added here).
FUND_SOURCES: tuple[tuple[str, str], ...] = tuple(
    (value, label) for value, label, *_rest in KINDS["fund_source"].seed
)


def fund_column(value: str) -> str:
    return f"fund_{value}"


PLACE_COLUMNS = {
    "region_code": ("行政区划代码", ("区划代码", "实施地点代码", "地点代码")),
    "county": ("县（市、区）", ("县", "县区", "区县", "县(市、区)")),
    "township": ("乡镇（街道）", ("乡镇", "乡（镇）", "乡镇(街道)", "镇（街道）")),
    "village": ("行政村", ("村", "村名", "村（社区）", "村(社区)")),
}
NUMBER = {"number": ("项目编号", ("项目编码", "项目代码", "编号", "项目库编号"))}

PROJECT_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    **NUMBER,
    "name": ("项目名称", ("名称",)),
    "kind": ("项目类型", ("项目类别", "项目种类", "类别")),
    **PLACE_COLUMNS,
    "year": ("年度", ("项目年度", "实施年度", "年份", "入库年度")),
    "responsible_unit": ("责任单位", ("实施单位", "项目责任单位", "主管单位", "项目主管单位")),
    "description": ("建设内容", ("建设内容及规模", "项目内容", "主要内容")),
    **{
        fund_column(value): (f"{label}（元）", (label, f"{label}资金", f"{label}资金（元）"))
        for value, label in FUND_SOURCES
    },
}

FUND_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    **NUMBER,
    "name": ("项目名称", ("名称",)),
    "kind": ("类型", ("下达/拨付", "资金类型", "业务类型", "收支类型")),
    "source": ("资金来源", ("来源", "资金性质")),
    "amount": ("金额（元）", ("金额", "金额(元)", "发生额")),
    "day": ("日期", ("下达日期", "拨付日期", "记账日期", "凭证日期")),
    "voucher": ("凭证号", ("凭证编号", "凭证号码", "文号")),
    "note": ("备注", ("摘要",)),
}

# The finance sheet's words for the kinds of entry; an export writes the first.
ENTRY_WORDS = {
    EntryKind.ALLOCATION: ("下达", "资金下达", "指标下达", "拨入", "allocation"),
    EntryKind.PAYMENT: ("拨付", "报账", "支出", "资金拨付", "拨付报账", "payment"),
}


def entry_word(kind: str) -> str:
    return ENTRY_WORDS[EntryKind(kind)][0]
