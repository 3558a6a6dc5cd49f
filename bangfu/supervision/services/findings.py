"""Writes of findings (督查发现的问题) and their rectification (整改) to closure (销号).

An inspector records a finding about a record (a household, helper, team, project or visit)
or about a place's work, with its category, the unit and person responsible and evidence;
its deadline is the rule's (``deadlines.rectification_deadline``). The people of its place
who rectify (``RECTIFY``) start the work and submit what they did with their evidence; an
inspector verifies it and closes it, or returns it with a reason. Maker–checker: whoever
submitted a rectification of a finding never closes or returns it, whatever capabilities
they hold. Every step is a ``RectificationStep`` row, never edited; ``Finding.state`` says
where the rectification stands.

A finding's place is the place of the record it concerns — a household's village (or group),
a visit's household's, a helper's, a team's village, a project's place — or, about no record,
the place named; it stays where it was found, whatever moves later: rectifying it is that
place's duty.
"""

import datetime
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.models import Code, Region
from bangfu.core.regions import code_range
from bangfu.core.selectors import chosen_code, visible_place
from bangfu.core.services import sent_before, sent_once
from bangfu.monitoring.services.common import counted
from bangfu.pairing.models import Helper, Unit
from bangfu.projects.models import Project
from bangfu.projects.services.library import file_content
from bangfu.registry.models import Household
from bangfu.teams.models import Team
from bangfu.visits.models import Visit

from ..deadlines import rectification_deadline
from ..models import (
    Evidence,
    Finding,
    FindingSource,
    FindingState,
    InspectionRound,
    RectificationStep,
    RoundState,
    StepAction,
)
from .sent import recorded_once

# Where a rectification may go from each state, and what takes it there.
STARTABLE = (FindingState.ASSIGNED, FindingState.RETURNED)
SUBMITTABLE = (FindingState.ASSIGNED, FindingState.IN_PROGRESS, FindingState.RETURNED)
MOST_FILES = 9  # photos at once: a phone's page of them

FINDING_AUDIT_FIELDS = [
    "region",
    "round",
    "source",
    "household",
    "helper",
    "team",
    "project",
    "visit",
    "description",
    "unit",
    "responsible_person",
    "found_on",
    "deadline",
    "days_counted",
    "state",
    "closed_on",
]
# The records a finding may concern, by the argument naming them.
CONCERNS: dict[str, Any] = {  # their models, each read through visible_to
    "household_id": Household,
    "helper_id": Helper,
    "team_id": Team,
    "project_id": Project,
    "visit_id": Visit,
}


def _state(finding: Finding) -> dict[str, Any]:
    return audit.snapshot(finding, FINDING_AUDIT_FIELDS) | {"category": finding.category.value}


def lies_under(code: str, region: Region) -> bool:
    """Whether the place ``code`` is ``region`` or lies under it."""
    lo, hi = code_range(region.code, region.level)
    return lo <= code < hi


def _concerned(actor, named: dict[str, int | None]) -> tuple[dict[str, Any], str | None]:
    """The record the finding concerns (at most one named), visible to the actor, as the
    finding's fields, and its place. A visit names its household and helper too."""
    given = {name: pk for name, pk in named.items() if pk is not None}
    if len(given) > 1:
        raise DomainError(
            _(
                "Name one record the finding concerns (a household, helper, team, project or "
                "visit), not several."
            ),
            code="several_records",
            field=next(iter(given)),
        )
    if not given:
        return {}, None
    ((name, pk),) = given.items()
    record = CONCERNS[name].objects.visible_to(actor).filter(pk=pk).first()
    if record is None:
        raise OutOfScope()
    field = name.removesuffix("_id")
    if isinstance(record, Visit):
        return {
            "visit": record,
            "household_id": record.household_id,
            "helper_id": record.helper_id,
        }, record.region_id
    return {field: record}, record.region_id


def _place(actor, region_code: str, record_place: str | None) -> Region:
    """The finding's place: the record's, which must lie under ``region_code`` where one is
    named; about no record, the place named, among the actor's."""
    named = visible_place(actor, str(region_code or "").strip()) if region_code else None
    if region_code and named is None:
        raise DomainError(
            _("Choose a place among your places (its code)."), code="bad_place", field="region_code"
        )
    if record_place is None:
        if named is None:
            raise DomainError(
                _("Name the place the finding is about, or the record it concerns."),
                code="no_place",
                field="region_code",
            )
        return named
    if named is not None and not lies_under(record_place, named):
        raise DomainError(
            _("The record the finding concerns lies outside %(place)s.") % {"place": named.name},
            code="outside_place",
            field="region_code",
        )
    return Region.objects.get(code=record_place)


