"""django-axes hooks: lockout count and duration are policies of the place of the account tried."""

import datetime

from axes.helpers import get_client_username
from django.shortcuts import render
from django.utils.translation import gettext as _

from .selectors import account_policy


def failure_limit(request, credentials) -> int:
    return account_policy(get_client_username(request, credentials), "auth.lockout_failures")


def cool_off(request) -> datetime.timedelta:
    minutes = account_policy(get_client_username(request), "auth.lockout_minutes")
    return datetime.timedelta(minutes=minutes)


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(cool_off(request).total_seconds() // 60)
    message = _(
        "Too many wrong passwords: this account is locked for %(minutes)d minutes. "
        "Try again later, or ask your county office administrator to unlock it."
    ) % {"minutes": minutes}
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)
