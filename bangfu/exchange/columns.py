"""The columns of a household sheet (贫困户及家庭成员信息), as the national system exports them.

One row per person; the household's own columns are repeated on every row of the
household (or given on the head's row only). The header is the national system's column
name; the synonyms are the names offices' own sheets use, and an administrator adds more
(``HeaderSynonym``). Export writes the headers below and import reads them back, so a file
exported from bangfu imports with no change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import cleaning

HOUSEHOLD, MEMBER, PLACE = "household", "member", "place"


@dataclass(frozen=True)
class Column:
    key: str  # the registry's name for the value
    header: str  # the national system's column name: data, not UI text
    synonyms: tuple[str, ...]
    level: str  # HOUSEHOLD, MEMBER or PLACE
    clean: Callable[[Any], Any]
    note: str | Promise
    code_kind: str = ""  # values from this code list, by code or by label
    several: bool = False  # several codes in one cell
    required: bool = False


def _code(raw: Any) -> str:
    return cleaning.code_value(raw)


def _household_number(raw: Any) -> str:
    return cleaning.digits(raw, what=_("household number"))


def _phone(raw: Any) -> str:
    return cleaning.digits(raw, what=_("phone number"))


def _bank_account(raw: Any) -> str | None:
    # An exported file shows the account masked (6217********1234): that keeps the one on
    # record; an empty cell keeps it too, as on the form.
    if cleaning.is_blank(raw) or "*" in str(raw):
        return None
    return cleaning.digits(raw, what=_("bank account"))


def _id_number(raw: Any) -> str:
    return cleaning.id_number(raw)


def _sex(raw: Any) -> str:
    value = cleaning.code_value(raw)
    sexes = {"男": "1", "1": "1", "女": "2", "2": "2", "": ""}
    if value not in sexes:
        raise cleaning.CellError(_("“%(value)s”: write 男 or 女.") % {"value": raw})
    return sexes[value]


def _status(raw: Any) -> str:
    from .households import status_of

    return status_of(raw)


def _danger(raw: Any) -> str:
    # Matched as coded values are: half-width, simplified (無 → 无, 級 → 级).
    value = cleaning.key(raw).upper().removesuffix("级") if not cleaning.is_blank(raw) else ""
    if value in ("", "无", "否", "非危房"):
        return ""
    if value not in ("A", "B", "C", "D"):
        raise cleaning.CellError(_("“%(value)s”: write A, B, C, D or 无.") % {"value": raw})
    return value


def _toilet(raw: Any) -> str:
    value = cleaning.key(raw) if not cleaning.is_blank(raw) else ""
    toilets = {
        "": "",
        "无": "none",
        "旱厕": "dry",
        "卫生厕所": "sanitary",
        "无害化卫生厕所": "sanitary",
    }
    if value not in toilets:
        raise cleaning.CellError(_("“%(value)s”: write 无, 旱厕 or 卫生厕所.") % {"value": raw})
    return toilets[value]


COLUMNS: tuple[Column, ...] = (
    Column(
        "number",
        "户编号",
        ("户编码", "家庭编号", "户码", "户号"),
        HOUSEHOLD,
        _household_number,
        _("The household's number in the national system; the key rows are matched by."),
        required=True,
    ),
    Column(
        "region_code",
        "行政区划代码",
        ("区划代码", "村代码", "所在地代码"),
        PLACE,
        cleaning.squeezed,
        _("The 12-digit code of the village or group; or leave it empty and give the names."),
    ),
    Column(
        "county",
        "县（市、区）",
        ("县", "县区", "区县", "县(市、区)"),
        PLACE,
        cleaning.squeezed,
        _("County name; needed only where village names repeat across counties."),
    ),
    Column(
        "township",
        "乡（镇）",
        ("乡镇", "乡镇(街道)", "乡镇（街道）", "街道", "乡(镇)"),
        PLACE,
        cleaning.squeezed,
        _("Township or street name."),
    ),
    Column(
        "village",
        "行政村",
        ("村", "村名", "所在村", "村(社区)", "村（社区）"),
        PLACE,
        cleaning.squeezed,
        _("Village name."),
    ),
    Column(
        "group",
        "村民小组",
        ("组", "小组", "村组"),
        PLACE,
        cleaning.squeezed,
        _("Village group, if the household is registered at a group."),
    ),
    Column(
        "address",
        "家庭住址",
        ("住址", "详细地址", "家庭地址"),
        HOUSEHOLD,
        cleaning.text,
        _("Address."),
    ),
    Column(
        "phone",
        "联系电话",
        ("电话", "手机号码", "联系方式", "手机号"),
        HOUSEHOLD,
        _phone,
        _("Phone number, as text."),
    ),
    Column(
        "attribute",
        "户属性",
        ("贫困户属性", "家庭属性"),
        HOUSEHOLD,
        _code,
        _("Household attribute."),
        code_kind="household_attribute",
        required=True,
    ),
    Column(
        "standard",
        "识别标准",
        ("贫困户识别标准",),
        HOUSEHOLD,
        _code,
        _("Identification standard."),
        code_kind="identification_standard",
        required=True,
    ),
    Column(
        "main_cause",
        "主要致贫原因",
        ("致贫原因",),
        HOUSEHOLD,
        _code,
        _("Main poverty cause."),
        code_kind="poverty_cause",
        required=True,
    ),
    Column(
        "other_causes",
        "其他致贫原因",
        ("次要致贫原因",),
        HOUSEHOLD,
        cleaning.several,
        _("Other poverty causes, separated by 、"),
        code_kind="poverty_cause",
        several=True,
    ),
    Column(
        "year_identified",
        "识别年度",
        ("建档立卡年度", "纳入年度", "识别时间"),
        HOUSEHOLD,
        cleaning.year,
        _("Year the household was identified."),
        required=True,
    ),
    Column(
        "planned_exit_year",
        "计划脱贫年度",
        ("预计脱贫年度",),
        HOUSEHOLD,
        cleaning.year,
        _("Planned exit year."),
    ),
    Column(
        "status",
        "脱贫状态",
        ("贫困户状态", "户状态", "状态"),
        HOUSEHOLD,
        _status,
        _(
            "Status: 未脱贫, 已脱贫（享受政策）, 已脱贫（不享受政策）, 返贫, "
            "监测对象 or 风险已消除."
        ),
        required=True,
    ),
    Column(
        "monitoring_type",
        "监测对象类别",
        ("监测类型", "监测对象类型"),
        HOUSEHOLD,
        _code,
        _("For monitored households: the type."),
        code_kind="monitoring_type",
    ),
    Column(
        "risk_types",
        "风险类型",
        ("返贫致贫风险", "风险类别", "致贫返贫风险"),
        HOUSEHOLD,
        cleaning.several,
        _("For monitored households: risk types, separated by 、"),
        code_kind="risk_type",
        several=True,
    ),
    Column("bank_name", "开户银行", ("银行名称", "开户行"), HOUSEHOLD, cleaning.text, _("Bank.")),
    Column(
        "bank_account",
        "银行账号",
        ("账号", "银行卡号", "开户账号"),
        HOUSEHOLD,
        _bank_account,
        _("Bank account, as text; a masked or empty cell keeps the account on record."),
    ),
    Column(
        "land_area_mu",
        "耕地面积（亩）",
        ("耕地面积", "耕地面积(亩)"),
        HOUSEHOLD,
        cleaning.decimal,
        _("Cultivated land in mu."),
    ),
    Column(
        "housing_area",
        "住房面积（平方米）",
        ("住房面积", "住房面积(平方米)"),
        HOUSEHOLD,
        cleaning.decimal,
        _("Housing area in square metres."),
    ),
    Column(
        "housing_structure",
        "住房结构",
        ("房屋结构",),
        HOUSEHOLD,
        cleaning.text,
        _("Housing structure."),
    ),
    Column(
        "danger_grade",
        "危房等级",
        ("危房级别",),
        HOUSEHOLD,
        _danger,
        _("Dangerous-housing grade: A, B, C, D or 无."),
    ),
    Column(
        "water_difficulty",
        "饮水是否困难",
        ("是否饮水困难",),
        HOUSEHOLD,
        cleaning.yes_no,
        _("是 or 否."),
    ),
    Column(
        "water_safe", "饮水是否安全", ("是否饮水安全",), HOUSEHOLD, cleaning.yes_no, _("是 or 否.")
    ),
    Column(
        "has_power",
        "是否通生活用电",
        ("是否通电", "通生活用电"),
        HOUSEHOLD,
        cleaning.yes_no,
        _("是 or 否."),
    ),
    Column(
        "toilet", "厕所类型", ("厕所", "卫生厕所"), HOUSEHOLD, _toilet, _("无, 旱厕 or 卫生厕所.")
    ),
    Column(
        "road_distance_km",
        "与村主干路距离（公里）",
        ("与主干路距离", "距村主干路距离（公里）", "与村主干路距离"),
        HOUSEHOLD,
        cleaning.decimal,
        _("Distance to a hardened road in km."),
    ),
    Column("latitude", "纬度", (), HOUSEHOLD, cleaning.decimal, _("Latitude, optional.")),
    Column("longitude", "经度", (), HOUSEHOLD, cleaning.decimal, _("Longitude, optional.")),
    Column(
        "name",
        "姓名",
        ("成员姓名", "家庭成员姓名"),
        MEMBER,
        cleaning.name,
        _("Name, exactly as on the ID card."),
        required=True,
    ),
    Column(
        "id_number",
        "证件号码",
        ("身份证号码", "身份证号", "公民身份号码", "证件号"),
        MEMBER,
        _id_number,
        _("18-character ID number. Format the column as text before typing."),
        required=True,
    ),
    Column("sex", "性别", (), MEMBER, _sex, _("男 or 女; must agree with the ID number.")),
    Column(
        "birth_date",
        "出生日期",
        ("出生年月",),
        MEMBER,
        cleaning.date,
        _("Birth date; must agree with the ID number."),
    ),
    Column(
        "relation",
        "与户主关系",
        ("与户主的关系", "家庭关系"),
        MEMBER,
        _code,
        _("Relation to the head; one 户主 per household."),
        code_kind="relation",
        required=True,
    ),
    Column(
        "ethnicity",
        "民族",
        (),
        MEMBER,
        _code,
        _("Ethnic group."),
        code_kind="ethnicity",
        required=True,
    ),
    Column(
        "education", "文化程度", ("学历",), MEMBER, _code, _("Education."), code_kind="education"
    ),
    Column(
        "schooling",
        "在校生状况",
        ("在校生情况", "在校情况"),
        MEMBER,
        _code,
        _("Schooling."),
        code_kind="schooling",
    ),
    Column(
        "health",
        "健康状况",
        ("健康情况",),
        MEMBER,
        _code,
        _("Health."),
        code_kind="health",
        required=True,
    ),
    Column(
        "disability",
        "残疾情况",
        ("残疾类别", "残疾等级"),
        MEMBER,
        cleaning.text,
        _("Disability, as on the disability certificate."),
    ),
    Column(
        "labour",
        "劳动技能",
        ("劳动能力",),
        MEMBER,
        _code,
        _("Labour ability."),
        code_kind="labour",
        required=True,
    ),
    Column("work_status", "务工状况", ("务工情况",), MEMBER, cleaning.text, _("Work status.")),
    Column("dibao", "是否享受低保", ("享受低保", "低保"), MEMBER, cleaning.yes_no, _("是 or 否.")),
    Column(
        "medical_insurance",
        "是否参加城乡居民基本医疗保险",
        ("参加医疗保险", "是否参加医疗保险", "医疗保险"),
        MEMBER,
        cleaning.yes_no,
        _("是 or 否."),
    ),
    Column(
        "pension_insurance",
        "是否参加城乡居民基本养老保险",
        ("参加养老保险", "是否参加养老保险", "养老保险"),
        MEMBER,
        cleaning.yes_no,
        _("是 or 否."),
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}
