"""django-axes hooks: lockout count and duration are policies of the place of the account tried.

An unknown username gets the registry defaults, so a guess reveals nothing about which accounts
exist.
"""

import datetime

from axes.helpers import get_client_username
from django.shortcuts import render
from django.utils.translation import gettext as _

from bangfu.core.policies import effective_policy, spec_for

from .selectors import home_region_code


def _policy_for_username(username: str, key: str):
    region_code = home_region_code(username)
    if region_code is None:
        return spec_for(key).default
    return effective_policy(region_code, key).value


def failure_limit(request, credentials) -> int:
    return _policy_for_username(get_client_username(request, credentials), "auth.lockout_failures")


def cool_off(request) -> datetime.timedelta:
    minutes = _policy_for_username(get_client_username(request), "auth.lockout_minutes")
    return datetime.timedelta(minutes=minutes)


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(cool_off(request).total_seconds() // 60)
    message = _(
        "Too many wrong passwords: this account is locked for %(minutes)d minutes. "
        "Try again later, or ask your county office administrator to unlock it."
    ) % {"minutes": minutes}
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)
