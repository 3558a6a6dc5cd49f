"""Findings (督查问题) and their rectification (整改) over the API: list and read findings,
record one (JSON, or multipart with photos), keep evidence with it, take its rectification
through start, submit (multipart, with photos), close and return; the overdue list and the
on-time rates by unit and by place."""

import datetime
import uuid
from decimal import Decimal

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import code_choices

from .. import selectors, services
from ..models import Evidence, Finding, FindingSource, FindingState, RectificationStep

router = Router(tags=["supervision"])
# Photos are optional: multipart file fields that may be left out.
NO_PHOTOS = File(None)


class FindingIn(Schema):
    region_code: str = ""  # the place; a record's finding is of the record's place
    category: str  # a value of the ``finding_category`` code list
    description: str = documented(Finding, "description")
    found_on: datetime.date | None = documented(Finding, "found_on", None)
    round_id: Id | None = None
    household_id: Id | None = None
    helper_id: Id | None = None
    team_id: Id | None = None
    project_id: Id | None = None
    visit_id: Id | None = None
    unit_id: Id | None = None
    responsible_person: str = documented(Finding, "responsible_person", "")


class FindingSentIn(FindingIn):
    # Made on the phone (a finding recorded on the spot, offline too): sent again, the
    # finding it recorded answers (200); with other details, refused.
    client_id: uuid.UUID | None = None


class NoteIn(Schema):
    note: str = documented(RectificationStep, "note", "")


class SubmitIn(Schema):
    note: str = documented(RectificationStep, "note")


class ReasonIn(Schema):
    reason: str = documented(RectificationStep, "note")


class FindingFiltersIn(Schema):
    place: str = ""
    state: str = ""
    category: str = ""
    source: str = ""
    month: str = ""  # 2026-11: found in that month
    overdue: str = ""  # 1: open and past the deadline only
    unit: str = ""  # a responsible unit's id


class RatesIn(Schema):
    place: str = ""
    from_month: str = ""  # 2026-09
    to_month: str = ""  # 2026-11


class FindingRowOut(Schema):
    id: int
    place_code: str
    place: str
    category: str
    category_label: str
    source: str
    description: str
    unit_id: int | None
    unit: str
    responsible_person: str
    found_on: datetime.date
    deadline: datetime.date
    days_counted: str
    state: str
    closed_on: datetime.date | None
    round_id: int | None
    household_id: int | None
    helper_id: int | None
    team_id: int | None
    project_id: int | None
    visit_id: int | None
    survey_id: int | None


class EvidenceOut(Schema):
    id: int
    kind: str
    name: str
    step_id: int | None
    recorded_at: datetime.datetime


class RectificationStepOut(Schema):
    id: int
    action: str
    note: str
    recorded_at: datetime.datetime
    recorded_by: str


class FindingOut(FindingRowOut):
    overdue: bool
    steps: list[RectificationStepOut]
    evidence: list[EvidenceOut]
    may: list[str]  # what the caller may do next: start, submit, close, return, evidence


class RateOut(Schema):
    key: str  # a unit's id ("" for findings naming none), or a place's code
    name: str
    due: int
    on_time: int
    rate: Decimal | None = Field(description="按期整改率: on time / due, in percent")


class RatesOut(Schema):
    period_start: datetime.date
    period_end: datetime.date
    by_unit: list[RateOut]
    by_place: list[RateOut]


def _row(finding: Finding) -> dict:
    return {
        "id": finding.pk,
        "place_code": finding.region_id,
        "place": finding.region.name,
        "category": finding.category.value,
        "category_label": finding.category.label,
        "source": finding.source,
        "description": finding.description,
        "unit_id": finding.unit_id,
        "unit": finding.unit.name if finding.unit else "",
        "responsible_person": finding.responsible_person,
        "found_on": finding.found_on,
        "deadline": finding.deadline,
        "days_counted": finding.days_counted,
        "state": finding.state,
        "closed_on": finding.closed_on,
        "round_id": finding.round_id,
        "household_id": finding.household_id,
        "helper_id": finding.helper_id,
        "team_id": finding.team_id,
        "project_id": finding.project_id,
        "visit_id": finding.visit_id,
        "survey_id": finding.survey_id,
    }


