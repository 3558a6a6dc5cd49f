"""Differences worked by hand (差异处理): classified — which side is wrong — and, where the
two will not come to agree by themselves, closed with a reason.

A difference belongs to its household's village (``region``, a village or a group): the
village's work team, its township and the county see it and work it (``CHECK_HANDBOOKS``);
anyone else answers 404 as for a missing one. Only an open difference is classified or
closed: one the system found agreeing (``FIXED``) or closed by hand stays as it ended, so
the month's report counts it once. No reopening: a difference that comes back is found
again by the next comparison.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, params, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope

from ..models import Difference, DifferenceClass, DifferenceState

# What the audit log keeps of a difference's handling.
LOGGED = [
    "classification",
    "classified_by",
    "state",
    "closed_on",
    "closed_by",
    "close_reason",
]


def may_work(user, difference: Difference) -> bool:
    """Whether ``user`` (who sees the difference) may classify and close it now."""
    return difference.state == DifferenceState.OPEN and user.has_capability(
        Capability.CHECK_HANDBOOKS
    )


def _open_difference(actor, difference_id: int, field: str) -> Difference:
    """The difference, locked, if it is in the actor's places and still open."""
    require(actor, Capability.CHECK_HANDBOOKS)
    pk = params.possible_id(difference_id)
    if pk is None or not Difference.objects.visible_to(actor).filter(pk=pk).exists():
        raise OutOfScope()
    difference = Difference.objects.select_for_update().get(pk=pk)
    if difference.state != DifferenceState.OPEN:
        raise DomainError(
            _(
                "This difference is no longer open (%(state)s): only an open one is "
                "classified or closed."
            )
            % {"state": difference.get_state_display()},
            code="difference_not_open",
            field=field,
        )
    return difference


def _handled(actor, difference: Difference, action: str, before: dict) -> Difference:
    difference.save()
    audit.record(
        actor=actor,
        action=action,
        obj=difference,
        region_code=difference.region_id,
        before=before,
        after=audit.snapshot(difference, LOGGED),
    )
    return difference


@transaction.atomic
def difference_classify(*, actor, difference_id: int, classification: str) -> Difference:
    """Say which side is wrong (差异分类): the national system's entry, the handbook (the
    records), neither yet known (a home check is needed), or neither to be corrected
    (accepted, e.g. a known lag). An open difference may be classified again as more is
    learnt; who and when are kept."""
    difference = _open_difference(actor, difference_id, "classification")
    chosen = values.clean(Difference, "classification", classification)
    if chosen == DifferenceClass.UNCLASSIFIED:
        raise DomainError(
            _(
                "Choose a classification: system entry wrong, handbook wrong, needs a home "
                "check, or accepted."
            ),
            code="no_classification",
            field="classification",
        )
    before = audit.snapshot(difference, LOGGED)
    difference.classification = chosen
    difference.classified_by, difference.classified_at = actor, timezone.now()
    return _handled(actor, difference, "difference.classify", before)


@transaction.atomic
def difference_close(*, actor, difference_id: int, reason: str) -> Difference:
    """Close a difference by hand (人工销号), saying why: the system closes by itself those
    the next snapshot or a registry edit shows agreeing; one closed by hand is one that will
    not (a problem listed from above that was answered, a lag accepted…)."""
    difference = _open_difference(actor, difference_id, "reason")
    reason = values.clean(Difference, "close_reason", reason, field="reason")
    if not reason:
        raise DomainError(
            _("Say why the difference is closed by hand."), code="no_reason", field="reason"
        )
    before = audit.snapshot(difference, LOGGED)
    difference.state, difference.close_reason = DifferenceState.CLOSED, reason
    difference.closed_on, difference.closed_by = timezone.localdate(), actor
    return _handled(actor, difference, "difference.close", before)
