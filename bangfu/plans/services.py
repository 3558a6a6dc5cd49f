"""Writes for household plans (一户一策): each use case one transaction, audited with the
household's place.

A helper (``RECORD_PLANS``) writes the plans of the households paired with them now; the
county office (``MANAGE_PLANS``) those of every household in its places.
"""

import io
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.selectors import chosen_code
from bangfu.pairing.models import Helper
from bangfu.pairing.selectors import require_for_household
from bangfu.registry.models import Household
from bangfu.registry.services import household_locked
from bangfu.visits import photos

from .models import Acknowledgement, Effect, Measure, MeasureStatus


@dataclass
class MeasureInput:
    """What a measure says; the same for the page, the API, the demo and tests."""

    kind: str  # a value of the ``plan_measure`` code list
    content: str
    starts_on: Any
    due_on: Any
    amount: Any = None
    responsible_helper_id: int | None = None
    responsible_name: str = ""
    status: str = MeasureStatus.PLANNED


MEASURE_FIELDS = ("content", "amount", "starts_on", "due_on", "status")


def _may_write(actor, household_id: int) -> None:
    """The county office writes any plan in its places; a helper, those of the households
    paired with them now."""
    require_for_household(
        actor, household_id, anywhere=Capability.MANAGE_PLANS, own=Capability.RECORD_PLANS
    )


def _household(actor, household_id: int) -> Household:
    return household_locked(
        actor,
        household_id,
        lambda household: (
            _("Household %(number)s was merged into another; plan for it there.")
            % {"number": household.number}
        ),
    )


def _checked(data: MeasureInput, household: Household) -> dict[str, Any]:
    fields = {name: values.clean(Measure, name, getattr(data, name)) for name in MEASURE_FIELDS}
    if fields["due_on"] < fields["starts_on"]:
        raise DomainError(
            _("A measure is due on or after the day it starts."), code="bad_due_on", field="due_on"
        )
    name = values.clean(Measure, "responsible_name", data.responsible_name)
    helper = None
    if data.responsible_helper_id is not None:
        # One of the household's helpers, now or before: the person who answered for it.
        helper = Helper.objects.filter(
            pk=data.responsible_helper_id, pairings__household=household
        ).first()
        if helper is None:
            raise DomainError(
                _("The responsible helper is one paired with this household."),
                code="bad_helper",
                field="responsible_helper_id",
            )
        name = ""
    elif not name:
        raise DomainError(
            _("Say who answers for the measure: a helper of the household, or a name."),
            code="no_responsible",
            field="responsible_name",
        )
    return {**fields, "responsible_helper": helper, "responsible_name": name}


def _state(measure: Measure) -> dict[str, Any]:
    state = audit.snapshot(measure)
    state["kind"] = measure.kind.value
    return state


@transaction.atomic
def measure_add(*, actor, household_id: int, measure: MeasureInput) -> Measure:
    """Add a measure to a household's plan."""
    _may_write(actor, household_id)
    household = _household(actor, household_id)
    record = Measure(
        household=household,
        region_id=household.region_id,
        kind=chosen_code(
            "plan_measure",
            measure.kind,
            _("Choose the kind of measure from the list."),
            field="kind",
            code="bad_kind",
        ),
        recorded_at=timezone.now(),
        recorded_by=actor,
        **_checked(measure, household),
    )
    record.save()
    audit.record(
        actor=actor,
        action="measure.add",
        obj=record,
        region_code=household.region_id,
        after=_state(record),
    )
    return record


@transaction.atomic
def measure_update(*, actor, measure_id: int, measure: MeasureInput) -> Measure:
    """Change a measure: its words, money, person, days or status (a measure is never
    deleted; one given up is ``dropped``, and stays on the plan)."""
    record = Measure.objects.visible_to(actor).filter(pk=measure_id).first()
    if record is None:
        raise OutOfScope()
    _may_write(actor, record.household_id)
    household = _household(actor, record.household_id)
    before = _state(record)
    record.kind = chosen_code(
        "plan_measure",
        measure.kind,
        _("Choose the kind of measure from the list."),
        field="kind",
        code="bad_kind",
    )
    for name, value in _checked(measure, household).items():
        setattr(record, name, value)
    record.save()
    audit.record(
        actor=actor,
        action="measure.update",
        obj=record,
        region_code=record.region_id,
        before=before,
        after=_state(record),
    )
    return record


