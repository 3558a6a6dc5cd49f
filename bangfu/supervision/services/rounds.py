"""Writes of inspection rounds (月度督查) and their samples (抽样).

A round is planned for a month at a county or township of the planner's places, with its
inspection group (people holding INSPECT whose places cover the round's place), its methods
and how many households, helpers, units and teams to sample; all sizes zero is a round of
documents only. Its details change until its sample is drawn.

The sample is drawn by the system from a seed it makes (``secrets.randbits(63)``) and keeps
(``SampleDraw``): ``draw_sample`` is a pure function of the seed and the records drawn from,
so anyone can draw again and get the same sample (``selectors.rounds.sample_verify``). The
records drawn from (``candidates``) are kept in the draw's audit entry, township by township.
A redraw is a new draw with a new seed and a reason, audited with both seeds; the draws before
stay. Once a survey or a finding of the round exists, the sample is what they were made on,
and it is no longer drawn again; nor is a closed round's.
"""

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.accounts.models import User
from bangfu.accounts.roles import ROLE_CAPABILITIES
from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel, ancestor_codes
from bangfu.core.selectors import visible_place

from ..models import InspectionRound, Method, RoundState, SampleDraw, SampleItem, SampleKind
from .rounds_sampling import by_stratum, by_township, candidates_of, draw_sample, kind_seed

ROUND_PLACES = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
# The sizes a round asks for, by the kind of record sampled.
WANTED = {
    SampleKind.HOUSEHOLD: "households_wanted",
    SampleKind.HELPER: "helpers_wanted",
    SampleKind.UNIT: "units_wanted",
    SampleKind.TEAM: "teams_wanted",
}
ROUND_AUDIT_FIELDS = ["region", "month", "title", "methods", *WANTED.values(), "stratified"]


# -- planning -------------------------------------------------------------------------------


def inspector_roles() -> list[str]:
    return sorted(role for role, held in ROLE_CAPABILITIES.items() if Capability.INSPECT in held)


