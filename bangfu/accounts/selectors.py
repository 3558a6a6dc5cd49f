"""Reads about people, shared by pages, the API and the lockout hooks."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from bangfu.core.models import Region
from bangfu.core.policies import policy_for, spec_for
from bangfu.core.scoping import scope_q

from .models import ApiToken, User


def manageable_users(actor) -> QuerySet[User]:
    """Users whose every place lies inside the actor's places (and who hold at least one).

    A user who also holds a place outside is someone else's to manage: an admin of one county
    must not edit a province official who happens to hold that county too.
    """
    places = User.places.through.objects.filter(user_id=OuterRef("pk"))
    inside = places.filter(scope_q(actor, "region_id"))
    outside = places.exclude(scope_q(actor, "region_id"))
    return (
        User.objects.filter(Exists(inside))
        .exclude(Exists(outside))
        .prefetch_related("places", "role_grants")
        .order_by("username")
    )


def places_held(user) -> QuerySet[Region]:
    return user.places.order_by("code")


def home_region_code(username: str) -> str | None:
    """The first place an account holds, whose policies govern the account itself."""
    return (
        User.places.through.objects.filter(user__username=username)
        .order_by("region_id")
        .values_list("region_id", flat=True)
        .first()
    )


def account_policy(username: str, key: str) -> Any:
    """A rule governing an account itself (lockout, session), read at the account's first place.

    An unknown name gets the default, so that trying names reveals nothing about which exist.
    """
    region_code = home_region_code(username)
    return policy_for(region_code, key) if region_code else spec_for(key).default


def session_idle_seconds(user) -> int:
    return account_policy(user.username, "auth.session_idle_minutes") * 60


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
