"""Cell values as offices' spreadsheets hold them, turned into what the registry takes.

Every cleaner takes the raw cell (a str, float, int, bool, date or datetime, as calamine or
the CSV reader gives it) and returns the clean value, or raises ``CellError`` with a reason
a cadre can act on. Text is compared in one form: NFKC (full-width digits and letters
become half-width), no stray spaces, traditional characters converted to simplified —
except people's names, which are kept exactly as written.
"""

import contextlib
import datetime
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

# ``key`` is re-exported: the sheets' readers compare headers and codes in core's one form.
from bangfu.core.text import key as key
from bangfu.core.text import simplified, squeezed

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 is 1900-01-01, after Excel's leap-year bug
MAX_EXACT_DIGITS = 15  # Excel keeps 15 significant digits of a number, then writes zeros


class CellError(ValueError):
    """A cell that cannot be read; the message says why and what to do."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text(raw: Any) -> str:
    """Free text (an address, a name): half-width, single spaces, nothing else changed."""
    if is_blank(raw):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return " ".join(unicodedata.normalize("NFKC", str(raw)).split())


def name(raw: Any) -> str:
    """A person's name exactly as written, but for the spaces around it."""
    return "" if is_blank(raw) else str(raw).strip()


def digits(raw: Any, *, what: str) -> str:
    """A number people read as digits (household number, phone, bank account): as text.

    A number cell longer than Excel keeps exactly has lost its last digits already; it is
    refused, never guessed.
    """
    if is_blank(raw):
        return ""
    if isinstance(raw, bool):
        raise CellError(_("expected digits, not a yes/no value"))
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not raw.is_integer():
            raise CellError(_("expected digits, found %(value)s") % {"value": raw})
        value = str(int(raw))
        if len(value) > MAX_EXACT_DIGITS:
            raise CellError(_damaged_number(what))
        return value
    value = squeezed(raw)
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", value, re.IGNORECASE):
        raise CellError(_damaged_number(what))
    return value


def _damaged_number(what: str) -> str:
    return _(
        "Excel stored this %(what)s as a number and kept only its first 15 digits; the rest "
        "are lost. Format the column as text (设置单元格格式 → 文本) and enter the numbers again, "
        "or export them again as text."
    ) % {"what": what}


def id_number(raw: Any) -> str:
    """An ID number as typed; refused when Excel has damaged it (the registry checks the rest)."""
    if is_blank(raw):
        return ""
    value = digits(raw, what=_("ID number"))
    if len(value) == 18 and value.endswith("000") and not isinstance(raw, str):
        raise CellError(_damaged_number(_("ID number")))
    if re.fullmatch(r"\d{15}000", value):
        from stdnum.cn import ric

        if ric.calc_check_digit(value) != value[17]:
            raise CellError(
                _(
                    "The last three digits are 000 and the check digit does not match: Excel "
                    "most likely turned the last digits to zeros. Format the column as text "
                    "and enter the full numbers again."
                )
            )
    return value


_DATE_PATTERNS = (
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})[./\-](\d{1,2})[./\-](\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def date(raw: Any) -> datetime.date | None:
    """2019年6月5日, 2019.6.5, 2019/6/5, 2019-06-05, 20190605, a date cell or a serial number."""
    if is_blank(raw):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        if 20000101 > raw > 0:  # an Excel serial number (1 = 1900-01-01)
            with contextlib.suppress(OverflowError):  # past 9999: read as 19991231 below
                return EXCEL_EPOCH + datetime.timedelta(days=int(raw))
        raw = str(int(raw))
    value = squeezed(raw)
    for pattern in _DATE_PATTERNS:
        found = pattern.fullmatch(value) or pattern.fullmatch(value.split(" ")[0])
        if found:
            try:
                return datetime.date(*(int(part) for part in found.groups()))
            except ValueError:
                break
    raise CellError(
        _("“%(value)s” is not a date; write it as 2019-06-05 or 2019年6月5日.") % {"value": raw}
    )


def year(raw: Any) -> int | None:
    if is_blank(raw):
        return None
    value = squeezed(raw).removesuffix("年")
    try:
        number = float(value)
    except ValueError:
        raise CellError(_("“%(value)s” is not a year.") % {"value": raw}) from None
    if not number.is_integer():
        raise CellError(_("“%(value)s” is not a year.") % {"value": raw})
    return int(number)


def decimal(raw: Any) -> Decimal | None:
    if is_blank(raw):
        return None
    try:
        value = Decimal(squeezed(raw) if isinstance(raw, str) else repr(raw))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": raw})
    return value.normalize() if value == value.to_integral() else value


YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "享受", "参加", "已参加", "通"}
NO = {"否", "无", "没有", "n", "no", "false", "0", "×", "✗", "不享受", "未参加", "不通"}


def yes_no(raw: Any) -> bool | None:
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    value = key(raw.__int__() if isinstance(raw, float) and raw.is_integer() else raw)
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellError(_("“%(value)s”: write 是 or 否.") % {"value": raw})


def code_value(raw: Any) -> str:
    """A code as given: numbers read as floats lose their “.0” (3.0 → "3")."""
    if is_blank(raw):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return key(raw)


SEPARATORS = re.compile(r"[、,，;；/|\s]+")


def several(raw: Any) -> list[str]:
    """Several codes in one cell: 因病、因残 or 1,2."""
    if is_blank(raw):
        return []
    if isinstance(raw, int | float):
        return [code_value(raw)]
    value = simplified(unicodedata.normalize("NFKC", str(raw))).lower()
    return [part for part in SEPARATORS.split(value) if part]
