"""Health records of county A, counted by hand, for the health tests, the route walk and the
fuzz (dates fixed, all before 2026-11-30).

马家寨村 (611103002201), household 6111030022019101:
  马建国 (head)  contract 2025, renewed for 2026; check-up 2026-03-01  counted, checked
  王秀英         contract 2025 only (lapsed); no check-up             counted
  马小军         work status 外出务工                                  left out (away for work)
  马小红         check-up 2025-12-31 (last year)                      counted
康西村 (611103002202), household 6111030022029101, whose rule (from 2026) counts those
away for work:
  李四 (head)    check-up 2026-01-01                                  counted, checked
  李五           left the household on 2026-06-01                     not counted in 2026
  李六           work status 省外务工, check-up 2026-11-30              counted, checked
2026 under 钓台街道: 3 checked of 5 counted (60.0%), 1 left out.

Illnesses and follow-ups (a follow-up due on a day is overdue from the next):
  马建国  高血压 since 2020-05-01; followed up 2026-08-31 at home, next due 2026-10-31
  王秀英  恶性肿瘤 (serious) since 2026-02-28; never followed up: due 2026-02-28
  李四    2型糖尿病 since 2024-01-01; followed up 2026-11-30 by phone, next due 2027-02-28
  李五    高血压 since 2025-01-01; never followed up; left on 2026-06-01
On 2026-11-30 under 钓台街道: overdue 王秀英 (since 02-28), 马建国 (since 10-31).

Large medical costs: 王秀英 in 2026, 56,000.00 yuan, 42,000.00 reimbursed (75.0%).

Activities: a free clinic in 马家寨村 on 2026-10-15 (86 served), a health-bus visit to
康西村 on 2026-11-05 (40 served).
"""

import datetime
import uuid

from bangfu.core.services import policy_set
from bangfu.health.services import (
    ActivityInput,
    CheckUpInput,
    ConditionInput,
    ContractInput,
    CostInput,
    FollowUpInput,
    activity_record,
    checkup_record,
    condition_record,
    contract_sign,
    follow_up_record,
    medical_cost_record,
)
from bangfu.registry.services import household_register, member_leave
from tests.registry.conftest import first_status, household_input, id_number, member_input

MAJIAZHAI, KANGXI, DIAOTAI = "611103002201", "611103002202", "611103002000"
D = datetime.date


def _household(actor, number, place, people):
    household = household_register(
        actor=actor,
        household=household_input(number=number, region_code=place),
        members=[
            member_input(
                name=name,
                id_number=id_number(birth, serial),
                relation=relation,
                work_status=work,
            )
            for name, birth, serial, relation, work in people
        ],
        status=first_status(),
    )
    return {m.name: m for m in household.members.all()}, household


def contract(actor, member, signed_on, valid_until, **overrides):
    data = {
        "doctor": "张医生",
        "institution": "钓台街道卫生院",
        "package": "1",
        "signed_on": signed_on,
        "valid_until": valid_until,
    }
    data.update(overrides)
    return contract_sign(actor=actor, member_id=member.pk, contract=ContractInput(**data))


def checkup(actor, member, held_on, findings=(), **overrides):
    data = {
        "held_on": held_on,
        "institution": "钓台街道卫生院",
        "summary": "",
        "findings": list(findings),
    }
    data.update(overrides)
    return checkup_record(actor=actor, member_id=member.pk, checkup=CheckUpInput(**data))


def condition(actor, member, illness, kind, diagnosed_on):
    return condition_record(
        actor=actor,
        member_id=member.pk,
        condition=ConditionInput(illness=illness, kind=kind, diagnosed_on=diagnosed_on),
    )


def follow_up(actor, condition, held_on, kind, next_due, **overrides):
    data = {
        "held_on": held_on,
        "by": "张医生",
        "kind": kind,
        "findings": "血压控制尚可",
        "next_due": next_due,
    }
    data.update(overrides)
    return follow_up_record(actor=actor, condition_id=condition.pk, follow_up=FollowUpInput(**data))


