"""Writes for visits (走访): each use case one transaction, audited. Each write also brings
the month roll-ups (``rollups``) and the truthfulness flags (``flags``) of what it touched
up to date, in the same transaction.

A visit carries an id made on the phone (``client_id``): recording the same id again answers
with the visit already recorded, so a retry or a double send never makes two visits.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bangfu.core import audit, faults, values
from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.geo import distance_m
from bangfu.core.models import Code
from bangfu.core.selectors import may_be_code
from bangfu.core.services import sent_before
from bangfu.pairing.models import Helper, Pairing
from bangfu.registry.models import Household
from bangfu.registry.services import household_locked

from . import flags, photos, reminders, rollups, selectors
from .models import Problem, ReminderSent, Visit, VisitFlag, VisitKind, VisitMonth, VisitPhoto

MOST_PROBLEMS = 20
DELETE_REASON = values.Text(300)  # kept in the audit log, beside what the visit said


@dataclass
class VisitInput:
    """What a helper says about one visit; the same for the phone page, the API and tests."""

    household_id: int
    visited_at: datetime.datetime
    kind: str = VisitKind.HOME
    services: list[str] = field(default_factory=list)  # values of the 十送 code list
    notes: str = ""
    goods_value: Any = Decimal(0)
    money_value: Any = Decimal(0)
    jobs_found: int = 0
    problems: list[str] = field(default_factory=list)
    latitude: Any = None
    longitude: Any = None
    accuracy_m: int | None = None


def _state(visit: Visit, codes: list[Code] | None = None) -> dict[str, Any]:
    state = audit.snapshot(visit)
    chosen = (
        [c.value for c in codes]
        if codes is not None
        else visit.services.values_list("value", flat=True)
    )
    state["services"] = sorted(chosen)
    return state


# What a visit says of itself, each under its rule (``Visit.value_rules``). Amounts and jobs
# left empty are none given.
VISIT_FIELDS = ("visited_at", "kind", "notes", "latitude", "longitude", "accuracy_m")
COUNTED = ("goods_value", "money_value", "jobs_found")


def _checked(data: VisitInput) -> dict[str, Any]:
    """The visit's own fields, checked; refusals name the field and what to do."""
    fields = {name: values.clean(Visit, name, getattr(data, name)) for name in VISIT_FIELDS}
    for name in COUNTED:
        fields[name] = values.clean(Visit, name, getattr(data, name) or 0)
    return with_position(fields)


def with_position(fields: dict[str, Any]) -> dict[str, Any]:
    """A phone's position is whole or none: latitude and longitude together, and an accuracy
    only with them. Visits and check-ins alike."""
    if (fields["latitude"] is None) != (fields["longitude"] is None):
        raise DomainError(
            _("The phone's position needs both latitude and longitude."),
            code="bad_position",
            field="latitude",
        )
    if fields["latitude"] is None:
        fields["accuracy_m"] = None
    return fields


def _service_codes(chosen: list[str]) -> list[Code]:
    wanted = {str(value).strip() for value in chosen if str(value).strip()}
    fits = {value for value in wanted if may_be_code(value)}
    codes = list(Code.objects.filter(kind="visit_service", value__in=fits, retired=False))
    unknown = wanted - {code.value for code in codes}
    if unknown:
        raise DomainError(
            _("%(codes)s is not in the list of what a visit does (十送); choose from the list.")
            % {"codes": "、".join(sorted(value[:20] for value in unknown)[:5])},
            code="bad_service",
            field="services",
        )
    return codes


def _problems(lines: list[str]) -> list[str]:
    found = [line for line in lines if line and str(line).strip()]
    if len(found) > MOST_PROBLEMS:
        raise DomainError(
            _("Enter at most %(n)d problems for one visit.") % {"n": MOST_PROBLEMS},
            code="too_many_problems",
            field="problems",
        )
    return [values.clean(Problem, "description", line, field="problems") for line in found]


def _helper_of(actor, helper_id: int | None) -> Helper:
    """The helper a visit is logged for: the actor's own record, or (for staff who enter
    paper records, 代录) a helper paired with a household in their places."""
    own = Helper.objects.filter(user=actor).first() if actor.is_authenticated else None
    if helper_id is None or (own is not None and own.pk == helper_id):
        if own is None:
            raise DomainError(
                _("Your login is not linked to a helper; ask the county office to link it."),
                code="not_a_helper",
                field="helper",
            )
        return own
    if not actor.has_capability(Capability.ENTER_VISITS):
        raise NotPermitted()
    # A helper of a county unit may serve a township's household: what makes the helper
    # the staff's business is a pairing with a household in their places.
    helper = (
        Helper.objects.filter(
            pk=helper_id, pairings__household__in=Household.objects.visible_to(actor)
        )
        .distinct()
        .first()
    )
    if helper is None:
        raise OutOfScope()
    return helper


