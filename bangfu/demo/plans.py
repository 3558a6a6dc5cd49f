"""The demo district's household plans (一户一策): for every household two to four measures
of different kinds from the national measure list, started in the last ten months, most of
those already due done, some overdue (due and neither done nor dropped), one now and then
dropped; the household's main helper answers for them, or — for a loan or a relocation — the
bureau's person, by name; and last year's effect in words.

The plans are history, written straight into their tables in bulk, as the demo's bulk parts
do; a few of ``helper_wang``'s households get a measure through the plans' service, audited,
as a helper would add one on the phone, and sign their plan on the screen.
"""

import datetime
import io
import random
import uuid
from decimal import Decimal

from django.utils import timezone
from PIL import Image, ImageDraw

from bangfu.core.models import Code
from bangfu.pairing.models import Pairing
from bangfu.plans.models import Effect, Measure, MeasureStatus
from bangfu.plans.selectors import head_name
from bangfu.plans.services import MeasureInput, acknowledgement_add, measure_add
from bangfu.registry.models import Household

# kind → (what the measure is, amount in yuan or None, who answers when not the helper)
MEASURES = {
    "1": ("发展庭院养殖，购进仔猪{n}头", Decimal(600), ""),
    "2": ("推荐到区内企业务工，签订劳动合同", None, ""),
    "3": ("子女就读职业院校，申请雨露计划补助", Decimal(3000), ""),
    "4": ("落实家庭医生签约服务和慢病报销", None, "镇卫生院 刘医生"),
    "5": ("纳入易地扶贫搬迁安置", Decimal(60000), "区发改局 安置办"),
    "6": ("实施危房改造", Decimal(20000), "区住建局 危改办"),
    "7": ("申请小额信贷发展产业", Decimal(50000), "区农商行 信贷员"),
    "8": ("纳入农村低保兜底保障", Decimal(4800), "街道民政所"),
    "9": ("安排生态护林员公益岗位", Decimal(6000), ""),
    "10": ("硬化入户道路", Decimal(8000), "村委会"),
}
EFFECTS = [
    "{kinds}等措施落实到位，家庭收入稳定增长，两不愁三保障达标。",
    "通过{kinds}，家庭劳动力实现稳定就业，生活明显改善。",
    "{kinds}持续见效，住房和医疗有保障，群众满意。",
]


def make_plans(*, actor, seed: int, today: datetime.date, helper_login) -> int:
    """A plan for every household; returns how many measures."""
    rng = random.Random(seed + 5)
    kinds = {code.value: code for code in Code.objects.filter(kind="plan_measure")}
    helpers = dict(
        Pairing.objects.filter(ended_on=None, is_main=True, helper__isnull=False).values_list(
            "household_id", "helper_id"
        )
    )
    now = timezone.now()
    measures, effects = [], []
    for household in Household.objects.filter(closed_on=None).order_by("pk"):
        chosen = rng.sample(sorted(MEASURES, key=int), rng.choice([2, 3, 4]))
        for kind in chosen:
            content, amount, person = MEASURES[kind]
            starts = today - datetime.timedelta(days=rng.randint(30, 300))
            due = starts + datetime.timedelta(days=rng.choice([60, 120, 240, 365]))
            if due < today:
                status = rng.choices(
                    [MeasureStatus.DONE, MeasureStatus.UNDER_WAY, MeasureStatus.DROPPED],
                    [80, 15, 5],
                )[0]
            else:
                status = rng.choice([MeasureStatus.PLANNED, MeasureStatus.UNDER_WAY])
            helper = None if person else helpers.get(household.pk)
            measures.append(
                Measure(
                    household=household,
                    region_id=household.region_id,
                    kind=kinds[kind],
                    content=content.format(n=rng.randint(2, 6)),
                    amount=amount,
                    responsible_helper_id=helper,
                    responsible_name="" if helper else (person or "村委会"),
                    starts_on=starts,
                    due_on=due,
                    status=status,
                    recorded_at=now,
                    recorded_by=actor,
                )
            )
        effects.append(
            Effect(
                household=household,
                region_id=household.region_id,
                year=today.year - 1,
                summary=rng.choice(EFFECTS).format(
                    kinds="、".join(kinds[k].label for k in chosen[:2])
                ),
                recorded_at=now,
                recorded_by=actor,
            )
        )
    Measure.objects.bulk_create(measures, batch_size=500)
    Effect.objects.bulk_create(effects, batch_size=500)
    # The helper's own households: one measure each added as on the phone, through the service.
    mine = Pairing.objects.filter(helper__user=helper_login, ended_on=None).order_by("pk")[:3]
    for pairing in mine:
        measure_add(
            actor=helper_login,
            household_id=pairing.household_id,
            measure=MeasureInput(
                kind="2",
                content="参加区人社局电商技能培训",
                starts_on=today,
                due_on=today + datetime.timedelta(days=90),
                responsible_helper_id=pairing.helper_id,
            ),
        )
        # …and the household signs its plan on the helper's phone.
        acknowledgement_add(
            actor=helper_login,
            household_id=pairing.household_id,
            client_id=uuid.UUID(int=rng.getrandbits(128)),
            kind="signature",
            signed_by=head_name(pairing.household) or "户主",
            content=_signature(rng),
        )
    return len(measures) + len(mine)


def _signature(rng: random.Random) -> bytes:
    """A scrawl, as a finger draws a name on the phone's screen."""
    image = Image.new("RGBA", (320, 160), (0, 0, 0, 0))
    points = [(20 + 28 * i, rng.randint(40, 120)) for i in range(11)]
    ImageDraw.Draw(image).line(points, fill="black", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