def _round(actor, round_id: int | None, region: Region) -> InspectionRound | None:
    """The open round of a place that contains the finding's place, or none."""
    if round_id is None:
        return None
    inspection = (
        InspectionRound.objects.visible_to(actor)
        .select_related("region")
        .filter(pk=round_id)
        .first()
    )
    if inspection is None:
        raise OutOfScope()
    if inspection.state != RoundState.OPEN:
        raise DomainError(
            _(
                "The inspection round %(round)s is closed; record the finding without it or in "
                "an open round."
            )
            % {"round": inspection},
            code="round_closed",
            field="round_id",
        )
    if not lies_under(region.code, inspection.region):
        raise DomainError(
            _("%(place)s lies outside the place of the inspection round %(round)s.")
            % {"place": region.name, "round": inspection},
            code="outside_round",
            field="round_id",
        )
    return inspection


def _unit(actor, unit_id: int | None, concerned: dict[str, Any]) -> Unit | None:
    """The responsible unit named, among the actor's places; by default the unit of the
    helper or team the finding concerns."""
    if unit_id is None:
        for name in ("helper", "team"):
            if concerned.get(name) is not None:
                return concerned[name].unit
        return None
    unit = Unit.objects.visible_to(actor).filter(pk=unit_id).first()
    if unit is None:
        raise OutOfScope()
    return unit


def _prepared(files: Iterable[tuple[str, bytes]], field: str) -> list[tuple[str, str, str]]:
    """Each file checked and stored as the projects' files are (a PDF as it came, a photo
    resized without its metadata): (kind, name, stored path). Outside any transaction (the
    photo work is slow); the caller deletes them if its transaction fails."""
    files = list(files)
    if len(files) > MOST_FILES:
        raise DomainError(
            _("Send at most %(most)d files at once.") % {"most": MOST_FILES},
            code="too_many_files",
            field=field,
        )
    stored: list[tuple[str, str, str]] = []
    try:
        for name, data in files:
            name = values.clean(Evidence, "name", name, field=field)
            try:
                kind, content, extension = file_content(name, data)
            except DomainError as refusal:
                raise DomainError(refusal.message, code=refusal.code, field=field) from None
            path = default_storage.save(
                timezone.localdate().strftime("supervision/%Y/%m/") + f"{uuid.uuid4()}.{extension}",
                ContentFile(content),
            )
            stored.append((kind, name, path))
    except BaseException:
        _forget(stored)
        raise
    return stored


def _forget(stored: Sequence[tuple[str, str, str]]) -> None:
    for _kind, _name, path in stored:
        default_storage.delete(path)


