"""The one gate for regional reads: who may see which places' records.

Deny by default: a user with no place sees nothing, and a record with no place never matches a
range. Every regional model uses ``RegionalQuerySet`` and names the field holding its place's
code in ``scope_field``; views and the API reach records only through ``.visible_to(user)``
(an architecture test holds them to it), and a record outside the user's places answers 404
exactly like a missing one.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import Http404

from .regions import code_range

_RANGES_ATTR = "_bangfu_scope_ranges"


def merge_ranges(ranges: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Sorted ranges with those inside another dropped (a county and one of its townships)."""
    merged: list[tuple[str, str]] = []
    for lo, hi in sorted(set(ranges)):
        if merged and lo < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def user_ranges(user) -> list[tuple[str, str]]:
    """The code ranges of the places the user answers for; computed once per user object."""
    if not (user and user.is_authenticated and user.is_active):
        return []
    cached = getattr(user, _RANGES_ATTR, None)
    if cached is None:
        cached = merge_ranges(code_range(code, level) for code, level in user.held_places())
        setattr(user, _RANGES_ATTR, cached)
    return cached


def forget_ranges(user) -> None:
    """Drop the cached ranges after the user's places change."""
    if hasattr(user, _RANGES_ATTR):
        delattr(user, _RANGES_ATTR)


def ranges_q(ranges: list[tuple[str, str]], field: str) -> Q:
    if not ranges:
        return Q(pk__in=[])
    condition = Q()
    for lo, hi in ranges:
        condition |= Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
    return condition


def scope_q(user, field: str = "region_code", within=None) -> Q:
    """The condition a record's place code in ``field`` must meet for ``user`` to see it.

    With ``within`` (a place), only records at or under it: the user's ranges are cut to it,
    so the database gets one tight range rather than two overlapping ones, which SQLite
    would serve by walking the wider.
    """
    ranges = user_ranges(user)
    if within is not None:
        w_lo, w_hi = code_range(within.code, within.level)
        ranges = [(max(lo, w_lo), min(hi, w_hi)) for lo, hi in ranges if lo < w_hi and w_lo < hi]
    return ranges_q(ranges, field)


def covers(user, code: str | None) -> bool:
    """Whether ``code`` lies in the user's places (for checks on one value, e.g. before a write)."""
    if not code or not (code.isascii() and code.isdigit()):
        return False
    return any(lo <= code < hi for lo, hi in user_ranges(user))


class RegionalQuerySet(models.QuerySet):
    def visible_to(self, user, within=None) -> "RegionalQuerySet":
        """Records the user may see; with ``within``, only those at or under that place."""
        return self.filter(scope_q(user, self.model.scope_field, within))


def get_visible_or_404(queryset: RegionalQuerySet, user, **lookup: Any):
    """The one record matching ``lookup`` that ``user`` may see; 404 if missing or out of scope."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist as missing:
        raise Http404 from missing


def public(view):
    """Mark a view as open without a place (login, language switch, health check).

    The route walk test accepts a route only if it is marked public or has a scoping probe.
    """
    view.bangfu_public = True
    return view