@transaction.atomic
def effect_record(*, actor, household_id: int, year: Any, summary: str) -> Effect:
    """Record (or rewrite) what the household's plan achieved in a year."""
    _may_write(actor, household_id)
    year = values.clean(Effect, "year", year)
    summary = values.clean(Effect, "summary", summary)
    household = _household(actor, household_id)
    effect = Effect.objects.filter(household=household, year=year).first()
    before = audit.snapshot(effect) if effect else None
    if effect is None:
        effect = Effect(household=household, region_id=household.region_id, year=year)
    effect.summary, effect.recorded_at, effect.recorded_by = summary, timezone.now(), actor
    effect.save()
    audit.record(
        actor=actor,
        action="effect.record",
        obj=effect,
        region_code=household.region_id,
        before=before,
        after=audit.snapshot(effect),
    )
    return effect


def _on_white(content: bytes) -> bytes:
    """A signature drawn on a transparent canvas, laid on white paper: the stored JPEG has no
    transparency, and what is transparent would turn black. Anything not an image is left
    as it came, for ``photos.prepare`` to refuse with its message."""
    try:
        image = Image.open(io.BytesIO(content))
        if image.width * image.height > photos.MOST_PIXELS or "A" not in image.getbands():
            return content
        paper = Image.new("RGB", image.size, "white")
        paper.paste(image, mask=image.getchannel("A"))
    except (OSError, ValueError, Image.DecompressionBombError):
        return content
    out = io.BytesIO()
    paper.save(out, "PNG")
    return out.getvalue()


def _sent_before(actor, client_id: uuid.UUID) -> Acknowledgement | None:
    """The acknowledgement this phone-made id already recorded; one outside the actor's
    places answers as a household not found."""
    earlier = Acknowledgement.objects.filter(client_id=client_id).first()
    if earlier is None:
        return None
    if not Acknowledgement.objects.visible_to(actor).filter(pk=earlier.pk).exists():
        raise OutOfScope()
    _may_write(actor, earlier.household_id)
    return earlier


def acknowledgement_add(
    *,
    actor,
    household_id: int,
    client_id: uuid.UUID,
    kind: str,
    signed_by: str,
    content: bytes,
    name: str = "",
) -> tuple[Acknowledgement, bool]:
    """The household's acknowledgement of its plan (户主签字确认): a signature drawn on the
    phone or a photo of the signed paper. An id sent twice answers with the first."""
    earlier = _sent_before(actor, client_id)
    if earlier is not None:
        return earlier, False
    _may_write(actor, household_id)
    kind = values.clean(Acknowledgement, "kind", kind)
    signed_by = values.clean(Acknowledgement, "signed_by", signed_by)
    prepared = photos.prepare(_on_white(content), name)  # outside the transaction: slow
    stored = default_storage.save(
        timezone.localdate().strftime("plans/%Y/%m/") + f"{client_id}.jpg",
        ContentFile(prepared.content),
    )
    try:
        with transaction.atomic():
            household = _household(actor, household_id)
            record = Acknowledgement.objects.create(
                client_id=client_id,
                household=household,
                region_id=household.region_id,
                kind=kind,
                signed_by=signed_by,
                image=stored,
                width=prepared.width,
                height=prepared.height,
                recorded_at=timezone.now(),
                recorded_by=actor,
            )
            audit.record(
                actor=actor,
                action="acknowledgement.add",
                obj=record,
                region_code=household.region_id,
                after=audit.snapshot(record),
            )
    except IntegrityError:
        default_storage.delete(stored)
        earlier = _sent_before(actor, client_id)
        if earlier is None:
            raise
        return earlier, False
    except BaseException:
        default_storage.delete(stored)
        raise
    return record, True


def plans_follow_household(household_id: int, region_code: str) -> None:
    """A household moved (the registry's audited move, in its transaction): its plan is read
    at its new place."""
    Measure.objects.filter(household_id=household_id).update(region_id=region_code)
    Effect.objects.filter(household_id=household_id).update(region_id=region_code)
    Acknowledgement.objects.filter(household_id=household_id).update(region_id=region_code)
