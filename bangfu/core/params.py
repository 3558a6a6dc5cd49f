"""Query parameters and the ids in addresses, parsed in one place.

Pages and the API take the same few kinds of parameter: a month (``?month=2026-11``), a range
of months (``?from=&to=``), a day (``?day=``), a year (``?year=``), a place (``?place=``), a
record's id, a page number, a choice (``?format=xlsx``) and search text. Each is read here,
once. A value a person can correct raises ``BadParameter``: 400, on a page through the shared
layout (``core.views.bad_request``) and in the API as ``{"code": "bad_parameter", "message",
"field"}``. Where a person expects a default (no month: this month; a page number past the
end: the last page) they get it. Either way no raw value reaches the database or the date
arithmetic, where one answered 500 (a month in year 9999 has no next month; NUL is not
storable text on PostgreSQL) or held a CPU for minutes (a range from year 1).

An id in an address that no record can have (0, 20 digits) answers 404 exactly like a missing
record: ``<id:…>`` in ``urls.py`` and ``Id`` for django-ninja (paths, queries, bodies).
"""

import datetime
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.urls import register_converter
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator, WithJsonSchema

from . import values
from .errors import DomainError, OutOfScope
from .regions import GROUP_CODE_LENGTH, NATIONAL_CODE_LENGTH


class BadParameter(DomainError, BadRequest):
    """A parameter a person can correct. As a ``DomainError`` the API answers it 400 with its
    field; as a ``BadRequest`` Django hands it to ``handler400`` on pages."""

    code = "bad_parameter"

    def __init__(self, message, *, field: str):
        super().__init__(message, field=field)


# -- text ------------------------------------------------------------------------------------


def text(raw: str | None, *, field: str, most: int) -> str:
    """Search text, stripped: at most ``most`` characters (a value longer than its column
    can match nothing and would only cost a scan) and no NUL, which PostgreSQL cannot take
    as text."""
    value = (raw or "").strip()
    if "\x00" in value:
        raise BadParameter(_("Remove the control characters from this value."), field=field)
    if len(value) > most:
        raise BadParameter(_("Enter at most %(n)d characters.") % {"n": most}, field=field)
    return value


def choice(raw: str | None, *, field: str, choices: Collection[str], default: str = "") -> str:
    """One of ``choices``; nothing given is ``default``."""
    value = (raw or "").strip()
    if not value:
        return default
    if value not in choices:
        raise BadParameter(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(sorted(choices))},
            field=field,
        )
    return value


def download(query: Mapping[str, str], *formats: str) -> str:
    """``?format=``: one of ``formats`` (the page as a file), or "" for the page itself."""
    return choice(query.get("format"), field="format", choices=formats)


def flag(raw: str | None, *, field: str) -> bool:
    """``1`` on, ``0`` or nothing off."""
    return choice(raw, field=field, choices=("0", "1"), default="0") == "1"


# -- days and years ----------------------------------------------------------------------------

FIRST_YEAR = 2014  # 建档立卡: no record of the programme is older
DAY = values.Day(datetime.date(FIRST_YEAR, 1, 1), ahead=366)


def day(raw: str | None, *, field: str = "day") -> datetime.date | None:
    """A day from 2014 to a year ahead, or None for none given."""
    try:
        return DAY.clean(raw, label=_("Day"), field=field)
    except DomainError as refusal:
        raise BadParameter(refusal.message, field=field) from None


def year(raw: str | None, *, field: str = "year") -> int | None:
    """A year from 2014 to this one, or None for none given."""
    text = (raw or "").strip()
    if not text:
        return None
    this_year = timezone.localdate().year
    found = int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None
    if found is None or not FIRST_YEAR <= found <= this_year:
        raise BadParameter(
            _("Enter a year from %(first)d to %(last)d.")
            % {"first": FIRST_YEAR, "last": this_year},
            field=field,
        )
    return found


# -- months ----------------------------------------------------------------------------------

