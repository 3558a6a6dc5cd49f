"""The demo district's inspection rounds (月度督查), through the services, as the county's
inspectors would plan and draw them —

- last month's round of the county, planned on the 3rd, its sample drawn township by township
  on the 5th (10 households, 4 helpers, 2 units, 2 teams) and drawn again on the 6th, with
  the reason (a sampled household had gone to work in the city);
- this month's, planned on the 1st and drawn the day after (or today, on the 1st).

``inspector_login`` (周敏, the county's inspector) plans and draws; the group is the inspector
and the county office's administrator. Each step is lived on its day (``checks._on``).
"""

import datetime

from bangfu.core.params import add_months
from bangfu.core.regions import county_code
from bangfu.supervision.services import round_plan, sample_draw, sample_redraw

from .checks import _on

SIZES = {"households_wanted": 10, "helpers_wanted": 4, "units_wanted": 2, "teams_wanted": 2}
REDRAW_REASON = "抽中的马家寨村一户全家外出务工，电话与入户均无法核实，经督查组商定重新抽样"


def _round(*, actor, inspector, county: str, month: datetime.date, title: str, notes: str):
    return round_plan(
        actor=inspector,
        region_code=county,
        month=month,
        title=title,
        methods=["on_site", "documents", "phone", "home"],
        inspector_ids=[inspector.pk, actor.pk],
        stratified=True,
        notes=notes,
        **SIZES,
    )


def fill(*, actor, today: datetime.date, seed: int, inspector_login) -> int:
    """Last month's round (drawn, then drawn again with its reason) and this month's (drawn)
    of the county ``actor`` holds; how many rounds. The draws' seeds are the system's own
    (``secrets``), never the demo's ``seed``: a sample is not chosen by whoever loads data."""
    county = county_code(actor.held_places()[0][0])
    this_month = today.replace(day=1)
    last_month = add_months(this_month, -1)
    with _on(last_month + datetime.timedelta(days=2)):
        last = _round(
            actor=actor,
            inspector=inspector_login,
            county=county,
            month=last_month,
            title=f"{last_month.month}月帮扶工作督查",
            notes="实地检查、查阅资料、电话回访与入户走访相结合，重点核实走访记录与帮扶措施。",
        )
    with _on(last_month + datetime.timedelta(days=4)):
        sample_draw(actor=inspector_login, round_id=last.pk)
    with _on(last_month + datetime.timedelta(days=5)):
        sample_redraw(actor=inspector_login, round_id=last.pk, reason=REDRAW_REASON)
    with _on(this_month):
        current = _round(
            actor=actor,
            inspector=inspector_login,
            county=county,
            month=this_month,
            title=f"{this_month.month}月帮扶工作督查",
            notes="延续上月方式，对上月问题整改情况一并回访。",
        )
    with _on(min(today, this_month + datetime.timedelta(days=1))):
        sample_draw(actor=inspector_login, round_id=current.pk)
    return 2