def health_world(county_admin) -> dict:
    ma, ma_household = _household(
        county_admin,
        "6111030022019101",
        MAJIAZHAI,
        [
            ("马建国", "19650312", "901", "01", ""),
            ("王秀英", "19670508", "902", "02", ""),
            ("马小军", "19900101", "903", "03", "外出务工"),
            ("马小红", "19920202", "904", "04", ""),
        ],
    )
    li, li_household = _household(
        county_admin,
        "6111030022029101",
        KANGXI,
        [
            ("李四", "19600101", "905", "01", ""),
            ("李五", "19880808", "906", "03", ""),
            ("李六", "19900909", "907", "03", "省外务工"),
        ],
    )
    policy_set(
        actor=county_admin,
        region_code=KANGXI,
        key="health.checkup_excludes_away_for_work",
        value=False,
        valid_from=D(2026, 1, 1),
    )
    old = contract(county_admin, ma["马建国"], D(2025, 1, 1), D(2025, 12, 31))
    renewal = contract(county_admin, ma["马建国"], D(2026, 1, 1), D(2026, 12, 31), package="2")
    contract(county_admin, ma["王秀英"], D(2025, 1, 1), D(2025, 12, 31))
    head_checkup = checkup(
        county_admin, ma["马建国"], D(2026, 3, 1), ["1", "2"], summary="血压偏高"
    )
    checkup(county_admin, ma["马小红"], D(2025, 12, 31))
    checkup(county_admin, li["李四"], D(2026, 1, 1))
    checkup(county_admin, li["李六"], D(2026, 11, 30))
    hypertension = condition(county_admin, ma["马建国"], "1", "chronic", D(2020, 5, 1))
    follow_up(county_admin, hypertension, D(2026, 8, 31), "home", D(2026, 10, 31))
    condition(county_admin, ma["王秀英"], "8", "serious", D(2026, 2, 28))
    diabetes = condition(county_admin, li["李四"], "2", "chronic", D(2024, 1, 1))
    follow_up(county_admin, diabetes, D(2026, 11, 30), "phone", D(2027, 2, 28))
    condition(county_admin, li["李五"], "1", "chronic", D(2025, 1, 1))
    cost = medical_cost_record(
        actor=county_admin,
        member_id=ma["王秀英"].pk,
        cost=CostInput(year=2026, total="56000", reimbursed="42000", note="住院化疗"),
    )
    free_clinic = activity_record(
        actor=county_admin,
        activity=ActivityInput(MAJIAZHAI, "free_clinic", D(2026, 10, 15), "区人民医院", 86),
    )
    activity_record(
        actor=county_admin,
        activity=ActivityInput(KANGXI, "health_bus", D(2026, 11, 5), "钓台街道卫生院", 40),
    )
    member_leave(actor=county_admin, member_id=li["李五"].pk, left_on=D(2026, 6, 1), reason="出嫁")
    return {
        "health_members": {**ma, **li},
        "health_household": ma_household,
        "health_other_household": li_household,
        "health_member": ma["马建国"],
        "old_contract": old,
        "renewal": renewal,
        "head_checkup": head_checkup,
        "hypertension": hypertension,
        "medical_cost": cost,
        "free_clinic": free_clinic,
    }


def health_aims(world, aim) -> dict:
    """For each health API operation, a valid request aimed at ``world``'s records (``aim``
    is the fuzz's ``Aim``): the starting point a fuzzed field departs from."""
    from django.utils import timezone

    today = timezone.localdate()
    member = {"member_id": world["health_member"].pk}
    return {
        "member_health": lambda n: aim(member, {}, None),
        "contract_sign": lambda n: aim(
            member,
            {},
            {
                "doctor": "张医生",
                "institution": "钓台街道卫生院",
                "package": "1",
                "signed_on": today.isoformat(),
                "valid_until": today.replace(year=today.year + 1).isoformat(),
            },
        ),
        "checkup_record": lambda n: aim(
            member,
            {},
            {
                "held_on": today.isoformat(),
                "institution": "钓台街道卫生院",
                "summary": "",
                "findings": ["1"],
            },
        ),
        "uncontracted_list": lambda n: aim(
            {}, {"place": MAJIAZHAI, "day": today.isoformat(), "page": 1}, None
        ),
        "checkup_rate": lambda n: aim({}, {"place": DIAOTAI, "year": str(today.year)}, None),
        "condition_record": lambda n: aim(
            member,
            {},
            {"illness": "1", "kind": "chronic", "diagnosed_on": "2020-05-01", "note": ""},
        ),
        "follow_up_record": lambda n: aim(
            {"condition_id": world["hypertension"].pk},
            {},
            {
                "client_id": str(uuid.UUID(int=3 * 10**6 + n)),
                "held_on": today.isoformat(),
                "by": "张医生",
                "kind": "home",
                "findings": "",
                "next_due": (today + datetime.timedelta(days=30)).isoformat(),
            },
        ),
        "medical_cost_record": lambda n: aim(
            member,
            {},
            {"year": today.year, "total": "3000.50", "reimbursed": "2000", "note": ""},
        ),
        "health_activity_record": lambda n: aim(
            {},
            {},
            {
                "region_code": MAJIAZHAI,
                "kind": "clinic_day",
                "held_on": today.isoformat(),
                "organiser": "钓台街道卫生院",
                "people_served": 12,
                "note": "",
            },
        ),
        "health_activities": lambda n: aim({}, {"place": DIAOTAI, "page": 1}, None),
        "follow_ups_overdue": lambda n: aim(
            {}, {"place": DIAOTAI, "day": today.isoformat(), "page": 1}, None
        ),
    }
