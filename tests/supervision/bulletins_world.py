"""Supervision records for the bulletins' tests, the route walk and the fuzz, and county A's
bulletins: a draft and a published one of 钓台街道 in November 2026.

The rounds, findings, surveys and scores parts are built alongside this one; until they are
merged, their records are made here as rows, each audited with the action and the place its
service audits (``inspection.plan``, ``sample.draw``, ``finding.record``,
``rectification.close``, ``survey.record``, ``scores.publish``), which is all the roll-ups
read. Numbers in Chinese text are digits."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bangfu.core import audit
from bangfu.core.models import Code
from bangfu.registry.models import Household
from bangfu.supervision.deadlines import rectification_deadline
from bangfu.supervision.models import (
    Answer,
    AnswerKind,
    Finding,
    FindingSource,
    FindingState,
    InspectionRound,
    Purpose,
    Question,
    Questionnaire,
    RectificationStep,
    SampleDraw,
    SampleItem,
    SampleKind,
    Score,
    ScoreLevel,
    ScoreSheet,
    ScoringScheme,
    StepAction,
    Survey,
)
from bangfu.supervision.services import bulletin_create, bulletin_publish

A_TOWNSHIP = "611103002000"  # 钓台街道
A_VILLAGE = "611103002201"  # 马家寨村
MONTH = datetime.date(2026, 11, 1)


def _now():
    return timezone.now()


@transaction.atomic
def planned_round(actor, region_code: str, month: datetime.date, title: str = "月度督查"):
    inspection = InspectionRound.objects.create(
        region_id=region_code,
        month=month,
        title=title,
        methods="on_site,phone",
        recorded_at=_now(),
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="inspection.plan",
        obj=inspection,
        region_code=region_code,
        after=audit.snapshot(inspection, ["month", "title"]),
    )
    return inspection


@transaction.atomic
def drawn_sample(actor, inspection: InspectionRound, households: list[Household], seed: int = 7):
    number = SampleDraw.objects.filter(round=inspection).count() + 1
    draw = SampleDraw.objects.create(
        round=inspection,
        region_id=inspection.region_id,
        number=number,
        seed=seed,
        reason="" if number == 1 else "样本户已搬迁",
        drawn_at=_now(),
        drawn_by=actor,
    )
    for position, household in enumerate(households, start=1):
        SampleItem.objects.create(
            draw=draw,
            region_id=household.region_id,
            kind=SampleKind.HOUSEHOLD,
            position=position,
            household=household,
        )
    audit.record(
        actor=actor,
        action="sample.draw" if number == 1 else "sample.redraw",
        obj=draw,
        region_code=inspection.region_id,
        after={"round": inspection.pk, "number": number, "seed": seed},
    )
    return draw


@transaction.atomic
def recorded_finding(
    actor,
    region_code: str,
    found_on: datetime.date,
    category: str = "1",
    description: str = "未按规定入户走访",
    inspection: InspectionRound | None = None,
) -> Finding:
    due = rectification_deadline(region_code, found_on)
    finding = Finding.objects.create(
        round=inspection,
        region_id=region_code,
        category=Code.objects.get(kind="finding_category", value=category),
        source=FindingSource.INSPECTION,
        description=description,
        found_on=found_on,
        deadline=due.day,
        days_counted="working" if due.in_working_days else "calendar",
        recorded_at=_now(),
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="finding.record",
        obj=finding,
        region_code=region_code,
        after=audit.snapshot(finding, ["found_on", "deadline", "state"]),
    )
    return finding


@transaction.atomic
def closed_finding(actor, finding: Finding, closed_on: datetime.date) -> Finding:
    before = audit.snapshot(finding, ["state", "closed_on"])
    finding.state, finding.closed_on = FindingState.CLOSED, closed_on
    finding.save(update_fields=["state", "closed_on"])
    RectificationStep.objects.create(
        finding=finding,
        region_id=finding.region_id,
        action=StepAction.CLOSE,
        note="已整改到位",
        recorded_at=_now(),
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="rectification.close",
        obj=finding,
        region_code=finding.region_id,
        before=before,
        after=audit.snapshot(finding, ["state", "closed_on"]),
    )
    return finding


def _satisfaction_question(actor) -> Question:
    question = Question.objects.filter(purpose=Purpose.SATISFACTION).first()
    if question:
        return question
    questionnaire = Questionnaire.objects.create(
        region_id="611103000000", name="群众满意度调查", recorded_at=_now(), recorded_by=actor
    )
    return Question.objects.create(
        questionnaire=questionnaire,
        region_id="611103000000",
        position=1,
        text="您对帮扶工作满意吗",
        kind=AnswerKind.SATISFACTION,
        purpose=Purpose.SATISFACTION,
    )


@transaction.atomic
def recorded_survey(actor, household: Household, surveyed_on: datetime.date, satisfaction: int):
    question = _satisfaction_question(actor)
    survey = Survey.objects.create(
        household=household,
        region_id=household.region_id,
        questionnaire=question.questionnaire,
        method="phone",
        surveyed_on=surveyed_on,
        recorded_at=_now(),
        recorded_by=actor,
    )
    Answer.objects.create(
        survey=survey, question=question, region_id=household.region_id, value=str(satisfaction)
    )
    audit.record(
        actor=actor,
        action="survey.record",
        obj=survey,
        region_code=household.region_id,
        after={"household": household.pk, "surveyed_on": surveyed_on.isoformat()},
    )
    return survey


@transaction.atomic
def published_scores(
    actor, region_code: str, month: datetime.date, townships: list[tuple[str, str]]
) -> ScoreSheet:
    """The month's scores of townships (code, total) published at ``region_code``."""
    scheme = ScoringScheme.objects.filter(region_id=region_code, level=ScoreLevel.TOWNSHIP).first()
    if scheme is None:
        scheme = ScoringScheme.objects.create(
            region_id=region_code,
            level=ScoreLevel.TOWNSHIP,
            name="乡镇月度考评",
            valid_from=datetime.date(2026, 1, 1),
            recorded_at=_now(),
            recorded_by=actor,
        )
    sheet = ScoreSheet.objects.create(
        region_id=region_code,
        level=ScoreLevel.TOWNSHIP,
        month=month,
        scheme=scheme,
        published_at=_now(),
        published_by=actor,
    )
    ordered = sorted(townships, key=lambda pair: -Decimal(pair[1]))
    for rank, (code, total) in enumerate(ordered, start=1):
        Score.objects.create(sheet=sheet, region_id=code, total=Decimal(total), rank=rank)
    audit.record(
        actor=actor,
        action="scores.publish",
        obj=sheet,
        region_code=region_code,
        after={"level": sheet.level, "month": f"{month:%Y-%m}", "scores": len(ordered)},
    )
    return sheet


