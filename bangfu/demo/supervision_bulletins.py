"""The demo district's bulletins (简报/通报), through the bulletins' services, as the county's
supervision office writes them: last month's, published with its figures frozen and its files
kept, and this month's, a draft whose figures follow the records.
The figures are those the other supervision demos left (rounds, findings, surveys, scores)."""

import datetime

from bangfu.core.params import add_months
from bangfu.core.selectors import top_places
from bangfu.supervision.models import Bulletin
from bangfu.supervision.services import bulletin_create, bulletin_publish, bulletin_update

SUMMARY = (
    "本月对全县各镇街开展月度督查，采取实地查看、查阅资料、电话调查和入户走访相结合的方式，"
    "随机抽取脱贫户和监测户开展核查。\n"
    "对督查发现的问题，已逐一交办到责任单位，限期整改、跟踪销号。"
)
GOOD_PRACTICE = "马家寨村建立“一户一档”帮扶台账，帮扶干部每月入户走访有记录、有照片、有回访。"


def fill(*, actor, today: datetime.date) -> list[Bulletin]:
    """Last month's bulletin of the actor's county, published; this month's, drafted."""
    county = top_places(actor).first()
    if county is None:
        return []
    this_month = today.replace(day=1)
    last_month = add_months(this_month, -1)
    published = bulletin_create(actor=actor, region_code=county.code, month=last_month)
    bulletin_update(
        actor=actor,
        bulletin_id=published.pk,
        title=published.title,
        summary=SUMMARY,
        good_practice=GOOD_PRACTICE,
    )
    published = bulletin_publish(actor=actor, bulletin_id=published.pk)
    draft = bulletin_create(actor=actor, region_code=county.code, month=this_month)
    bulletin_update(
        actor=actor, bulletin_id=draft.pk, title=draft.title, summary=SUMMARY, good_practice=""
    )
    return [published, draft]
