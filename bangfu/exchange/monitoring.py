"""Departments' sheets for the early-warning rules (部门数据): 医保's medical costs per person
and year (into ``health.MedicalCost``), 民政's 低保/特困 entries and exits, 教育's pupils out of
school, 残联's new disability certificates, 住建's unsafe housing and 人社's jobs lost (into
``monitoring.MemberEvent``), each keyed by ID number (``keyed``). Once a sheet is committed,
the rules run over the households it touched (``then``)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from bangfu.core.capabilities import Capability
from bangfu.health.bulk import costs_apply
from bangfu.health.services import CostInput
from bangfu.monitoring.models import EventKind, RuleRun
from bangfu.monitoring.services import rules_run
from bangfu.monitoring.services.department_data import EventInput, day_key, events_apply

from . import cleaning
from .health import PERSON, PERSON_CLEAN
from .keyed import KeyedSheet
from .models import ImportKind


def rules_over(households: set[int]) -> None:
    """The early-warning rules over the households a sheet wrote, as the system."""
    if households:
        rules_run(on=timezone.localdate(), households=households, trigger=RuleRun.Trigger.IMPORT)


COSTS = KeyedSheet(
    columns={
        **PERSON,
        "year": ("年度", ("年份", "结算年度", "费用年度")),
        "total": ("医疗总费用", ("总费用", "医疗费用总额", "费用总额")),
        "reimbursed": ("报销金额", ("报销费用", "合计报销", "医保报销金额", "已报销")),
        "note": ("备注", ()),
    },
    clean={
        **PERSON_CLEAN,
        "year": cleaning.year,
        "total": cleaning.decimal,
        "reimbursed": cleaning.decimal,
        "note": cleaning.text,
    },
    codes={},
    required=("id_number", "year", "total", "reimbursed"),
    no_header=gettext_lazy("No sheet has a header row with 身份证号, 年度 and 医疗总费用."),
    capability=Capability.RECORD_HEALTH,
    make_row=lambda v: CostInput(
        year=v["year"], total=v["total"], reimbursed=v["reimbursed"], note=v.get("note", "")
    ),
    natural_key=lambda member, row: (member, row.year),
    repeated=gettext_lazy("this person's costs of the same year"),
    apply=costs_apply,
    then=rules_over,
)


def _events(kind: str, day: tuple, extra: dict, required: tuple, no_header, repeated):
    columns = {**PERSON, "day": day, **{key: spec for key, (spec, _clean) in extra.items()}}
    return KeyedSheet(
        columns=columns,
        clean={
            **PERSON_CLEAN,
            "day": cleaning.date,
            **{key: clean for key, (_spec, clean) in extra.items()},
        },
        codes={},
        required=("id_number", "day", *required),
        no_header=no_header,
        capability=Capability.MONITORING_COUNTY,
        make_row=lambda v: EventInput(
            day=v["day"],
            until=v.get("until"),
            grade=v.get("grade", ""),
            detail=v.get("detail", ""),
        ),
        natural_key=lambda member, row: day_key(member, row.day),
        repeated=repeated,
        apply=events_apply(kind),
        then=rules_over,
    )


SHEETS: dict[str, KeyedSheet] = {
    ImportKind.MEDICAL_COSTS: COSTS,
    ImportKind.ASSISTANCE: _events(
        EventKind.ASSISTANCE,
        ("纳入日期", ("纳入时间", "享受起始日期", "开始享受日期")),
        {
            "grade": (("救助类别", ("保障类别", "类别", "救助类型")), cleaning.text),
            "until": (("退出日期", ("退出时间", "停保日期")), cleaning.date),
        },
        ("grade",),
        gettext_lazy("No sheet has a header row with 身份证号, 纳入日期 and 救助类别."),
        gettext_lazy("this person's support entered on the same day"),
    ),
    ImportKind.OUT_OF_SCHOOL: _events(
        EventKind.OUT_OF_SCHOOL,
        ("辍学日期", ("失学日期", "离校日期")),
        {"detail": (("辍学原因", ("原因", "失学原因")), cleaning.text)},
        (),
        gettext_lazy("No sheet has a header row with 身份证号 and 辍学日期."),
        gettext_lazy("this pupil out of school on the same day"),
    ),
    ImportKind.DISABILITY: _events(
        EventKind.DISABILITY,
        ("发证日期", ("办证日期", "持证日期", "首次发证日期")),
        {"grade": (("残疾等级", ("等级", "残疾级别")), cleaning.text)},
        (),
        gettext_lazy("No sheet has a header row with 身份证号 and 发证日期."),
        gettext_lazy("this person's certificate issued on the same day"),
    ),
    ImportKind.UNSAFE_HOUSING: _events(
        EventKind.UNSAFE_HOUSING,
        ("鉴定日期", ("评定日期", "认定日期")),
        {"grade": (("危房等级", ("鉴定等级", "等级")), cleaning.text)},
        ("grade",),
        gettext_lazy("No sheet has a header row with 身份证号, 鉴定日期 and 危房等级."),
        gettext_lazy("this household's housing classed on the same day"),
    ),
    ImportKind.JOB_LOSS: _events(
        EventKind.JOB_LOSS,
        ("失业日期", ("失业登记日期", "离职日期")),
        {},
        (),
        gettext_lazy("No sheet has a header row with 身份证号 and 失业日期."),
        gettext_lazy("this person's job lost on the same day"),
    ),
}
