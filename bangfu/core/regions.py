"""Statistical division codes (统计用区划代码) and the ranges they cover.

A place at level L owns the first ``OWN_DIGITS[L]`` digits of its 12-digit code; the rest are
zeros. Everything under a place therefore lies in one contiguous range of codes, so "records
under X" is a single range condition that an ordinary index serves. Village groups (组) have no
national code: they get the village's 12 digits plus three of their own (15 digits), which
still fall inside the village's range.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

NATIONAL_CODE_LENGTH = 12
GROUP_CODE_LENGTH = 15


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    COUNTY = 3, _("County/district")
    TOWNSHIP = 4, _("Township/street")
    VILLAGE = 5, _("Village/community")
    GROUP = 6, _("Village group")


OWN_DIGITS = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
    RegionLevel.GROUP: 15,
}


def own_prefix(code: str, level: int) -> str:
    return code[: OWN_DIGITS[RegionLevel(level)]]


def code_range(code: str, level: int) -> tuple[str, str]:
    """The half-open range ``[lo, hi)`` of codes of this place and everything under it."""
    own = own_prefix(code, level)
    lo = own.ljust(NATIONAL_CODE_LENGTH, "0")
    hi = str(int(own) + 1).zfill(len(own)).ljust(NATIONAL_CODE_LENGTH, "0")
    return lo, hi


def ancestor_codes(code: str) -> list[str]:
    """Codes this place and every place above it could have, nearest last.

    Derived from the digits alone, so a lookup needs no walk up the tree; codes that name no
    existing place simply match nothing.
    """
    national = code[:NATIONAL_CODE_LENGTH]
    codes = []
    for level in (
        RegionLevel.PROVINCE,
        RegionLevel.CITY,
        RegionLevel.COUNTY,
        RegionLevel.TOWNSHIP,
    ):
        candidate = own_prefix(national, level).ljust(NATIONAL_CODE_LENGTH, "0")
        if candidate not in codes:
            codes.append(candidate)
    if national not in codes:
        codes.append(national)
    if len(code) == GROUP_CODE_LENGTH:
        codes.append(code)
    return codes


def county_code(code: str) -> str:
    """The code of the county (区县) a place at or below county level lies in."""
    return own_prefix(code, RegionLevel.COUNTY).ljust(NATIONAL_CODE_LENGTH, "0")


def township_code(code: str) -> str:
    """The code of the township (乡镇/街道) a place at or below township level lies in."""
    return own_prefix(code, RegionLevel.TOWNSHIP).ljust(NATIONAL_CODE_LENGTH, "0")


def validate_code(code: str, level: int, parent_code: str | None, parent_level: int | None) -> str:
    """Check a code's shape against its level and parent; returns the code or raises DomainError."""
    code = (code or "").strip()
    level = RegionLevel(level)
    expected_length = GROUP_CODE_LENGTH if level == RegionLevel.GROUP else NATIONAL_CODE_LENGTH
    if len(code) != expected_length or not code.isdigit():
        raise DomainError(
            _("Code %(code)s must be %(n)d digits for a %(level)s.")
            % {"code": code, "n": expected_length, "level": level.label},
            code="bad_region_code",
            field="code",
        )
    own = own_prefix(code, level)
    own_segment = own[_parent_digits(level) :]
    if code[len(own) :].strip("0") or not own_segment.strip("0"):
        raise DomainError(
            _("Code %(code)s does not have the shape of a %(level)s code.")
            % {"code": code, "level": level.label},
            code="bad_region_code",
            field="code",
        )
    if parent_code is not None:
        if parent_level is None or parent_level >= level:
            raise DomainError(
                _("A %(level)s cannot sit under that parent.") % {"level": level.label},
                code="bad_region_parent",
                field="parent",
            )
        if not code.startswith(own_prefix(parent_code, parent_level)):
            raise DomainError(
                _("Code %(code)s does not lie under its parent %(parent)s.")
                % {"code": code, "parent": parent_code},
                code="bad_region_parent",
                field="parent",
            )
    return code


def _parent_digits(level: RegionLevel) -> int:
    return 0 if level == RegionLevel.PROVINCE else OWN_DIGITS[RegionLevel(level - 1)]


_SEGMENTS = (
    (RegionLevel.PROVINCE, 0, 2),
    (RegionLevel.CITY, 2, 4),
    (RegionLevel.COUNTY, 4, 6),
    (RegionLevel.TOWNSHIP, 6, 9),
    (RegionLevel.VILLAGE, 9, 12),
)


def infer_level(code: str) -> RegionLevel | None:
    """The level a code's digits give: the last non-zero segment (a 15-digit code is a group)."""
    if len(code) == GROUP_CODE_LENGTH:
        return RegionLevel.GROUP
    if len(code) != NATIONAL_CODE_LENGTH or not code.isdigit():
        return None
    level = None
    for candidate, start, end in _SEGMENTS:
        if code[start:end].strip("0"):
            level = candidate
    return level
