"""The demo district's funds ledgers (资金台账), through the ledger's services, as the county
and the township would record them: on every project of the library that was started or
later, the county's finance office allocates (下达) each planned source — all of it to a
project completed or accepted, part of it to one under way — on the project's approval day,
and the township (in its own places) or the county pays (拨付/报账) in one to three payments
since, an accepted project to the last fen; a few payments carry a photo of their voucher,
and one payment, entered against the wrong voucher, is reversed with its reason (冲销) and
paid again. The projects are those the library's demo made (``Project.objects``)."""

import datetime
import io
import random
from decimal import Decimal

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from bangfu.core.scoping import covers
from bangfu.projects.models import LedgerEntry, Project, ProjectStep, Stage
from bangfu.projects.services import allocation_record, entry_reverse, payment_record

HUNDRED = Decimal(100)
# Share of each planned source allocated, and of the allocation paid, by stage.
ALLOCATED = {Stage.STARTED: (0.5, 1.0), Stage.COMPLETED: (1.0, 1.0), Stage.ACCEPTED: (1.0, 1.0)}
PAID = {Stage.STARTED: (0.2, 0.6), Stage.COMPLETED: (0.7, 0.95), Stage.ACCEPTED: (1.0, 1.0)}


def voucher_photo(number: str, seed: int) -> bytes:
    """A photo of a paper voucher: a sheet with its lines and a red stamp."""
    sheet = Image.new("RGB", (800, 560), (250, 248, 240))
    pen = ImageDraw.Draw(sheet)
    for row in range(6):
        pen.line((60, 120 + row * 60, 740, 120 + row * 60), fill=(90, 90, 90), width=2)
    pen.text((60, 50), f"voucher {number}", fill=(20, 20, 20))
    x = 520 + seed % 120
    pen.ellipse((x, 330, x + 150, 480), outline=(200, 30, 30), width=6)
    out = io.BytesIO()
    sheet.save(out, "JPEG", quality=85)
    return out.getvalue()


def _approved_on(project: Project) -> datetime.date:
    step = ProjectStep.objects.filter(project=project, stage=Stage.APPROVED).order_by("day").first()
    return step.day if step else project.stage_on


def _share(amount: Decimal, low: float, high: float, rng: random.Random) -> Decimal:
    """A share of ``amount`` in whole hundreds of yuan, at most all of it."""
    share = Decimal(str(rng.uniform(low, high)))
    return min(amount, (amount * share / HUNDRED).quantize(Decimal(1)) * HUNDRED)


def fill(*, actor, seed: int, today: datetime.date, township_login) -> int:
    """The ledgers of the library's started, completed and accepted projects; returns how
    many entries were recorded."""
    rng = random.Random(seed + 18)
    payments = 0
    payments_made: list[LedgerEntry] = []
    projects = (
        Project.objects.filter(stage__in=list(PAID))
        .prefetch_related("planned_funds__source")
        .order_by("year", "number")
    )
    for project in projects:
        first = _approved_on(project)
        payer = township_login if covers(township_login, project.region_id) else actor
        for planned in project.planned_funds.all():
            allocated = _share(planned.amount, *ALLOCATED[Stage(project.stage)], rng)
            if allocated <= 0:
                continue
            allocation_record(
                actor=actor,
                project_id=project.pk,
                source=planned.source.value,
                amount=allocated,
                day=first,
                voucher=f"下-{project.number}-{planned.source.value}",
                note=_("Allocated by the county finance bureau"),
            )
            to_pay = _share(allocated, *PAID[Stage(project.stage)], rng)
            parts = rng.randint(1, 3)
            for n in range(parts):
                amount = to_pay - (to_pay // parts) * (parts - 1) if n == 0 else to_pay // parts
                if amount <= 0:
                    continue
                payments += 1
                number = f"付{project.year}-{payments:04d}"
                day = min(today, first + datetime.timedelta(days=rng.randint(5, 200)))
                entry = payment_record(
                    actor=payer,
                    project_id=project.pk,
                    source=planned.source.value,
                    amount=amount,
                    day=day,
                    voucher=number,
                    voucher_image=voucher_photo(number, payments) if payments % 7 == 1 else None,
                )
                payments_made.append(entry)
    if payments_made:
        # One payment entered against the wrong voucher: reversed, and paid again.
        wrong = payments_made[len(payments_made) // 2]
        entry_reverse(
            actor=actor,
            entry_id=wrong.pk,
            day=wrong.day,
            reason=_("Entered against the wrong voucher; paid again under the right one."),
        )
        payment_record(
            actor=actor,
            project_id=wrong.project_id,
            source=wrong.source.value,
            amount=wrong.amount,
            day=wrong.day,
            voucher=f"{wrong.voucher}-更正",
        )
    return LedgerEntry.objects.count()