# ---------------------------------------------------------------------------------------------
# County A's bulletins for the route walk and the fuzz


def bulletins_world(county_admin, household) -> dict:
    recorded_finding(county_admin, household.region_id, datetime.date(2026, 11, 3))
    recorded_survey(county_admin, household, datetime.date(2026, 11, 5), 5)
    published = bulletin_create(actor=county_admin, region_code=A_TOWNSHIP, month="2026-10")
    bulletin_publish(actor=county_admin, bulletin_id=published.pk)
    draft = bulletin_create(actor=county_admin, region_code=A_TOWNSHIP, month="2026-11")
    return {"bulletin": draft, "published_bulletin": published}


def _a_bulletin(w):
    return {"bulletin_id": w["bulletin"].pk}


def _published(w):
    return {"bulletin_id": w["published_bulletin"].pk}


MISSING = {"bulletin_id": 10**9}
CREATE = {"region_code": A_TOWNSHIP, "month": "2026-11", "title": "入侵通报"}
UPDATE = {"title": "入侵通报", "summary": "入侵", "good_practice": "入侵"}


def bulletins_page_probes(probe) -> dict:
    """The bulletins' routes for the walk's PAGE_PROBES (``probe`` is its ``Probe``)."""
    both = ("get", "post")
    return {
        "supervision:bulletins": probe(),
        "supervision:bulletin_create": probe(methods=both, data=CREATE),
        "supervision:bulletin": probe(_a_bulletin, MISSING),
        "supervision:bulletin_edit": probe(_a_bulletin, MISSING, both, UPDATE),
        "supervision:bulletin_publish": probe(_a_bulletin, MISSING, both),
        "supervision:bulletin_correct": probe(_published, MISSING, both),
        "supervision:bulletin_docx": probe(_published, MISSING),
        "supervision:bulletin_pdf": probe(_published, MISSING),
    }


def bulletins_api_probes(probe) -> dict:
    """The bulletins' operations for the walk's API_PROBES."""
    return {
        "bulletin_list": probe(),
        "bulletin_get": probe(_a_bulletin, MISSING),
        "bulletin_create": probe(methods=("post",), data=CREATE),
        "bulletin_update": probe(_a_bulletin, MISSING, ("post",), UPDATE),
        "bulletin_publish": probe(_a_bulletin, MISSING, ("post",)),
        "supervision_figures": probe(),
    }


def bulletins_aims(world, aim) -> dict:
    """For each bulletins operation, a valid request aimed at ``world``'s records."""
    return {
        "bulletin_list": lambda n: aim({}, {"place": A_TOWNSHIP, "year": "2026"}, None),
        "bulletin_get": lambda n: aim(_a_bulletin(world), {}, None),
        "bulletin_create": lambda n: aim(
            {}, {}, {"region_code": A_TOWNSHIP, "month": "2026-11", "title": f"通报{n}"}
        ),
        "bulletin_update": lambda n: aim(
            _a_bulletin(world), {}, {"title": f"通报{n}", "summary": "", "good_practice": ""}
        ),
        "bulletin_publish": lambda n: aim(_a_bulletin(world), {}, None),
        "supervision_figures": lambda n: aim({}, {"place": A_TOWNSHIP, "month": "2026-11"}, None),
    }


def bulletins_state() -> tuple:
    """What the walk compares before and after an intruder's requests."""
    from bangfu.supervision.models import Bulletin

    return (
        list(
            Bulletin.objects.values_list(
                "pk", "number", "title", "summary", "good_practice", "state", "corrects_id"
            )
        ),
    )


def first_page_darkest(pdf: bytes, folder) -> int:
    """The darkest grey (0 black … 255 white) of a PDF's first page, drawn by poppler's
    ``pdftoppm``: below 128, the page has text on it."""
    import subprocess

    from PIL import Image

    from tests.reports.test_handbook import tool

    source = folder / "bulletin.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [
            tool("pdftoppm"),
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            str(source),
            str(folder / "p"),
        ],
        check=True,
    )
    [png] = folder.glob("p*.png")
    with Image.open(png) as image:
        darkest, _lightest = image.convert("L").getextrema()
    return darkest
