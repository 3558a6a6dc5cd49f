"""Writes about people: accounts, their places and roles, API tokens, sign-ins."""

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.models import Region
from bangfu.core.scoping import covers, forget_ranges
from bangfu.core.services import retried_on_conflict

from .models import ApiToken, RoleGrant, User
from .roles import Role
from .selectors import manageable_users

USER_FIELDS = ("username", "full_name", "phone", "is_active")


def _region_of(user: User) -> str:
    """The place an entry about this account is filed under, so audit views scope it."""
    return min(user.places.values_list("code", flat=True), default="")


def _user_state(user: User) -> dict[str, Any]:
    state = audit.snapshot(user, USER_FIELDS)
    state["places"] = sorted(user.places.values_list("code", flat=True))
    state["roles"] = sorted(user.role_grants.values_list("role", flat=True))
    return state


def _checked_places(actor, place_codes: Iterable[str]) -> list[Region]:
    codes = sorted({code.strip() for code in place_codes if code and code.strip()})
    if not codes:
        raise DomainError(_("Choose at least one place."), code="no_places", field="places")
    # Outside the actor's places (or no place code at all) is refused before any query.
    outside = [code for code in codes if not covers(actor, code)]
    places = [] if outside else list(Region.objects.visible_to(actor).filter(code__in=codes))
    if outside or len(places) != len(codes):
        raise DomainError(
            _("You can only give places you answer for yourself."),
            code="place_out_of_scope",
            field="places",
        )
    return places


def _checked_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    if not chosen:
        raise DomainError(_("Choose at least one role."), code="no_roles", field="roles")
    unknown = [role for role in chosen if role not in Role.values]
    if unknown:
        raise DomainError(
            _("Unknown role: %(role)s.") % {"role": ", ".join(unknown)},
            code="unknown_role",
            field="roles",
        )
    return chosen


def _checked_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as invalid:
        raise DomainError(" ".join(invalid.messages), code="weak_password", field="password")


def _set_roles(user: User, roles: list[str]) -> None:
    user.role_grants.exclude(role__in=roles).delete()
    existing = set(user.role_grants.values_list("role", flat=True))
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=role) for role in roles if role not in existing]
    )
    user.__dict__.pop("_role_codes", None)


def _open_account(
    *,
    actor,
    action: str,
    username: str,
    full_name: str,
    password: str,
    places: list[Region],
    roles: list[str],
    phone: str = "",
) -> User:
    """Create the account, its places and roles, and its audit entry; inside a transaction."""
    username = values.clean(User, "username", username)
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise DomainError(
            _("A login name has letters, digits and @ . + - _ only."),
            code="bad_username",
            field="username",
        ) from None
    full_name = values.clean(User, "full_name", full_name)
    phone = values.clean(User, "phone", phone)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            _("The login name %(username)s is already taken; choose another.")
            % {"username": username},
            code="username_taken",
            field="username",
        )
    user = User(username=username, full_name=full_name, phone=phone)
    _checked_password(password, user)
    user.set_password(password)
    user.save()
    user.places.set(places)
    _set_roles(user, roles)
    audit.record(
        actor=actor, action=action, obj=user, region_code=places[0].code, after=_user_state(user)
    )
    return user


@retried_on_conflict
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    password: str,
    place_codes: Iterable[str],
    roles: Iterable[str],
    phone: str = "",
) -> User:
    """Open an account for someone in the actor's places (开通账号)."""
    require(actor, Capability.MANAGE_USERS)
    chosen_roles = _checked_roles(roles)
    with transaction.atomic():
        return _open_account(
            actor=actor,
            action="user.create",
            username=username,
            full_name=full_name,
            password=password,
            places=_checked_places(actor, place_codes),
            roles=chosen_roles,
            phone=phone,
        )