def _evidence(record: Evidence) -> dict:
    return {
        "id": record.pk,
        "kind": record.kind,
        "name": record.name,
        "step_id": record.step_id,
        "recorded_at": record.recorded_at,
    }


def _finding(user, finding_id: int) -> dict:
    detail = selectors.finding_detail(user, finding_id)
    steps = detail["steps"]
    return _row(detail["finding"]) | {
        "overdue": detail["overdue"],
        "steps": [
            {
                "id": step.pk,
                "action": step.action,
                "note": step.note,
                "recorded_at": step.recorded_at,
                "recorded_by": str(step.recorded_by),
            }
            for step in steps
        ],
        "evidence": [_evidence(e) for e in detail["evidence"]]
        + [_evidence(e) for step in steps for e in step.evidence.all()],
        "may": [
            action
            for action, allowed in detail["may"].items()
            if allowed and action != "verify_elsewhere"
        ],
    }


def _photos(files: list[UploadedFile] | None) -> list[bytes]:
    return [upload.read() for upload in files or ()]


@router.get("/supervision/findings", response=list[FindingRowOut], operation_id="finding_list")
@paginate(params.Pages, page_size=50)
def finding_list(request, filters: Query[FindingFiltersIn]):
    """The findings under ``place`` (or all the caller's places), the latest found first,
    narrowed by state, category (``finding_category`` value), source, month found, overdue
    only and responsible unit."""
    categories = [value for value, _label in code_choices("finding_category")]
    findings = selectors.findings_of(
        request.auth,
        within=params.place(filters.place) or None,
        state=params.choice(filters.state, field="state", choices=FindingState.values),
        category=params.choice(filters.category, field="category", choices=categories),
        source=params.choice(filters.source, field="source", choices=FindingSource.values),
        month=params.month(filters.month) if filters.month.strip() else None,
        overdue=params.flag(filters.overdue, field="overdue"),
        unit_id=params.optional_id(filters.unit),
    )
    return params.Mapped(findings, _row)


@router.get(
    "/supervision/findings/overdue",
    response=list[FindingRowOut],
    operation_id="findings_overdue",
)
@paginate(params.Pages, page_size=50)
def findings_overdue(request, place: str = ""):
    """Open findings past their deadline, the longest overdue first."""
    return params.Mapped(
        selectors.overdue_findings(request.auth, within=params.place(place) or None), _row
    )


@router.get("/supervision/findings/rates", response=RatesOut, operation_id="rectification_rates")
def rectification_rates(request, query: Query[RatesIn]):
    """Rectified on time (按期整改率) by responsible unit and by place, for the findings
    whose deadline falls in the months ``from_month``–``to_month`` (this month by default)
    and that are closed or past their deadline: the share closed on or before the deadline."""
    months = params.month_range(query.from_month, query.to_month)
    first, last = months or (params.this_month(), params.this_month())
    period = {
        "within": params.place(query.place) or None,
        "period_start": first,
        "period_end": params.add_months(last, 1) - datetime.timedelta(days=1),
    }

    def rows(found) -> list[dict]:
        return [
            {"key": r.key, "name": r.name, "due": r.due, "on_time": r.on_time, "rate": r.rate}
            for r in found
        ]

    return {
        "period_start": period["period_start"],
        "period_end": period["period_end"],
        "by_unit": rows(selectors.rates_by_unit(request.auth, **period)),
        "by_place": rows(selectors.rates_by_place(request.auth, **period)),
    }


@router.post(
    "/supervision/findings",
    response={200: FindingOut, 201: FindingOut},
    operation_id="finding_record",
)
def finding_record(request, payload: FindingSentIn):
    """Record a finding (JSON, without photos), assigned for rectification with the rule's
    deadline at its place. With ``client_id`` (a phone's, offline too) it is recorded once:
    sent again, the finding it recorded answers with 200; its photos follow through
    ``finding_photo_add``."""
    details = payload.dict()
    client_id = details.pop("client_id")
    if client_id is None:
        finding, created = services.finding_record(actor=request.auth, **details), True
    else:
        finding, created = services.finding_sent(actor=request.auth, client_id=client_id, **details)
    return Status(201 if created else 200, _finding(request.auth, finding.pk))