def _visit_helper(actor, helper_id: int | None, household: Household, day: datetime.date) -> Helper:
    """The helper a new visit is logged for, paired with the household on its day. A visit in
    order costs one read (on a Thursday most are); a refusal is worked out by the checks
    that name its reason."""
    mine = {"helper_id": helper_id} if helper_id is not None else {"helper__user": actor}
    pairing = _paired_on(household, day).filter(**mine).select_related("helper").first()
    helper = pairing.helper if pairing is not None else None
    if helper is not None and (
        helper.user_id == actor.pk or actor.has_capability(Capability.ENTER_VISITS)
    ):
        return helper
    helper = _helper_of(actor, helper_id)
    _refuse_unpaired(helper, household, day)
    return helper


def _household_locked(actor, household_id: int) -> Household:
    # Locking the household serialises the writes of one household's roll-up rows.
    return household_locked(
        actor,
        household_id,
        lambda household: (
            _("Household %(number)s was merged into another; log the visit there.")
            % {"number": household.number}
        ),
    )


def _paired_on(household: Household, day: datetime.date):
    return Pairing.objects.filter(household=household, started_on__lte=day).filter(
        Q(ended_on=None) | Q(ended_on__gte=day)
    )


def _refuse_unpaired(helper: Helper, household: Household, day: datetime.date) -> None:
    if not _paired_on(household, day).filter(helper=helper).exists():
        raise DomainError(
            _("%(helper)s was not paired with household %(number)s on %(day)s.")
            % {"helper": helper.name, "number": household.number, "day": day.isoformat()},
            code="not_paired",
            field="household",
        )


def _distance(visit: Visit, household: Household) -> int | None:
    here, there = (visit.latitude, visit.longitude), (household.latitude, household.longitude)
    if here[0] is None or here[1] is None or there[0] is None or there[1] is None:
        return None
    return round(distance_m(here[0], here[1], there[0], there[1]))


def visit_record(
    *,
    actor,
    client_id: uuid.UUID,
    data: VisitInput,
    helper_id: int | None = None,
    recorded_at: datetime.datetime | None = None,
) -> tuple[Visit, bool]:
    """Log a visit; answers (visit, True), or (the visit already logged, False) when this
    ``client_id`` arrived before. Problems found become follow-up tasks on the household.

    ``recorded_at`` is when the visit was first logged: now, unless logs are carried over
    from an earlier system (or the demo) with the times they were entered there."""
    earlier = _earlier(actor, client_id)
    if earlier is not None:
        return earlier, False
    fields = _checked(data)
    problems = _problems(data.problems)
    logged = recorded_at or timezone.now()
    if recorded_at is not None and not fields["visited_at"] <= recorded_at <= timezone.now():
        raise DomainError(
            _("A visit is logged after it happens and not in the future."),
            code="bad_recorded_at",
            field="recorded_at",
        )
    try:
        with transaction.atomic():
            household = _household_locked(actor, data.household_id)
            day = timezone.localtime(fields["visited_at"]).date()
            helper = _visit_helper(actor, helper_id, household, day)
            codes = _service_codes(data.services)
            visit = Visit(
                client_id=client_id,
                helper=helper,
                household=household,
                region_id=household.region_id,
                recorded_at=logged,
                recorded_by=actor,
                **fields,
            )
            visit.distance_m = _distance(visit, household)
            visit.save()
            visit.services.add(*codes)
            Problem.objects.bulk_create(
                Problem(
                    household=household,
                    region_id=household.region_id,
                    visit=visit,
                    description=text,
                    found_on=day,
                )
                for text in problems
            )
            flags.raise_for(visit, new=True)
            rollups.refresh(household.pk, [rollups.month_of(day)], region_code=household.region_id)
            audit.record(
                actor=actor,
                action="visit.record",
                obj=visit,
                region_code=household.region_id,
                after={**_state(visit, codes), "problems": problems},
            )
            faults.point("visit_record.written")
    except IntegrityError:
        # The same id sent twice at once: the other request recorded it first.
        earlier = _earlier(actor, client_id)
        if earlier is None:
            raise
        return earlier, False
    faults.point("visit_record.committed")  # the phone never hears: it sends the visit again
    return visit, True