def administrator_bootstrap(
    *, username: str, full_name: str, password: str, place_code: str
) -> User:
    """Open the first county administrator of an installation, from the command line.

    Nobody above can open this account, so it is the one account made without an actor;
    the audit log records it as made by the system.
    """
    with transaction.atomic():
        place = Region.objects.filter(code=place_code).first()
        if place is None:
            raise DomainError(
                _("No place has the code %(code)s; import the places first.")
                % {"code": place_code},
                code="unknown_place",
                field="place",
            )
        return _open_account(
            actor=None,
            action="user.bootstrap",
            username=username,
            full_name=full_name,
            password=password,
            places=[place],
            roles=[Role.COUNTY_ADMIN],
        )


def _managed_user(actor, user_id: int) -> User:
    user = manageable_users(actor).select_for_update().filter(pk=user_id).first()
    if user is None:
        raise OutOfScope()
    return user


@retried_on_conflict
def user_update(
    *,
    actor,
    user_id: int,
    full_name: str,
    phone: str,
    place_codes: Iterable[str],
    roles: Iterable[str],
    is_active: bool,
) -> User:
    """Change someone's details, places, roles, or close their account (停用)."""
    require(actor, Capability.MANAGE_USERS)
    full_name = values.clean(User, "full_name", full_name)
    phone = values.clean(User, "phone", phone)
    chosen_roles = _checked_roles(roles)
    with transaction.atomic():
        user = _managed_user(actor, user_id)
        if user.pk == actor.pk and not is_active:
            raise DomainError(
                _("You cannot close your own account."),
                code="self_deactivate",
                field="is_active",
            )
        before = _user_state(user)
        places = _checked_places(actor, place_codes)
        user.full_name, user.phone, user.is_active = full_name, phone, is_active
        user.save(update_fields=["full_name", "phone", "is_active"])
        user.places.set(places)
        _set_roles(user, chosen_roles)
        forget_ranges(user)
        audit.record(
            actor=actor,
            action="user.update",
            obj=user,
            region_code=places[0].code,
            before=before,
            after=_user_state(user),
        )
    return user


def user_set_password(*, actor, user_id: int, password: str) -> None:
    """Give someone a new password (they forgot theirs); the change is audited, not the password."""
    require(actor, Capability.MANAGE_USERS)
    with transaction.atomic():
        user = _managed_user(actor, user_id)
        _checked_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(
            actor=actor,
            action="user.set_password",
            obj=user,
            region_code=_region_of(user),
        )


def sign_in_recorded(*, user: User) -> None:
    """Append the sign-in to the audit log (登录留痕)."""
    with transaction.atomic():
        audit.record(
            actor=user,
            action="user.sign_in",
            obj=user,
            region_code=_region_of(user),
        )


@retried_on_conflict
def api_token_create(*, actor, user_id: int, name: str) -> tuple[ApiToken, str]:
    """Issue a token for another system to call the API as ``user``; the key is shown once."""
    require(actor, Capability.MANAGE_USERS)
    name = values.clean(ApiToken, "name", name)
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        user = _managed_user(actor, user_id)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=key[:8],
            key_hash=ApiToken.hash_key(key),
        )
        audit.record(
            actor=actor,
            action="api_token.create",
            obj=token,
            region_code=_region_of(user),
            after={"user": user.username, "name": token.name, "prefix": token.prefix},
        )
    return token, key


def api_token_revoke(*, actor, token_id: int) -> None:
    require(actor, Capability.MANAGE_USERS)
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update()
            .filter(pk=token_id, user__in=manageable_users(actor), revoked_at=None)
            .first()
        )
        if token is None:
            raise OutOfScope()
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            region_code=_region_of(token.user),
        )


TOKEN_USE_GRANULARITY = datetime.timedelta(minutes=1)


def api_token_authenticate(key: str) -> User | None:
    """The active user a presented key belongs to, or None; notes when the token was last used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # Bookkeeping, not a change of record: kept out of the audit log, which would grow per call,
    # and written at most once a minute, so that a system calling many times a second does not
    # add a write (on SQLite, a turn at the one write lock) to every call.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
