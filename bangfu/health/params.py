"""The health pages' and API's own parameters: a day (``?day=``) and a year (``?year=``),
read as ``core.params`` reads months — a value a person can correct is a ``BadParameter``."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import values
from bangfu.core.errors import DomainError
from bangfu.core.params import BadParameter

FIRST_YEAR = 2014  # 建档立卡
DAY = values.Day(datetime.date(FIRST_YEAR, 1, 1), ahead=366)


def day_param(raw: str | None, *, field: str = "day") -> datetime.date | None:
    """A day from 2014 to a year ahead, or None for none given."""
    try:
        return DAY.clean(raw, label=_("Day"), field=field)
    except DomainError as refusal:
        raise BadParameter(refusal.message, field=field) from None


def year_param(raw: str | None, *, field: str = "year") -> int | None:
    """A year from 2014 to this one, or None for none given."""
    text = (raw or "").strip()
    if not text:
        return None
    this_year = timezone.localdate().year
    year = int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None
    if year is None or not FIRST_YEAR <= year <= this_year:
        raise BadParameter(
            _("Enter a year from %(first)d to %(last)d.")
            % {"first": FIRST_YEAR, "last": this_year},
            field=field,
        )
    return year
