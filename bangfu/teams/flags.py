"""Truthfulness signals (存疑提示) on check-ins, for inspectors: raised in the transaction that
writes a check-in or its photo, never a refusal. Each flag keeps the figures behind it and is
worded when shown, in the reader's language (as ``visits.flags``).

- far: saved farther from the team's residence than the place's rule allows
- photo_reused: the photo is the same picture as another check-in's or a visit's (the exact
  difference hash anywhere; near ones among the same member's check-ins)
- same_spot_outside: the member's last ``SAME_SPOT_COUNT`` check-ins all from one spot (within
  ``SAME_SPOT_M`` of each other) beyond the rule's distance: clocking in from home
- elsewhere: the same person somewhere else the same day (another check-in, or a visit they
  logged as a pair helper), too far for the time between at ``visits.max_travel_kmh``

A visit logged after the check-in does not flag it: visits sit below teams and do not know
check-ins. The check-in is judged again when its photo arrives.
"""

import datetime
import itertools

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core.geo import distance_m
from bangfu.core.policies import effective_policies
from bangfu.pairing.models import Helper
from bangfu.visits.flags import SAME_PICTURE_BITS, TRAVEL_NOISE_M
from bangfu.visits.models import Visit, VisitPhoto
from bangfu.visits.photos import hash_distance

from .models import CheckIn, CheckInFlag, CheckInFlagKind, TeamMember

KEYS = ["teams.max_distance_m", "visits.max_travel_kmh"]
# Clocking in from home: this many check-ins in a row, all within this many metres of each
# other (a phone's fix wanders a few tens of metres indoors), all beyond the distance rule.
SAME_SPOT_COUNT = 5
SAME_SPOT_M = 50


def raise_for(check_in: CheckIn, *, new: bool = False) -> list[CheckInFlag]:
    """Replace the check-in's flags by those its present facts call for (``new``: just made,
    so it has none yet)."""
    rules = {
        key: effective.value
        for key, effective in effective_policies(check_in.region_id, KEYS, on=check_in.day).items()
    }
    limit = rules["teams.max_distance_m"]
    found = [
        *_far(check_in, limit),
        *_photo_reused(check_in),
        *_same_spot_outside(check_in, limit),
        *_elsewhere(check_in, rules["visits.max_travel_kmh"]),
    ]
    if not new:
        CheckInFlag.objects.filter(check_in=check_in).delete()
    for flag in found:
        flag.check_in, flag.region_id = check_in, check_in.region_id
    return CheckInFlag.objects.bulk_create(found) if found else []


def _far(check_in: CheckIn, limit: int) -> list[CheckInFlag]:
    if check_in.distance_m is None or check_in.distance_m <= limit:
        return []
    return [
        CheckInFlag(kind=CheckInFlagKind.FAR, facts={"metres": check_in.distance_m, "limit": limit})
    ]


def _photo_reused(check_in: CheckIn) -> list[CheckInFlag]:
    mine = check_in.photo_hash
    if not mine:
        return []
    # The exact hash anywhere (both indexes serve it); near ones among the member's own.
    candidates = (
        CheckIn.objects.filter(Q(photo_hash=mine) | Q(member_id=check_in.member_id))
        .exclude(pk=check_in.pk)
        .exclude(photo_hash="")
        .values_list("pk", "photo_hash")
    )
    closest: dict[tuple[str, int], int] = {}
    for other, phash in candidates:
        bits = hash_distance(phash, mine)
        if bits <= SAME_PICTURE_BITS:
            closest[("check_in", other)] = bits
    for visit_id in VisitPhoto.objects.filter(phash=mine).values_list("visit_id", flat=True):
        closest[("visit", visit_id)] = 0
    return [
        CheckInFlag(kind=CheckInFlagKind.PHOTO_REUSED, facts={what: other, "bits": bits})
        for (what, other), bits in sorted(closest.items())
    ]