@router.post(
    "/supervision/findings/{client_id}/photos",
    response={200: EvidenceOut, 201: EvidenceOut},
    operation_id="finding_photo_add",
)
def finding_photo_add(
    request, client_id: uuid.UUID, photo_id: Form[uuid.UUID], photo: File[UploadedFile]
):
    """One photo of a finding recorded with ``client_id``, sent after it; ``photo_id`` is
    made on the phone, and a photo sent again answers with the first (200)."""
    record, created = services.finding_photo_sent(
        actor=request.auth,
        finding_client_id=client_id,
        photo_client_id=photo_id,
        content=photo.read(),
        name=photo.name or "photo.jpg",
    )
    return Status(201 if created else 200, _evidence(record))


@router.post(
    "/supervision/findings/with-photos",
    response={201: FindingOut},
    operation_id="finding_record_with_photos",
)
def finding_record_with_photos(
    request, payload: Form[FindingIn], photos: list[UploadedFile] | None = NO_PHOTOS
):
    """Record a finding as a form with its photos (``photos``, JPEG or PNG, several)."""
    finding = services.finding_record(actor=request.auth, photos=_photos(photos), **payload.dict())
    return Status(201, _finding(request.auth, finding.pk))


@router.get("/supervision/findings/{finding_id}", response=FindingOut, operation_id="finding_get")
def finding_get(request, finding_id: Id):
    return _finding(request.auth, finding_id)


@router.post(
    "/supervision/findings/{finding_id}/evidence",
    response={201: EvidenceOut},
    operation_id="finding_evidence_add",
)
def finding_evidence_add(request, finding_id: Id, file: File[UploadedFile], name: Form[str] = ""):
    """Keep a photo (JPEG, PNG) or a PDF document with the finding."""
    finding = selectors.finding_for(request.auth, finding_id)
    record = services.finding_evidence_add(
        actor=request.auth,
        finding_id=finding.pk,
        name=name or file.name or "file",
        data=file.read(),
    )
    return Status(201, _evidence(record))


@router.post(
    "/supervision/findings/{finding_id}/start",
    response=FindingOut,
    operation_id="rectification_start",
)
def rectification_start(request, finding_id: Id, payload: NoteIn):
    """Start rectifying an assigned or returned finding."""
    finding = selectors.finding_for(request.auth, finding_id)
    services.rectification_start(actor=request.auth, finding_id=finding.pk, **payload.dict())
    return _finding(request.auth, finding.pk)


@router.post(
    "/supervision/findings/{finding_id}/submit",
    response=FindingOut,
    operation_id="rectification_submit",
)
def rectification_submit(
    request, finding_id: Id, payload: Form[SubmitIn], photos: list[UploadedFile] | None = NO_PHOTOS
):
    """Submit the rectification as a form: what was done (``note``) and its photos."""
    finding = selectors.finding_for(request.auth, finding_id)
    services.rectification_submit(
        actor=request.auth, finding_id=finding.pk, photos=_photos(photos), **payload.dict()
    )
    return _finding(request.auth, finding.pk)


@router.post(
    "/supervision/findings/{finding_id}/close",
    response=FindingOut,
    operation_id="rectification_close",
)
def rectification_close(request, finding_id: Id, payload: NoteIn):
    """Verify the submitted rectification and close the finding (销号); not by who submitted
    it."""
    finding = selectors.finding_for(request.auth, finding_id)
    services.rectification_close(actor=request.auth, finding_id=finding.pk, **payload.dict())
    return _finding(request.auth, finding.pk)


@router.post(
    "/supervision/findings/{finding_id}/return",
    response=FindingOut,
    operation_id="rectification_return",
)
def rectification_return(request, finding_id: Id, payload: ReasonIn):
    """Return the submitted rectification with the reason; not by who submitted it."""
    finding = selectors.finding_for(request.auth, finding_id)
    services.rectification_return(actor=request.auth, finding_id=finding.pk, **payload.dict())
    return _finding(request.auth, finding.pk)
