"""The demo county's evaluation (考评), through the scores' services, as the county and its
inspectors would do it: a scheme for each level (帮扶单位, 驻村工作队, 乡镇, 帮扶干部) from last
month on, with the seeds' items (走访 30, 结对 15, 驻村 15, 整改 15, 数据核查 10, 满意度 10,
督查评分 5), and a hygiene scheme for the households (庭院整洁, 室内卫生, 厕所卫生, 个人卫生);
the inspector's points for last month and this month, last month published and this month
live; the work team's village's households scored for their hygiene this month."""

import datetime
import random

from bangfu.supervision import scoring
from bangfu.supervision.models import ScoreLevel
from bangfu.supervision.services import (
    ItemInput,
    hygiene_score,
    item_score_set,
    scheme_create,
    scores_publish,
)

COUNTY = "611103000000"
ITEMS = [
    ("走访", "visit_compliance", "30"),
    ("结对", "pairing_coverage", "15"),
    ("驻村", "residence_compliance", "15"),
    ("整改", "rectified_on_time", "15"),
    ("数据核查", "check_reports_on_time", "10"),
    ("满意度", "satisfaction", "10"),
    ("督查评分", "scored", "5"),
]
HYGIENE = [("庭院整洁", "30"), ("室内卫生", "30"), ("厕所卫生", "20"), ("个人卫生", "20")]
NAMES = {
    ScoreLevel.UNIT: "帮扶单位月度考评",
    ScoreLevel.TEAM: "驻村工作队月度考评",
    ScoreLevel.TOWNSHIP: "乡镇月度考评",
    ScoreLevel.HELPER: "帮扶干部月度考评",
}
REASONS = ["台账规范", "资料齐全", "走访记录翔实", "整改措施到位", "群众反映良好"]
SCORED_A_MONTH = 12  # subjects of each level an inspector scores in a month


def fill(*, actor, today: datetime.date, seed: int, inspector_login, work_team_login) -> int:
    """Make the schemes, points and published month; answers the scores published."""
    rng = random.Random(seed + 19)
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    within = scoring.Within.of(COUNTY)
    published = 0
    for level, name in NAMES.items():
        scheme = scheme_create(
            actor=actor,
            region_code=COUNTY,
            level=level,
            name=name,
            valid_from=last_month,
            items=[ItemInput(*item) for item in ITEMS],
        )
        scored = scheme.items.get(source="scored")
        for month in (last_month, this_month):
            keys = sorted(scoring.subjects(level, within, scoring.Month.of(month)))
            for key in rng.sample(keys, min(SCORED_A_MONTH, len(keys))):
                item_score_set(
                    actor=inspector_login,
                    item_id=scored.pk,
                    month=month,
                    subject=key,
                    points=str(rng.choice([3, 3.5, 4, 4.5, 5])),
                    reason=rng.choice(REASONS),
                )
        sheet = scores_publish(actor=actor, region_code=COUNTY, level=level, month=last_month)
        published += sheet.scores.count()
    hygiene = scheme_create(
        actor=actor,
        region_code=COUNTY,
        level=ScoreLevel.HOUSEHOLD,
        name="农户环境卫生评比",
        valid_from=last_month,
        items=[ItemInput(name, "scored", weight) for name, weight in HYGIENE],
    )
    items = list(hygiene.items.all())
    village = work_team_login.held_places()[0][0]
    households = scoring.subjects(
        ScoreLevel.HOUSEHOLD, scoring.Within.of(village), scoring.Month.of(this_month)
    )
    for key in sorted(households):
        hygiene_score(
            actor=work_team_login,
            household_id=int(key),
            month=this_month,
            points={item.pk: str(int(item.weight) - rng.randint(0, 8)) for item in items},
            reason="入户检查",
        )
    return published
