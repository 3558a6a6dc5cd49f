"""The demo district's findings (督查问题) and their rectification (整改), through the services,
as the inspector and the township would record them over the last two months: in the villages
of ``township_login``'s township, about its households or its place's work, in every state —

- closed on time (销号 before the deadline) and closed late;
- submitted (已提交), waiting for the inspector; returned (已退回) with the reason;
- in progress (整改中); assigned (已交办) today; and two still open past their deadline;

categories varied, some with a photo of what was found and of what was done. The inspector
records, verifies and closes; the township starts and submits (who submits never closes).
Where the rounds demo left the county's inspection rounds of last month and this month open,
the findings of those months belong to them; otherwise they stand without a round.

The services take today as the day they record: each step is lived on its day
(``checks._on``)."""

import datetime
import io

from PIL import Image, ImageDraw

from bangfu.core.regions import RegionLevel, code_range, county_code
from bangfu.core.selectors import visible_place
from bangfu.registry.models import Household
from bangfu.supervision.models import InspectionRound, RoundState
from bangfu.supervision.services import (
    finding_record,
    rectification_close,
    rectification_return,
    rectification_start,
    rectification_submit,
)

from .checks import _on

DAY = datetime.timedelta(days=1)
# (days before today found, category, what was found, the steps: (days before today, what)),
# "start", "submit", "return", "close" in order; a photo with the finding every other one.
STORIES = [
    (
        46,
        "1",
        "抽查3户，2户本月未见帮扶干部走访记录",
        [(44, "start"), (40, "submit"), (38, "close")],
    ),
    (44, "3", "帮扶手册收入栏与年度收入核算不一致", [(40, "submit"), (6, "close")]),
    (40, "5", "驻村工作队本月在岗天数不足20天", [(30, "start")]),
    (36, "4", "产业帮扶措施（养殖补贴）未落实到户", []),
    (12, "2", "走访记录照片与实际农户不符", [(10, "start"), (8, "submit"), (6, "return")]),
    (9, "7", "户主不知晓帮扶责任人姓名", [(7, "submit")]),
    (5, "6", "村委会值班人员对来访群众态度生硬", [(3, "start")]),
    (0, "9", "村级公示栏帮扶政策未更新", []),
]
WHAT_WAS_DONE = "已逐户补走访并更新帮扶手册，附整改照片"


def site_photo(seed: int) -> bytes:
    """A photo of what an inspector saw: a wall with a notice board and a window."""
    picture = Image.new("RGB", (640, 480), (214, 206, 190))
    pen = ImageDraw.Draw(picture)
    pen.rectangle((60 + seed * 9, 80, 300 + seed * 9, 260), fill=(40, 90, 150))
    pen.rectangle((380, 120, 560, 300), outline=(90, 70, 50), width=8)
    for row in range(4):
        pen.line(
            (80 + seed * 9, 110 + row * 35, 280 + seed * 9, 110 + row * 35), fill=(240, 240, 240)
        )
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()


def _rounds(actor, today: datetime.date) -> dict[datetime.date, InspectionRound]:
    """The county's open inspection rounds of last month and this month, by month."""
    this_month = today.replace(day=1)
    months = [(this_month - DAY).replace(day=1), this_month]
    county = county_code(actor.held_places()[0][0])
    return {
        inspection.month: inspection
        for inspection in InspectionRound.objects.filter(
            region_id=county, month__in=months, state=RoundState.OPEN
        ).order_by("pk")
    }


def fill(*, actor, today: datetime.date, seed: int, inspector_login, township_login) -> int:
    """The findings and their steps; returns how many findings were recorded."""
    township = visible_place(township_login, township_login.held_places()[0][0])
    assert township is not None and township.level == RegionLevel.TOWNSHIP
    lo, hi = code_range(township.code, township.level)
    households = list(
        Household.objects.filter(region_id__gte=lo, region_id__lt=hi, closed_on=None).order_by(
            "region_id", "number"
        )[: len(STORIES) * 3]
    )
    rounds = _rounds(actor, today)
    steps = {
        "start": lambda finding, n: rectification_start(
            actor=township_login, finding_id=finding.pk, note="已安排专人整改"
        ),
        "submit": lambda finding, n: rectification_submit(
            actor=township_login,
            finding_id=finding.pk,
            note=WHAT_WAS_DONE,
            photos=[site_photo(n + 3)] if n % 2 == 0 else [],
        ),
        "return": lambda finding, n: rectification_return(
            actor=inspector_login, finding_id=finding.pk, reason="整改照片不能反映实际，请补充材料"
        ),
        "close": lambda finding, n: rectification_close(
            actor=inspector_login, finding_id=finding.pk, note="实地核实，已整改到位"
        ),
    }
    recorded = 0
    for n, (ago, category, description, story) in enumerate(STORIES):
        found_on = today - ago * DAY
        household = households[(n * 3 + seed) % len(households)] if households else None
        about = {"household_id": household.pk} if household and n % 4 != 3 else {}
        with _on(found_on):
            inspection = rounds.get(found_on.replace(day=1))
            finding = finding_record(
                actor=inspector_login,
                region_code="" if about else township.code,
                category=category,
                description=description,
                round_id=inspection.pk if inspection else None,
                responsible_person="钱丽华",
                photos=[site_photo(n)] if n % 2 == 0 else [],
                **about,
            )
        for steps_ago, step in story:
            with _on(today - steps_ago * DAY):
                steps[step](finding, n)
        recorded += 1
    return recorded