def _earlier(actor, client_id: uuid.UUID) -> Visit | None:
    return sent_before(
        Visit,
        actor,
        client_id,
        _("This visit id was used by someone else; reload the page and log it again."),
    )


def may_correct(actor, visit: Visit) -> bool:
    """Who may correct or delete a visit: the person who logged it, and staff who enter
    visits for helpers (pages offer the forms to them only)."""
    return visit.recorded_by_id == actor.pk or actor.has_capability(Capability.ENTER_VISITS)


def _editable(actor, visit_id: int) -> Visit:
    visit = Visit.objects.visible_to(actor).select_related("household").filter(pk=visit_id).first()
    if visit is None:
        raise OutOfScope()
    if not may_correct(actor, visit):
        raise NotPermitted()
    return visit


def visit_update(*, actor, visit_id: int, data: VisitInput) -> Visit:
    """Correct a visit's time, kind, what was done and what was given. Who and which
    household stay: a visit to another household is another visit."""
    fields = _checked(data)
    for kept in ("latitude", "longitude", "accuracy_m"):
        fields.pop(kept)
    with transaction.atomic():
        visit = _editable(actor, visit_id)
        household = _household_locked(actor, visit.household_id)
        day = timezone.localtime(fields["visited_at"]).date()
        _refuse_unpaired(visit.helper, household, day)
        before = _state(visit)
        old_month = rollups.month_of(timezone.localtime(visit.visited_at).date())
        for name, value in fields.items():
            setattr(visit, name, value)
        visit.save()
        visit.services.set(_service_codes(data.services))
        visit.problems.update(found_on=day)
        flags.raise_for(visit)
        rollups.refresh(household.pk, sorted({old_month, rollups.month_of(day)}))
        audit.record(
            actor=actor,
            action="visit.update",
            obj=visit,
            region_code=visit.region_id,
            before=before,
            after=_state(visit),
        )
    return visit


def visit_delete(*, actor, visit_id: int, reason: str) -> None:
    """Take back a visit logged by mistake, with the reason; the audit log keeps what it said.
    A visit whose problems were already solved stays: the solutions rest on it."""
    reason = DELETE_REASON.clean(reason, label=_("reason"), field="reason")
    if not reason:
        raise DomainError(_("Give the reason for deleting."), code="no_reason", field="reason")
    with transaction.atomic():
        visit = _editable(actor, visit_id)
        household = _household_locked(actor, visit.household_id)
        if visit.problems.exclude(solved_on=None).exists():
            raise DomainError(
                _("Problems found on this visit were solved since; it cannot be deleted."),
                code="visit_has_solved_problems",
            )
        before = {
            **_state(visit),
            "problems": list(visit.problems.values_list("description", flat=True)),
        }
        months = {rollups.month_of(timezone.localtime(visit.visited_at).date())}
        files = list(visit.photos.values_list("image", flat=True))
        visit.problems.all().delete()
        visit.delete()
        rollups.refresh(household.pk, sorted(months))
        audit.record(
            actor=actor,
            action="visit.delete",
            object_type="visits.visit",
            object_id=str(visit_id),
            region_code=household.region_id,
            before=before,
            after={"reason": reason},
        )
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def visit_photo_add(
    *, actor, visit_client_id: uuid.UUID, photo_client_id: uuid.UUID, content: bytes, name: str = ""
) -> tuple[VisitPhoto, bool]:
    """Attach a photo to a visit (sent after the visit, one request a photo, so that a weak
    signal loses at most one photo); a photo id sent twice answers with the first."""
    earlier = VisitPhoto.objects.filter(client_id=photo_client_id).select_related("visit").first()
    if earlier is not None:
        _editable(actor, earlier.visit_id)
        return earlier, False
    visit = Visit.objects.visible_to(actor).filter(client_id=visit_client_id).first()
    if visit is None:
        raise OutOfScope()
    _editable(actor, visit.pk)
    prepared = photos.prepare(content, name)  # outside the transaction: it is the slow part
    stored = default_storage.save(
        timezone.localdate().strftime("visits/%Y/%m/") + f"{photo_client_id}.jpg",
        ContentFile(prepared.content),
    )
    try:
        with transaction.atomic():
            _household_locked(actor, visit.household_id)
            photo = VisitPhoto.objects.create(
                client_id=photo_client_id,
                visit=visit,
                image=stored,
                width=prepared.width,
                height=prepared.height,
                taken_at=prepared.taken_at,
                latitude=prepared.latitude,
                longitude=prepared.longitude,
                phash=prepared.phash,
            )
            flags.raise_for(visit)
            audit.record(
                actor=actor,
                action="visit.photo_add",
                obj=photo,
                region_code=visit.region_id,
                after=audit.snapshot(photo),
            )
    except IntegrityError:
        default_storage.delete(stored)
        earlier = VisitPhoto.objects.filter(client_id=photo_client_id).first()
        if earlier is None:
            raise
        return earlier, False
    except BaseException:
        default_storage.delete(stored)
        raise
    return photo, True


