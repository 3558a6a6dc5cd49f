"""The health bureau's sheets (卫健局数据): family-doctor contracts (家庭医生签约), check-ups
(健康体检) and follow-ups (随访), keyed by ID number (``keyed``) and written by
``health.bulk``.

Each sheet names the person by ID number; a 姓名 column may stand beside it (it helps find
the header, and people read it), but the number alone matches. Codes (service package,
findings, illness) may be written as the code or as its name in the list.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.capabilities import Capability
from bangfu.health.bulk import FollowUpRow, checkups_apply, contracts_apply, follow_ups_apply
from bangfu.health.models import FollowUpKind
from bangfu.health.services import CheckUpInput, ContractInput, FollowUpInput

from . import cleaning
from .keyed import KeyedSheet

PERSON = {
    # key: (header, synonyms)
    "id_number": ("身份证号", ("身份证号码", "公民身份号码", "证件号码", "居民身份证号码")),
    "name": ("姓名", ("居民姓名", "签约居民姓名", "患者姓名", "体检人姓名")),
}
PERSON_CLEAN = {"id_number": cleaning.id_number, "name": cleaning.name}

# Words a check-up's findings column holds when nothing was found.
NOTHING_FOUND = frozenset({"正常", "未见异常", "无", "无异常", "-", "/"})


def findings(raw: Any) -> list[str]:
    return [value for value in cleaning.several(raw) if value not in NOTHING_FOUND]


FOLLOW_UP_KINDS = {
    FollowUpKind.HOME: ("入户", "入户随访", "上门", "上门随访", "家访", "home"),
    FollowUpKind.PHONE: ("电话", "电话随访", "phone"),
    FollowUpKind.CLINIC: ("门诊", "门诊随访", "到院", "诊室", "clinic"),
}
_KINDS = {cleaning.key(word): kind for kind, words in FOLLOW_UP_KINDS.items() for word in words}


def follow_up_kind(raw: Any) -> str:
    if cleaning.is_blank(raw):
        return ""
    kind = _KINDS.get(cleaning.key(raw))
    if kind is None:
        raise cleaning.CellError(
            _("“%(value)s” is not a way of following up; write 入户, 电话 or 门诊.")
            % {"value": raw}
        )
    return kind


def _day_key(member: int, day) -> int:
    # One int a record (a million rows are kept as their keys): the day's ordinal is
    # below 2**20 until the year 2870.
    return member << 20 | day.toordinal()


CONTRACTS = KeyedSheet(
    columns={
        **PERSON,
        "doctor": ("家庭医生", ("签约医生", "责任医生", "医生姓名", "签约医生姓名")),
        "institution": ("签约机构", ("签约医疗机构", "医疗机构", "机构名称", "签约单位")),
        "package": ("服务包", ("签约服务包", "服务包类型", "签约类型")),
        "signed_on": ("签约日期", ("签约时间",)),
        "valid_until": ("有效期至", ("协议截止日期", "到期日期", "服务截止日期", "有效期止")),
    },
    clean={
        **PERSON_CLEAN,
        "doctor": cleaning.text,
        "institution": cleaning.text,
        "package": cleaning.code_value,
        "signed_on": cleaning.date,
        "valid_until": cleaning.date,
    },
    codes={"package": "doctor_package"},
    required=("id_number", "doctor", "institution", "package", "signed_on", "valid_until"),
    no_header=gettext_lazy("No sheet has a header row with 身份证号, 家庭医生 and 签约日期."),
    capability=Capability.RECORD_HEALTH,
    make_row=lambda v: ContractInput(
        doctor=v["doctor"],
        institution=v["institution"],
        package=v["package"],
        signed_on=v["signed_on"],
        valid_until=v["valid_until"],
    ),
    natural_key=lambda member, row: _day_key(member, row.signed_on),
    repeated=gettext_lazy("this person's contract signed on the same day"),
    apply=contracts_apply,
)

CHECKUPS = KeyedSheet(
    columns={
        **PERSON,
        "held_on": ("体检日期", ("体检时间",)),
        "institution": ("体检机构", ("体检医疗机构", "医疗机构", "机构名称")),
        "summary": ("体检结论", ("体检结果", "结果摘要", "健康评价")),
        "findings": ("异常发现", ("主要发现", "异常情况", "发现疾病", "检出疾病")),
    },
    clean={
        **PERSON_CLEAN,
        "held_on": cleaning.date,
        "institution": cleaning.text,
        "summary": cleaning.text,
        "findings": findings,
    },
    codes={"findings": "checkup_finding"},
    required=("id_number", "held_on", "institution"),
    no_header=gettext_lazy("No sheet has a header row with 身份证号, 体检日期 and 体检机构."),
    capability=Capability.RECORD_HEALTH,
    make_row=lambda v: CheckUpInput(
        held_on=v["held_on"],
        institution=v["institution"],
        summary=v.get("summary", ""),
        findings=v.get("findings", []),
    ),
    natural_key=lambda member, row: _day_key(member, row.held_on),
    repeated=gettext_lazy("this person's check-up on the same day"),
    apply=checkups_apply,
)

FOLLOW_UPS = KeyedSheet(
    columns={
        **PERSON,
        "illness": ("疾病名称", ("随访疾病", "病种", "慢病类型", "疾病类型")),
        "held_on": ("随访日期", ("随访时间",)),
        "by": ("随访医生", ("随访人", "随访人员", "随访责任人")),
        "kind": ("随访方式", ("方式",)),
        "findings": ("随访情况", ("随访结果", "随访发现")),
        "next_due": ("下次随访日期", ("下次随访时间",)),
    },
    clean={
        **PERSON_CLEAN,
        "illness": cleaning.code_value,
        "held_on": cleaning.date,
        "by": cleaning.text,
        "kind": follow_up_kind,
        "findings": cleaning.text,
        "next_due": cleaning.date,
    },
    codes={"illness": "illness"},
    required=("id_number", "illness", "held_on", "by", "kind"),
    no_header=gettext_lazy("No sheet has a header row with 身份证号, 疾病名称 and 随访日期."),
    capability=Capability.RECORD_HEALTH,
    make_row=lambda v: FollowUpRow(
        illness=v["illness"],
        follow_up=FollowUpInput(
            held_on=v["held_on"],
            by=v["by"],
            kind=v["kind"],
            findings=v.get("findings", ""),
            next_due=v.get("next_due"),
        ),
    ),
    natural_key=lambda member, row: (member, row.illness, row.follow_up.held_on),
    repeated=gettext_lazy("this person's follow-up of the same illness on the same day"),
    apply=follow_ups_apply,
)