def _same_spot_outside(check_in: CheckIn, limit: int) -> list[CheckInFlag]:
    if check_in.latitude is None or check_in.distance_m is None or check_in.distance_m <= limit:
        return []
    latest = list(
        CheckIn.objects.filter(member_id=check_in.member_id, checked_at__lte=check_in.checked_at)
        .order_by("-checked_at", "-pk")
        .values("latitude", "longitude", "distance_m")[:SAME_SPOT_COUNT]
    )
    if len(latest) < SAME_SPOT_COUNT or any(
        row["latitude"] is None or row["distance_m"] is None or row["distance_m"] <= limit
        for row in latest
    ):
        return []
    spread = max(
        distance_m(a["latitude"], a["longitude"], b["latitude"], b["longitude"])
        for a, b in itertools.combinations(latest, 2)
    )
    if spread > SAME_SPOT_M:
        return []
    return [
        CheckInFlag(
            kind=CheckInFlagKind.SAME_SPOT_OUTSIDE,
            facts={
                "count": SAME_SPOT_COUNT,
                "spread": round(spread),
                "metres": check_in.distance_m,
                "limit": limit,
            },
        )
    ]


def _positions_elsewhere(check_in: CheckIn):
    """The person's other positions of the day: their other check-ins, and the visits they
    logged as a pair helper (their helper record by login or by ID number)."""
    others = (
        CheckIn.objects.filter(member_id=check_in.member_id, day=check_in.day)
        .exclude(pk=check_in.pk)
        .exclude(latitude=None)
        .values_list("pk", "checked_at", "latitude", "longitude")
    )
    for pk, when, lat, lon in others:
        yield "check_in", pk, when, lat, lon
    member = TeamMember.objects.only("user_id", "id_number_hash").get(pk=check_in.member_id)
    same_person = Q(id_number_hash=member.id_number_hash)
    if member.user_id is not None:
        same_person |= Q(user_id=member.user_id)
    helpers = Helper.objects.filter(same_person)
    start = timezone.make_aware(datetime.datetime.combine(check_in.day, datetime.time()))
    visits = (
        Visit.objects.filter(
            helper__in=helpers,
            visited_at__gte=start,
            visited_at__lt=start + datetime.timedelta(days=1),
        )
        .exclude(latitude=None)
        .values_list("pk", "visited_at", "latitude", "longitude")
    )
    for pk, when, lat, lon in visits:
        yield "visit", pk, when, lat, lon


def _elsewhere(check_in: CheckIn, limit_kmh: int) -> list[CheckInFlag]:
    if check_in.latitude is None or check_in.longitude is None:
        return []
    flags = []
    for what, other, when, lat, lon in _positions_elsewhere(check_in):
        metres = distance_m(check_in.latitude, check_in.longitude, lat, lon)
        if metres < TRAVEL_NOISE_M:
            continue
        minutes = abs((check_in.checked_at - when).total_seconds()) / 60
        if minutes and metres / 1000 / (minutes / 60) <= limit_kmh:
            continue
        flags.append(
            CheckInFlag(
                kind=CheckInFlagKind.ELSEWHERE,
                facts={
                    what: other,
                    "km": round(metres / 1000, 1),
                    "minutes": round(minutes),
                    "limit": limit_kmh,
                },
            )
        )
    return flags


def reason(flag: CheckInFlag) -> str:
    """Why the flag was raised, in the reader's language."""
    facts = flag.facts
    if flag.kind == CheckInFlagKind.FAR:
        return (
            _("Checked in %(metres)s m from the team's residence; the rule allows %(limit)s m.")
            % facts
        )
    if flag.kind == CheckInFlagKind.PHOTO_REUSED:
        if "visit" in facts:
            return _("The photo is the same picture as one of a visit's photos.")
        return (
            _("The photo is the same picture as another check-in's (%(bits)s of 64 bits differ).")
            % facts
        )
    if flag.kind == CheckInFlagKind.SAME_SPOT_OUTSIDE:
        return (
            _(
                "The last %(count)s check-ins were all made within %(spread)s m of one spot, "
                "%(metres)s m from the team's residence (the rule allows %(limit)s m)."
            )
            % facts
        )
    if "visit" in facts:
        return (
            _(
                "The same person logged a visit %(km)s km away %(minutes)s minutes apart; that "
                "is faster than %(limit)s km/h."
            )
            % facts
        )
    return (
        _(
            "The same person checked in %(km)s km away %(minutes)s minutes apart; that is "
            "faster than %(limit)s km/h."
        )
        % facts
    )