def _keep(
    actor,
    finding: Finding,
    stored,
    step: RectificationStep | None = None,
    client_id: uuid.UUID | None = None,
) -> list[Evidence]:
    return [
        Evidence.objects.create(
            finding=finding,
            step=step,
            client_id=client_id,
            region_id=finding.region_id,
            kind=kind,
            name=name,
            file=path,
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        for kind, name, path in stored
    ]


def _category(value: str) -> Code:
    return chosen_code(
        "finding_category",
        value,
        _("Choose the category of the finding from the list (未按规定走访, 记录不实…)."),
        field="category",
        code="bad_category",
    )


def _named_photos(photos: Iterable[bytes]) -> list[tuple[str, bytes]]:
    return [(_("Photo %(n)d") % {"n": n}, data) for n, data in enumerate(photos, start=1)]


def finding_record(
    *,
    actor,
    region_code: str = "",
    category: str,
    description: str,
    found_on: datetime.date | str | None = None,
    round_id: int | None = None,
    household_id: int | None = None,
    helper_id: int | None = None,
    team_id: int | None = None,
    project_id: int | None = None,
    visit_id: int | None = None,
    unit_id: int | None = None,
    responsible_person: str = "",
    photos: Iterable[bytes] = (),
    documents: Iterable[tuple[str, bytes]] = (),
    client_id: uuid.UUID | None = None,
    sent_digest: str = "",
) -> Finding:
    """Record a finding of an inspection (督查问题), assigned to its place for rectification
    (已交办) with the deadline of the rule at its place, and its evidence: ``photos`` (JPEG or
    PNG) and ``documents`` ((name, data): a PDF or a photo)."""
    require(actor, Capability.INSPECT)
    stored = _prepared([*_named_photos(photos), *documents], "photos")
    try:
        with transaction.atomic():
            concerned, record_place = _concerned(
                actor,
                {
                    "household_id": household_id,
                    "helper_id": helper_id,
                    "team_id": team_id,
                    "project_id": project_id,
                    "visit_id": visit_id,
                },
            )
            region = _place(actor, region_code, record_place)
            found = values.clean(Finding, "found_on", found_on or timezone.localdate())
            due = rectification_deadline(region.code, found)
            finding = Finding.objects.create(
                round=_round(actor, round_id, region),
                region=region,
                category=_category(category),
                source=FindingSource.INSPECTION,
                description=values.clean(Finding, "description", description),
                unit=_unit(actor, unit_id, concerned),
                responsible_person=values.clean(Finding, "responsible_person", responsible_person),
                found_on=found,
                deadline=due.day,
                days_counted=counted(due),
                state=FindingState.ASSIGNED,
                recorded_at=timezone.now(),
                recorded_by=actor,
                client_id=client_id,
                sent_digest=sent_digest,
                **concerned,
            )
            evidence = _keep(actor, finding, stored)
            audit.record(
                actor=actor,
                action="finding.record",
                obj=finding,
                region_code=region.code,
                after=_state(finding) | {"evidence": [e.name for e in evidence]},
            )
    except BaseException:
        _forget(stored)
        raise
    return finding


def finding_sent(*, actor, client_id: uuid.UUID, **details: Any) -> tuple[Finding, bool]:
    """A finding recorded on an inspector's phone on the spot, perhaps offline, with the id the
    phone made for it (its photos follow one by one: ``finding_photo_sent``): (finding, True),
    or (the finding this id recorded before, False) when it is sent again — one finding, one
    audit entry. The same id with other details is refused. ``details`` are
    ``finding_record``'s, without photos or documents."""
    return recorded_once(
        Finding,
        actor=actor,
        client_id=client_id,
        sent=details,
        record=lambda made: finding_record(
            actor=actor, client_id=client_id, sent_digest=made, **details
        ),
        taken=_("This finding's id was used by someone else; reload the page and record it again."),
    )


def finding_photo_sent(
    *, actor, finding_client_id: uuid.UUID, photo_client_id: uuid.UUID, content: bytes, name: str
) -> tuple[Evidence, bool]:
    """A photo of a finding recorded on a phone, sent after it (one request a photo, so that a
    weak signal loses at most one) with the id the phone made for it: kept with the finding as
    its inspector's evidence, once however often it is sent."""
    finding = (
        Finding.objects.visible_to(actor).filter(client_id=finding_client_id).only("pk").first()
    )
    if finding is None:
        raise OutOfScope()
    return sent_once(
        lambda: sent_before(
            Evidence,
            actor,
            photo_client_id,
            _("This photo's id was used by someone else; reload the page and send it again."),
        ),
        lambda: finding_evidence_add(
            actor=actor,
            finding_id=finding.pk,
            name=name,
            data=content,
            client_id=photo_client_id,
        ),
    )


def _finding(actor, finding_id: int) -> Finding:
    """The finding of that id within the actor's places, its row locked (the steps of one
    finding wait for each other on it); one outside them is missing (404)."""
    finding = (
        Finding.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("category")
        .filter(pk=finding_id)
        .first()
    )
    if finding is None:
        raise OutOfScope()
    return finding


def finding_evidence_add(
    *, actor, finding_id: int, name: str, data: bytes, client_id: uuid.UUID | None = None
) -> Evidence:
    """Keep one more photo or PDF with a finding, the inspector's (not a step's); a closed
    finding keeps its evidence as it was closed with. A phone's photo comes through
    ``finding_photo_sent`` with its id."""
    require(actor, Capability.INSPECT)
    stored = _prepared([(name, data)], "file")
    try:
        with transaction.atomic():
            finding = _finding(actor, finding_id)
            if finding.state == FindingState.CLOSED:
                raise DomainError(
                    _("The finding is closed; its evidence stays as it was closed with."),
                    code="closed",
                )
            (evidence,) = _keep(actor, finding, stored, client_id=client_id)
            audit.record(
                actor=actor,
                action="finding.evidence_add",
                obj=evidence,
                region_code=finding.region_id,
                after=audit.snapshot(evidence, ["finding", "kind", "name", "file"]),
            )
    except BaseException:
        _forget(stored)
        raise
    return evidence


def submitted_by(finding: Finding, user) -> bool:
    """Whether ``user`` submitted a rectification of the finding (then they never verify it)."""
    return finding.steps.filter(action=StepAction.SUBMIT, recorded_by=user).exists()


def _refuse_state(finding: Finding, allowed: Sequence[str], message: str) -> None:
    if finding.state not in allowed:
        raise DomainError(
            message % {"state": FindingState(finding.state).label}, code="bad_state", field="state"
        )


def _step(
    actor, finding: Finding, action: str, note: str, to: str, *, audit_action: str, stored=()
) -> RectificationStep:
    """One step of the rectification: the row, the finding's new state, the evidence, the
    audit entry."""
    before = _state(finding)
    step = RectificationStep.objects.create(
        finding=finding,
        region_id=finding.region_id,
        action=action,
        note=note,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    finding.state = to
    finding.closed_on = timezone.localdate() if to == FindingState.CLOSED else None
    finding.save(update_fields=["state", "closed_on"])
    evidence = _keep(actor, finding, stored, step)
    audit.record(
        actor=actor,
        action=audit_action,
        obj=finding,
        region_code=finding.region_id,
        before=before,
        after=_state(finding)
        | {"step": {"action": action, "note": note}, "evidence": [e.name for e in evidence]},
    )
    return step


@transaction.atomic
def rectification_start(*, actor, finding_id: int, note: str = "") -> Finding:
    """The place starts rectifying an assigned or returned finding (整改中)."""
    require(actor, Capability.RECTIFY)
    finding = _finding(actor, finding_id)
    _refuse_state(
        finding,
        STARTABLE,
        _("Only an assigned or returned finding can be started; this one is %(state)s."),
    )
    note = values.clean(RectificationStep, "note", note)
    _step(
        actor,
        finding,
        StepAction.START,
        note,
        FindingState.IN_PROGRESS,
        audit_action="rectification.start",
    )
    return finding


def rectification_submit(
    *, actor, finding_id: int, note: str, photos: Iterable[bytes] = ()
) -> Finding:
    """The place submits its rectification (已提交): what it did, with its evidence, for an
    inspector to verify."""
    require(actor, Capability.RECTIFY)
    note = values.clean(RectificationStep, "note", note)
    if not note:
        raise DomainError(
            _("Say what was done to rectify the finding."), code="no_note", field="note"
        )
    stored = _prepared(_named_photos(photos), "photos")
    try:
        with transaction.atomic():
            finding = _finding(actor, finding_id)
            _refuse_state(
                finding,
                SUBMITTABLE,
                _("Only a finding being rectified can be submitted; this one is %(state)s."),
            )
            _step(
                actor,
                finding,
                StepAction.SUBMIT,
                note,
                FindingState.SUBMITTED,
                audit_action="rectification.submit",
                stored=stored,
            )
    except BaseException:
        _forget(stored)
        raise
    return finding


def _verifiable(actor, finding_id: int, message: str) -> Finding:
    """A submitted finding the actor may verify: an inspector who submitted none of its
    rectifications (maker–checker)."""
    require(actor, Capability.INSPECT)
    finding = _finding(actor, finding_id)
    _refuse_state(finding, (FindingState.SUBMITTED,), message)
    if submitted_by(finding, actor):
        raise DomainError(
            _("You submitted this rectification; another person must verify it."),
            code="maker_checker",
        )
    return finding


@transaction.atomic
def rectification_close(*, actor, finding_id: int, note: str = "") -> Finding:
    """An inspector verifies the submitted rectification and closes the finding (销号), today."""
    finding = _verifiable(
        actor,
        finding_id,
        _("Only a submitted rectification can be closed; this one is %(state)s."),
    )
    note = values.clean(RectificationStep, "note", note)
    _step(
        actor,
        finding,
        StepAction.CLOSE,
        note,
        FindingState.CLOSED,
        audit_action="rectification.close",
    )
    return finding


@transaction.atomic
def rectification_return(*, actor, finding_id: int, reason: str) -> Finding:
    """An inspector returns the submitted rectification (已退回) with the reason: it is to be
    done again."""
    finding = _verifiable(
        actor,
        finding_id,
        _("Only a submitted rectification can be returned; this one is %(state)s."),
    )
    reason = values.clean(RectificationStep, "note", reason, field="reason")
    if not reason:
        raise DomainError(
            _("Say why the rectification is returned."), code="no_reason", field="reason"
        )
    _step(
        actor,
        finding,
        StepAction.RETURN,
        reason,
        FindingState.RETURNED,
        audit_action="rectification.return",
    )
    return finding
