"""Check-ins over the API: the phone page's queue sends here, and so may other systems.

``POST /check-ins`` is idempotent on ``client_id``: 201 for a new check-in, 200 with the one
already recorded when the same id comes again (a retry after a lost answer).
"""

import datetime
import uuid

from ninja import File, Router, Schema, Status, UploadedFile

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented

from .. import services
from ..models import CheckIn
from ..selectors import checkins as selectors
from ..selectors.residence import SHORT_DEFINITION
from .residence import ResidenceOut, residence_out

router = Router(tags=["teams"])


class CheckInIn(Schema):
    client_id: uuid.UUID
    checked_at: datetime.datetime = documented(CheckIn, "checked_at")
    latitude: float | None = documented(CheckIn, "latitude", None)
    longitude: float | None = documented(CheckIn, "longitude", None)
    accuracy_m: int | None = documented(CheckIn, "accuracy_m", None)
    member_id: Id | None = None  # the team leader or staff entering one (代录); else one's own


class CheckInReceipt(Schema):
    """What a phone needs to forget a queued check-in: the server's id and whether it is
    new. The whole check-in is at GET /check-ins/{id}."""

    id: int
    client_id: uuid.UUID
    created: bool
    member_id: int
    checked_at: datetime.datetime
    day: datetime.date
    distance_m: int | None


class CheckInPhotoOut(Schema):
    id: int
    client_id: uuid.UUID
    created: bool


class CheckInFlagOut(Schema):
    kind: str
    reason: str


class CheckInOut(Schema):
    id: int
    client_id: uuid.UUID
    member_id: int
    checked_at: datetime.datetime
    day: datetime.date
    latitude: float | None
    longitude: float | None
    accuracy_m: int | None
    distance_m: int | None
    photo: bool
    flags: list[CheckInFlagOut]  # for those who read flags; empty for anyone else


class RegisterOut(Schema):
    status: str
    reason: str


class DayOut(Schema):
    day: datetime.date
    status: str  # in_village, official, leave, absent, not_in_term, ahead
    counted: bool
    check_ins: list[int]
    entry: RegisterOut | None  # the register kept by hand
    leave_id: int | None
    holiday: str | None
    make_up: bool


class MonthOut(Schema):
    member_id: int
    month: datetime.date
    definition: str  # what short means
    minimum: int
    official_counts: bool
    leave_counts: bool
    residence: ResidenceOut
    counts: dict[str, int]
    days: list[DayOut]


def _receipt(check_in, created: bool) -> dict:
    return {
        "id": check_in.pk,
        "client_id": check_in.client_id,
        "created": created,
        "member_id": check_in.member_id,
        "checked_at": check_in.checked_at,
        "day": check_in.day,
        "distance_m": check_in.distance_m,
    }


@router.post(
    "/check-ins",
    response={200: CheckInReceipt, 201: CheckInReceipt},
    operation_id="check_in_record",
)
def check_in_record(request, payload: CheckInIn):
    data = payload.dict()
    client_id, member_id = data.pop("client_id"), data.pop("member_id")
    check_in, created = services.check_in_record(
        actor=request.auth,
        client_id=client_id,
        member_id=member_id,
        data=services.CheckInInput(**data),
    )
    return Status(201 if created else 200, _receipt(check_in, created))


@router.post(
    "/check-ins/{client_id}/photo",
    response={200: CheckInPhotoOut, 201: CheckInPhotoOut},
    operation_id="check_in_photo_add",
)
def check_in_photo_add(request, client_id: uuid.UUID, photo: File[UploadedFile]):
    """The photo of a check-in, sent after it; a second photo for the same check-in is not
    kept (200 with the check-in as it is)."""
    check_in, created = services.check_in_photo_add(
        actor=request.auth, client_id=client_id, content=photo.read(), name=photo.name or ""
    )
    return Status(
        201 if created else 200,
        {"id": check_in.pk, "client_id": check_in.client_id, "created": created},
    )


@router.get("/check-ins/{check_in_id}", response=CheckInOut, operation_id="check_in_detail")
def check_in_detail(request, check_in_id: Id):
    check_in = selectors.check_in_for(request.auth, check_in_id)
    return {
        **{
            name: getattr(check_in, name)
            for name in (
                "id",
                "client_id",
                "member_id",
                "checked_at",
                "day",
                "latitude",
                "longitude",
                "accuracy_m",
                "distance_m",
            )
        },
        "photo": bool(check_in.photo),
        "flags": [
            {"kind": flag.kind, "reason": reason}
            for flag, reason in selectors.flags_of(request.auth, check_in)
        ],
    }


@router.get("/team-members/{member_id}/month", response=MonthOut, operation_id="team_member_month")
def team_member_month(request, member_id: Id, month: str = ""):
    """A member's month (``2026-11``; default this month): each day's status, its check-ins,
    the register's entry and approved leave, and the residence days against the rule."""
    member = selectors.member_for(request.auth, member_id)
    shown = selectors.member_month(request.auth, member, params.month(month))
    return {
        "member_id": member.pk,
        "month": shown.month,
        "definition": str(SHORT_DEFINITION),
        "minimum": shown.residence.rules.minimum,
        "official_counts": shown.residence.rules.official_counts,
        "leave_counts": shown.residence.rules.leave_counts,
        "residence": residence_out(shown.residence),
        "counts": shown.counts,
        "days": [
            {
                "day": day.day,
                "status": day.status,
                "counted": day.counted,
                "check_ins": [shown_in.check_in.pk for shown_in in day.check_ins],
                "entry": (
                    {"status": day.entry.status, "reason": day.entry.reason} if day.entry else None
                ),
                "leave_id": day.leave.pk if day.leave else None,
                "holiday": day.holiday,
                "make_up": day.make_up,
            }
            for day in shown.days
        ],
    }