def problem_solve(*, actor, problem_id: int, solved_on: datetime.date, solution: str) -> Problem:
    """Close a follow-up task: when it was solved, how, and by whom (the actor)."""
    solved_on = values.clean(Problem, "solved_on", solved_on)
    solution = values.clean(Problem, "solution", solution)
    if not solution or solved_on is None:
        raise DomainError(
            _("Say when and how the problem was solved."), code="no_solution", field="solution"
        )
    with transaction.atomic():
        problem = Problem.objects.visible_to(actor).filter(pk=problem_id).first()
        if problem is None:
            raise OutOfScope()
        _refuse_unless_answers_for(actor, problem.household_id)
        _household_locked(actor, problem.household_id)
        if problem.solved_on is not None:
            raise DomainError(
                _("This problem was recorded as solved on %(day)s.")
                % {"day": problem.solved_on.isoformat()},
                code="already_solved",
            )
        if solved_on < problem.found_on:
            raise DomainError(
                _("The day it was solved lies between the day it was found and today."),
                code="bad_solved_on",
                field="solved_on",
            )
        before = audit.snapshot(problem)
        problem.solved_on, problem.solved_by, problem.solution = solved_on, actor, solution
        problem.save(update_fields=["solved_on", "solved_by", "solution"])
        rollups.refresh(problem.household_id, [rollups.month_of(solved_on)])
        audit.record(
            actor=actor,
            action="problem.solve",
            obj=problem,
            region_code=problem.region_id,
            before=before,
            after=audit.snapshot(problem),
        )
    return problem


def _refuse_unless_answers_for(actor, household_id: int) -> None:
    """Staff who enter visits may close any task in their places; a helper, only those of
    the households they are paired with now."""
    if actor.has_capability(Capability.ENTER_VISITS):
        return
    if not Pairing.objects.filter(
        household_id=household_id, helper__user=actor, ended_on=None
    ).exists():
        raise NotPermitted()


def reminders_send(*, on: datetime.date, sender: reminders.Sender | None = None) -> int:
    """Remind each helper in post of the households due before their next fixed day, once a
    day; answers how many helpers were reminded. A helper whose sending fails is logged and
    left for the next run (their record is rolled back with it)."""
    sender = sender or reminders.configured_sender()
    sent = 0
    for helper in selectors.helpers_to_remind():
        due = selectors.helper_households_month(helper, on).due
        if not due or ReminderSent.objects.filter(helper=helper, day=on).exists():
            continue
        try:
            _remind(helper, due, on, sender)
        except Exception:  # noqa: BLE001 — one helper's failed delivery must not stop the rest
            reminders.log.exception("reminder to helper %s failed; retried next run", helper.pk)
            continue
        sent += 1
    return sent


def _remind(helper: Helper, due: list, on: datetime.date, sender: reminders.Sender) -> None:
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        deadline = min((d for _entry, d in due if d), default=None)
        message = _("%(name)s: %(n)d of your households need a visit by %(day)s: %(numbers)s.") % {
            "name": helper.name,
            "n": len(due),
            "day": deadline.isoformat() if deadline else _("the month's end"),
            "numbers": "、".join(entry.household.number for entry, _day in due),
        }
        record = ReminderSent.objects.create(
            helper=helper,
            day=on,
            channel=sender.channel,
            households=len(due),
            message=message,
            sent_at=timezone.now(),
        )
        audit.record(
            actor=None,
            action="reminder.send",
            obj=record,
            region_code=helper.region_id,
            after=audit.snapshot(record),
        )
        sender.send(helper, message)


def visits_follow_household(household_id: int, region_code: str) -> None:
    """A household moved (the registry's audited move, in its transaction): its visits,
    follow-ups, flags and month roll-ups are read at its new place."""
    Visit.objects.filter(household_id=household_id).update(region_id=region_code)
    Problem.objects.filter(household_id=household_id).update(region_id=region_code)
    VisitFlag.objects.filter(visit__household_id=household_id).update(region_id=region_code)
    VisitMonth.objects.filter(household_id=household_id).update(region_id=region_code)
