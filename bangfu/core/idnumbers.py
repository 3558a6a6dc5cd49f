"""Resident ID numbers (居民身份证号码, GB 11643): clean, check, read, mask.

An ID number is typed by hand, pasted from Excel or WPS, or scanned; full-width digits, a
lowercase x and stray spaces are the same number and are normalised. A number is accepted
only with a valid check digit, a real province prefix and a real birth date not in the
future; the birth date and sex it carries are the person's, so forms take them from it
rather than asking twice.

The birthplace digits are not looked up in python-stdnum's county table: numbers keep the
code of the county that issued them, counties are renamed and new ones created (西咸新区's
611103, say, is not in the table), and refusing a real person's number because a library's
table is behind would be wrong.
"""

import datetime
import functools
import time
import unicodedata
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from .errors import DomainError

MALE, FEMALE = "1", "2"  # GB/T 2261.1 sex codes
# GB/T 2260 province-level codes (including Taiwan, Hong Kong and Macao).
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


class IdNumber(NamedTuple):
    value: str
    birth_date: datetime.date
    sex: str


def normalise(raw: object) -> str:
    """Half-width, no spaces, upper-case X: the one form numbers are stored and compared in."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(text.split()).upper()


@functools.lru_cache(maxsize=1)
def _today(minute: int) -> datetime.date:
    """Today where the office is, looked up once a minute rather than once a number."""
    return timezone.localdate()


def parse(raw: object, *, field: str = "id_number") -> IdNumber:
    value = normalise(raw)

    def refuse(reason: str) -> DomainError:
        return DomainError(
            _("ID number %(value)s: %(reason)s") % {"value": value or "—", "reason": reason},
            code="bad_id_number",
            field=field,
        )

    if not value:
        raise refuse(_("enter the 18-character number"))
    if len(value) != 18:
        raise refuse(_("it has %(n)d characters; a resident ID number has 18") % {"n": len(value)})
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise refuse(_("only digits are allowed, and X as the last character"))
    if value[:2] not in PROVINCE_PREFIXES:
        raise refuse(_("its first two digits name no province"))
    if value[17] != ric.calc_check_digit(value):
        raise refuse(_("the check digit (the last character) does not match; check for a typo"))
    # ric.get_birth_date reads the same three fields, after cleaning the number again with
    # a slow generic routine; an import checks hundreds of thousands of numbers.
    try:
        birth_date = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise refuse(_("the birth date in it (characters 7–14) is not a real date")) from None
    if birth_date > _today(int(time.monotonic() // 60)):
        raise refuse(_("the birth date in it lies in the future"))
    return IdNumber(value, birth_date, MALE if int(value[16]) % 2 else FEMALE)


def mask(value: str, head: int, tail: int) -> str:
    """``6101************3X``: the first ``head`` and last ``tail`` characters shown."""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]