def eligible_inspectors(*region_codes: str) -> QuerySet[User]:
    """Who may be in the inspection group of a round at one of ``region_codes``: active people
    holding INSPECT through a role, whose places cover it (they hold it or a place above)."""
    covering = {above for code in region_codes for above in ancestor_codes(code)}
    return (
        User.objects.filter(
            is_active=True,
            role_grants__role__in=inspector_roles(),
            places__code__in=covering,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def month_of(model, raw: Any, name: str = "month") -> datetime.date:
    """A month given as ``2026-11`` or any day of it, checked by ``model``'s rule for
    ``name``, as its first day."""
    if isinstance(raw, str) and len(raw.strip()) == 7:
        raw = raw.strip() + "-01"
    month = values.clean(model, name, raw)
    return month.replace(day=1)


def _place(actor, region_code: str) -> Region:
    region = visible_place(actor, region_code)
    if region is None or region.level not in ROUND_PLACES:
        raise DomainError(
            _("An inspection round is of a county or a township of your places."),
            code="bad_place",
            field="region_code",
        )
    return region


def _methods(methods: Iterable[str] | None) -> str:
    chosen = set(methods or ())
    unknown = chosen - set(Method.values)
    if unknown or not chosen:
        raise DomainError(
            _(
                "Choose how the round inspects: on-site checks, document review, phone surveys, "
                "home visits (at least one)."
            ),
            code="bad_methods",
            field="methods",
        )
    return ",".join(method for method in Method.values if method in chosen)


def _inspectors(actor, region: Region, inspector_ids: Iterable[Any]) -> list[User]:
    """The inspection group: at least one person; each holds INSPECT and covers the place.
    A person outside the actor's sight is refused without being named."""
    ids: list[int] = []
    for raw in inspector_ids or ():
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**63:
            raise DomainError(
                _("Choose the inspectors from the list."), code="bad_inspector", field="inspectors"
            )
        if raw not in ids:
            ids.append(raw)
    if not ids:
        raise DomainError(
            _("Name at least one inspector of the inspection group."),
            code="no_inspector",
            field="inspectors",
        )
    eligible = {user.pk: user for user in eligible_inspectors(region.code).filter(pk__in=ids)}
    for pk in ids:
        if pk in eligible:
            continue
        person = User.objects.filter(pk=pk).first()
        seen = person is not None and any(
            visible_place(actor, code) is not None or code in ancestor_codes(region.code)
            for code, _level in person.held_places()
        )
        if not seen:
            raise DomainError(
                _("Choose the inspectors from the list."), code="bad_inspector", field="inspectors"
            )
        raise DomainError(
            _(
                "%(name)s is not an inspector of %(place)s: the inspection group is of people "
                "with the inspector's role whose places cover the round's place."
            )
            % {"name": person, "place": region.name},
            code="not_an_inspector",
            field="inspectors",
        )
    return [eligible[pk] for pk in ids]


def _state(inspection: InspectionRound) -> dict[str, Any]:
    """The round as the audit log keeps it, with its inspection group by user id."""
    state = audit.snapshot(inspection, ROUND_AUDIT_FIELDS + ["notes", "state"])
    state["inspectors"] = sorted(inspection.inspectors.values_list("pk", flat=True))
    return state


def _write(
    actor,
    inspection: InspectionRound,
    *,
    title: str,
    methods: Iterable[str],
    inspector_ids: Iterable[int],
    households_wanted: Any,
    helpers_wanted: Any,
    units_wanted: Any,
    teams_wanted: Any,
    stratified: Any,
    notes: str,
) -> None:
    inspection.title = values.clean(InspectionRound, "title", title)
    inspection.methods = _methods(methods)
    sizes = {
        "households_wanted": households_wanted,
        "helpers_wanted": helpers_wanted,
        "units_wanted": units_wanted,
        "teams_wanted": teams_wanted,
    }
    for name, raw in sizes.items():
        setattr(inspection, name, values.clean(InspectionRound, name, raw) or 0)
    if not isinstance(stratified, bool):
        raise DomainError(
            _("Say whether the sample is drawn township by township (yes or no)."),
            code="bad_flag",
            field="stratified",
        )
    inspection.stratified = stratified
    inspection.notes = values.clean(InspectionRound, "notes", notes)
    group = _inspectors(actor, inspection.region, inspector_ids)
    inspection.save()
    inspection.inspectors.set(group)


@transaction.atomic
def round_plan(
    *,
    actor,
    region_code: str,
    month: Any,
    title: str,
    methods: list[str],
    inspector_ids: list[int],
    households_wanted: Any = 0,
    helpers_wanted: Any = 0,
    units_wanted: Any = 0,
    teams_wanted: Any = 0,
    stratified: bool = False,
    notes: str = "",
) -> InspectionRound:
    """Plan a month's inspection of a county or township (月度督查): its group, its methods and
    how many of each kind of record to sample (all zero: a round of documents only)."""
    require(actor, Capability.INSPECT)
    region = _place(actor, region_code)
    inspection = InspectionRound(
        region=region,
        month=month_of(InspectionRound, month),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    _write(
        actor,
        inspection,
        title=title,
        methods=methods,
        inspector_ids=inspector_ids,
        households_wanted=households_wanted,
        helpers_wanted=helpers_wanted,
        units_wanted=units_wanted,
        teams_wanted=teams_wanted,
        stratified=stratified,
        notes=notes,
    )
    audit.record(
        actor=actor,
        action="inspection.plan",
        obj=inspection,
        region_code=region.code,
        after=_state(inspection),
    )
    return inspection


def _round(actor, round_id: int) -> InspectionRound:
    """The round of that id within the actor's places, its row locked (the writes about one
    round wait for each other on it); one outside them is missing (404)."""
    require(actor, Capability.INSPECT)
    inspection = (
        InspectionRound.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=round_id)
        .first()
    )
    if inspection is None:
        raise OutOfScope()
    return inspection


def _open(inspection: InspectionRound) -> None:
    if inspection.state == RoundState.CLOSED:
        raise DomainError(
            _("The round %(round)s is closed; nothing more is changed or drawn in it.")
            % {"round": inspection},
            code="round_closed",
        )


@transaction.atomic
def round_update(
    *,
    actor,
    round_id: int,
    title: str,
    methods: list[str],
    inspector_ids: list[int],
    households_wanted: Any = 0,
    helpers_wanted: Any = 0,
    units_wanted: Any = 0,
    teams_wanted: Any = 0,
    stratified: bool = False,
    notes: str = "",
) -> InspectionRound:
    """Change a round's details until its sample is drawn (the sizes and the group are what
    the draw was made for); its place and month stay."""
    inspection = _round(actor, round_id)
    _open(inspection)
    if inspection.draws.exists():
        raise DomainError(
            _("The sample of %(round)s has been drawn; its details no longer change.")
            % {"round": inspection},
            code="drawn",
        )
    before = _state(inspection)
    _write(
        actor,
        inspection,
        title=title,
        methods=methods,
        inspector_ids=inspector_ids,
        households_wanted=households_wanted,
        helpers_wanted=helpers_wanted,
        units_wanted=units_wanted,
        teams_wanted=teams_wanted,
        stratified=stratified,
        notes=notes,
    )
    audit.record(
        actor=actor,
        action="inspection.update",
        obj=inspection,
        region_code=inspection.region_id,
        before=before,
        after=_state(inspection),
    )
    return inspection


@transaction.atomic
def round_close(*, actor, round_id: int) -> InspectionRound:
    """Close a round: its sample and details stay as they are (its findings go on being
    rectified)."""
    inspection = _round(actor, round_id)
    _open(inspection)
    before = _state(inspection)
    inspection.state = RoundState.CLOSED
    inspection.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="inspection.close",
        obj=inspection,
        region_code=inspection.region_id,
        before=before,
        after=_state(inspection),
    )
    return inspection


# -- drawing --------------------------------------------------------------------------------


def _draw(actor, inspection: InspectionRound, number: int, reason: str) -> tuple[SampleDraw, dict]:
    """Make draw ``number`` of the round from a new seed, store what it picked and answer it
    with what its audit entry keeps: the seed, the sizes, the candidates by township, the
    ids drawn."""
    seed = secrets.randbits(63)
    now = timezone.now()
    draw = SampleDraw.objects.create(
        round=inspection,
        region_id=inspection.region_id,
        number=number,
        seed=seed,
        reason=reason,
        drawn_at=now,
        drawn_by=actor,
    )
    kept: dict[str, Any] = {
        "number": number,
        "seed": seed,
        "reason": reason,
        "stratified": inspection.stratified,
        "wanted": {},
        "candidates": {},
        "drawn": {},
    }
    items: list[SampleItem] = []
    on = timezone.localdate()
    for kind, size_field in WANTED.items():
        size = getattr(inspection, size_field)
        kept["wanted"][kind] = size
        if not size:
            continue
        candidates = candidates_of(inspection.region, kind, on)
        picked = draw_sample(
            kind_seed(seed, kind), candidates, size, by_township if inspection.stratified else None
        )
        kept["candidates"][kind] = by_stratum(candidates)
        kept["drawn"][kind] = [candidate.pk for candidate in picked]
        items += [
            SampleItem(
                draw=draw,
                region_id=candidate.region,
                kind=kind,
                position=position,
                **{f"{kind}_id": candidate.pk},
            )
            for position, candidate in enumerate(picked, start=1)
        ]
    SampleItem.objects.bulk_create(items)
    return draw, kept


def _samples_something(inspection: InspectionRound) -> None:
    if not any(getattr(inspection, size) for size in WANTED.values()):
        raise DomainError(
            _("%(round)s samples no records (all its sizes are 0); there is nothing to draw.")
            % {"round": inspection},
            code="nothing_to_draw",
        )


@transaction.atomic
def sample_draw(*, actor, round_id: int) -> SampleDraw:
    """Draw the round's sample (抽样) for the first time, from a seed the system makes."""
    inspection = _round(actor, round_id)
    _open(inspection)
    _samples_something(inspection)
    if inspection.draws.exists():
        raise DomainError(
            _("The sample of %(round)s has been drawn; drawing again needs a reason.")
            % {"round": inspection},
            code="drawn",
        )
    draw, kept = _draw(actor, inspection, 1, "")
    audit.record(
        actor=actor,
        action="sample.draw",
        obj=draw,
        region_code=inspection.region_id,
        after=kept,
    )
    return draw


@transaction.atomic
def sample_redraw(*, actor, round_id: int, reason: str) -> SampleDraw:
    """Draw the round's sample again (重新抽样), from a new seed, for a reason (a sampled
    household moved away, the group was sent elsewhere); the draw before stays on record.
    Refused once the round is closed or a survey or a finding of the round exists: they were
    made on the sample in force."""
    inspection = _round(actor, round_id)
    _open(inspection)
    reason = values.clean(SampleDraw, "reason", reason)
    if not reason:
        raise DomainError(_("Say why the sample is drawn again."), code="no_reason", field="reason")
    previous = inspection.draws.order_by("-number").first()
    if previous is None:
        raise DomainError(
            _("The sample of %(round)s has not been drawn yet; draw it first.")
            % {"round": inspection},
            code="not_drawn",
        )
    if inspection.surveys.exists() or inspection.findings.exists():
        raise DomainError(
            _(
                "Surveys or findings of %(round)s were made on its sample; it is no longer drawn "
                "again."
            )
            % {"round": inspection},
            code="sample_in_use",
        )
    draw, kept = _draw(actor, inspection, previous.number + 1, reason)
    before = {
        "number": previous.number,
        "seed": previous.seed,
        "drawn": {
            kind: list(
                previous.items.filter(kind=kind)
                .order_by("position")
                .values_list(f"{kind}_id", flat=True)
            )
            for kind in kept["drawn"]
        },
    }
    audit.record(
        actor=actor,
        action="sample.redraw",
        obj=draw,
        region_code=inspection.region_id,
        before=before,
        after=kept,
    )
    return draw


def sizes_of(inspection: InspectionRound) -> dict[str, int]:
    return {kind: getattr(inspection, field) for kind, field in WANTED.items()}


def methods_of(inspection: InspectionRound) -> list[tuple[str, str]]:
    """(value, label) of the round's methods, in Method's order."""
    chosen = set(inspection.methods.split(","))
    return [(value, str(label)) for value, label in Method.choices if value in chosen]
