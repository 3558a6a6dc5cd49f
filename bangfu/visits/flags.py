"""Truthfulness signals (存疑提示) for inspectors: raised when a visit is logged or changed,
never blocking it. Each flag keeps the figures behind it and says why in words.

- far: a home visit saved farther from the household than the place's rule allows
- photo_reused: a photo (nearly) the same as one of another visit, by perceptual hash
- too_fast: the same helper at two places faster apart than anyone could travel
- late: logged long after the day it claims
- no_position: a home visit saved with no position at all (phone calls and online contacts
  need none), so where it was made cannot be checked
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core.geo import distance_m
from bangfu.core.policies import effective_policies

from .models import FlagKind, Visit, VisitFlag, VisitKind, VisitPhoto
from .photos import hash_distance

# Two phone fixes a few hundred metres apart are GPS noise, not a journey.
TRAVEL_NOISE_M = 1000
TRAVEL_WINDOW = datetime.timedelta(hours=6)
# Bits of 64 two hashes may differ by and still be the same picture (recompressed, resized).
SAME_PICTURE_BITS = 6
KEYS = ["visits.max_distance_m", "visits.max_travel_kmh", "visits.late_entry_days"]


def raise_for(visit: Visit, *, new: bool = False) -> list[VisitFlag]:
    """Replace the visit's flags by those its present facts call for (``new``: the visit
    was just made, so it has neither flags nor photos yet)."""
    rules = {
        key: effective.value
        for key, effective in effective_policies(
            visit.region_id, KEYS, on=timezone.localtime(visit.visited_at).date()
        ).items()
    }
    found = [
        *_far(visit, rules["visits.max_distance_m"]),
        *_no_position(visit),
        *_late(visit, rules["visits.late_entry_days"]),
        *_too_fast(visit, rules["visits.max_travel_kmh"]),
        *([] if new else _photo_reused(visit)),
    ]
    if not new:
        VisitFlag.objects.filter(visit=visit).delete()
    for flag in found:
        flag.visit, flag.region_id = visit, visit.region_id
    return VisitFlag.objects.bulk_create(found) if found else []


def _far(visit: Visit, limit: int) -> list[VisitFlag]:
    if visit.kind != VisitKind.HOME or visit.distance_m is None or visit.distance_m <= limit:
        return []
    return [VisitFlag(kind=FlagKind.FAR, facts={"metres": visit.distance_m, "limit": limit})]


def _no_position(visit: Visit) -> list[VisitFlag]:
    if visit.kind != VisitKind.HOME or visit.latitude is not None:
        return []
    # A paper record typed in by staff (代录) has no phone to take a position from: said so.
    paper = visit.recorded_by_id != visit.helper.user_id
    return [VisitFlag(kind=FlagKind.NO_POSITION, facts={"paper": paper})]


def _late(visit: Visit, limit: int) -> list[VisitFlag]:
    days = (
        timezone.localtime(visit.recorded_at).date() - timezone.localtime(visit.visited_at).date()
    ).days
    if days <= limit:
        return []
    return [VisitFlag(kind=FlagKind.LATE, facts={"days": days, "limit": limit})]


def _too_fast(visit: Visit, limit_kmh: int) -> list[VisitFlag]:
    if visit.latitude is None or visit.longitude is None:
        return []
    others = (
        Visit.objects.filter(
            helper_id=visit.helper_id,
            visited_at__gte=visit.visited_at - TRAVEL_WINDOW,
            visited_at__lte=visit.visited_at + TRAVEL_WINDOW,
            latitude__isnull=False,
        )
        .exclude(pk=visit.pk)
        .only("pk", "visited_at", "latitude", "longitude")
    )
    flags = []
    for other in others:
        metres = distance_m(visit.latitude, visit.longitude, other.latitude, other.longitude)
        if metres < TRAVEL_NOISE_M:
            continue
        minutes = abs((visit.visited_at - other.visited_at).total_seconds()) / 60
        kmh = metres / 1000 / (minutes / 60) if minutes else None
        if kmh is None or kmh > limit_kmh:
            flags.append(
                VisitFlag(
                    kind=FlagKind.TOO_FAST,
                    other_visit=other,
                    facts={
                        "km": round(metres / 1000, 1),
                        "minutes": round(minutes),
                        "limit": limit_kmh,
                    },
                )
            )
    return flags


def _photo_reused(visit: Visit) -> list[VisitFlag]:
    mine = list(VisitPhoto.objects.filter(visit=visit).values_list("phash", flat=True))
    if not mine:
        return []
    # The exact hash anywhere (the index serves it), and near ones among the photos of the
    # same helper or household, where a reused picture is most likely to come back.
    candidates = (
        VisitPhoto.objects.filter(
            Q(phash__in=mine)
            | Q(visit__helper_id=visit.helper_id)
            | Q(visit__household_id=visit.household_id)
        )
        .exclude(visit=visit)
        .values_list("visit_id", "phash")
    )
    closest: dict[int, int] = {}
    for other_visit, phash in candidates:
        bits = min(hash_distance(phash, own) for own in mine)
        if bits <= SAME_PICTURE_BITS and bits < closest.get(other_visit, 65):
            closest[other_visit] = bits
    return [
        VisitFlag(kind=FlagKind.PHOTO_REUSED, other_visit_id=other, facts={"bits": bits})
        for other, bits in sorted(closest.items())
    ]


def reason(flag: VisitFlag) -> str:
    """Why the flag was raised, in the reader's language."""
    facts = flag.facts
    if flag.kind == FlagKind.FAR:
        return (
            _(
                "Saved %(metres)s m from the household's recorded position; the rule allows "
                "%(limit)s m."
            )
            % facts
        )
    if flag.kind == FlagKind.NO_POSITION:
        if facts.get("paper"):
            return _(
                "A home visit entered from a paper record, with no position: where it took "
                "place cannot be checked."
            )
        return _(
            "A home visit saved without the phone's position: where it took place cannot be "
            "checked."
        )
    if flag.kind == FlagKind.LATE:
        return _("Logged %(days)s days after the visit; the rule allows %(limit)s.") % facts
    if flag.kind == FlagKind.TOO_FAST:
        return (
            _(
                "The same helper was %(km)s km away %(minutes)s minutes apart (another visit); "
                "that is faster than %(limit)s km/h."
            )
            % facts
        )
    return (
        _("A photo is the same picture as one of another visit (%(bits)s of 64 bits differ).")
        % facts
    )