# The earliest month a page shows. Registration of poor households (建档立卡) began in 2014;
# a year before leaves room for history a district enters, and the holiday calendar
# (chinesecalendar) covers it. Year 1 or 9999 is no one's month: it overflowed the date and
# time-zone arithmetic (500) and a range from it made pages walk centuries.
FIRST_MONTH = datetime.date(2013, 1, 1)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})", re.ASCII)


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def month_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last month a page shows: from ``FIRST_MONTH`` to December of next year
    (next year's fixed days and plans are looked at in the autumn; nothing lies beyond)."""
    today = today or timezone.localdate()
    return FIRST_MONTH, datetime.date(today.year + 1, 12, 1)


def month_index(month: datetime.date) -> int:
    """Months since year 0: month arithmetic in one subtraction, whatever the span."""
    return month.year * 12 + month.month - 1


def month_at(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    return month_at(month_index(month) + n)


def months_between(first: datetime.date, last: datetime.date) -> int:
    """How many months ``first`` to ``last`` covers, both counted."""
    return month_index(last) - month_index(first) + 1


def months_from(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every month from ``first`` to ``last`` (first days), in order."""
    return [month_at(i) for i in range(month_index(first), month_index(last) + 1)]


def month(
    raw: str | None, *, field: str = "month", default: datetime.date | None = None
) -> datetime.date:
    """``2026-11`` → 2026-11-01; nothing given → ``default`` (this month)."""
    value = (raw or "").strip()
    if not value:
        return default or this_month()
    found = _MONTH.fullmatch(value)
    if not found or not 1 <= int(found[2]) <= 12:
        raise BadParameter(_("Enter a month as YYYY-MM, for example 2026-11."), field=field)
    first, last = month_window()
    # The year is compared before a date is made of it: year 0 makes no date at all.
    year = int(found[1])
    chosen = datetime.date(year, int(found[2]), 1) if first.year <= year <= last.year else None
    if chosen is None or not first <= chosen <= last:
        raise BadParameter(
            _("Choose a month from %(first)s to %(last)s.")
            % {"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"},
            field=field,
        )
    return chosen


def month_range(first: str | None, last: str | None) -> tuple[datetime.date, datetime.date] | None:
    """``?from=2026-09&to=2026-11`` → (first, last) in order; one of them alone is that one
    month; None when neither is given. How long a range may be is a policy of the page
    (``reports.max_months``), not a matter of parsing."""
    start = month(first, field="from") if (first or "").strip() else None
    end = month(last, field="to") if (last or "").strip() else None
    if start is None and end is None:
        return None
    start, end = start or end, end or start
    assert start is not None and end is not None
    return min(start, end), max(start, end)


def months_around(chosen: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
    """The months before and after, for "← previous / next →" links; None past the window,
    where a link would only lead to a refusal."""
    first, last = month_window()
    before, after = add_months(chosen, -1), add_months(chosen, 1)
    return (before if before >= first else None, after if after <= last else None)


# -- places ----------------------------------------------------------------------------------

_PLACE_CODE = re.compile(
    rf"[0-9]{{{NATIONAL_CODE_LENGTH}}}(?:[0-9]{{{GROUP_CODE_LENGTH - NATIONAL_CODE_LENGTH}}})?",
    re.ASCII,
)


def is_place_code(value: str) -> bool:
    """12 digits (a statistical division code) or 15 (a village group's)."""
    return bool(_PLACE_CODE.fullmatch(value))


def place(raw: str | None, *, field: str = "place") -> str:
    """A place's code, or "" for none (all the user's places). Whether the user may see it
    is for ``region_for``, which answers 404 like a missing place."""
    value = (raw or "").strip()
    if value and not is_place_code(value):
        raise BadParameter(
            _("Enter a place's 12-digit division code (15 digits for a village group)."),
            field=field,
        )
    return value


# -- ids -------------------------------------------------------------------------------------

MAX_ID = 2**63 - 1  # the largest bigint, on PostgreSQL and SQLite alike (ids are BigAutoField)
_ID_DIGITS = len(str(MAX_ID))


def possible_id(value: object) -> int | None:
    """``value`` as an id a record could have (1 … 2**63−1), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit()) or len(value) > _ID_DIGITS:
            return None
        value = int(value)
    if isinstance(value, int) and 1 <= value <= MAX_ID:
        return value
    return None


class IdConverter:
    """``<id:household_id>``: 1 to 19 digits and at most 2**63−1. A longer number names no
    record and answers 404, like a missing one, instead of overflowing the database."""

    regex = f"[0-9]{{1,{_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        number = possible_id(value)
        if number is None:
            raise ValueError(value)  # Django: no match, 404
        return number

    def to_url(self, value: int | str) -> str:
        number = possible_id(value if isinstance(value, str) else int(value))
        if number is None:
            raise ValueError(value)
        return str(number)


class PlaceCodeConverter:
    """``<place:code>``: a place's 12 or 15 digits; anything else names no place (404)."""

    regex = _PLACE_CODE.pattern

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if not is_place_code(str(value)):
            raise ValueError(value)
        return str(value)


register_converter(IdConverter, "id")
register_converter(PlaceCodeConverter, "place")


def _id_or_missing(value: int) -> int:
    # Raised from inside validation, Http404 passes through pydantic to the API's not_found
    # handler: an id no record can have is answered exactly like a missing record.
    if possible_id(value) is None:
        raise OutOfScope()
    return value


def _place_or_missing(value: str) -> str:
    if not is_place_code(value):
        raise OutOfScope()
    return value


# django-ninja: ``household_id: Id`` in a path, a query or a body. Not a whole number: 422
# (invalid); a whole number no record can have: 404 (not_found). The schema states the bounds.
Id = Annotated[
    int,
    AfterValidator(_id_or_missing),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID}),
]
# django-ninja: ``code: PlaceCode`` in a path; not a place's code: 404, like a missing place.
PlaceCode = Annotated[
    str,
    AfterValidator(_place_or_missing),
    WithJsonSchema({"type": "string", "pattern": f"^{_PLACE_CODE.pattern}$"}),
]


def optional_id(raw: str | None) -> int | None:
    """An id given as a hint (a page to go back to, a household to preselect): None when it
    is not one, so the default applies."""
    return possible_id(raw or "")


# -- pages of a list -------------------------------------------------------------------------

# 50 a page, a province's million households are 20,000 pages. A bound keeps OFFSET far
# inside a bigint (PostgreSQL: "bigint out of range"); a page past the end is empty (API) or
# the last page (pages), as Django's Paginator.get_page does.
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100


def page_number(raw: str | None) -> int:
    """``?page=`` for ``Paginator.get_page``: not a number → 1; at most ``MAX_PAGE``."""
    value = (raw or "").strip()
    if not (value.isascii() and value.isdigit()):
        return 1
    if len(value) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(value), 1), MAX_PAGE)


T = TypeVar("T")


@dataclass(frozen=True)
class Mapped(Generic[T]):
    """A queryset whose rows become the API's dicts only for the page asked for: the list
    endpoint then reads one page of rows, not every row the user may see."""

    rows: QuerySet
    each: Callable[[Any], T]

    def all(self) -> "Mapped[T]":
        return self  # django-ninja counts with .all().count()

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> Sequence[T]:
        return [self.each(row) for row in self.rows[part]]


class Pages(PageNumberPagination):
    """django-ninja's page numbers with their bounds in the schema: beyond them 422."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_page_size=MAX_PAGE_SIZE, **kwargs)
