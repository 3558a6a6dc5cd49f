"""Rules on values (取值规则): the bounds, lengths, formats and date windows of what people,
other systems and sheets give us, each stated once.

A model states its rules in one table, ``value_rules`` (a ``Rules``). From that table:

- services clean every input through ``clean(Model, name, raw)`` (or ``assign``), which
  refuses with the field and words a person can act on — the same refusal whether the
  value came from a page, the API, an import or a command;
- the model's ``Meta.constraints`` take ``rules.checks(prefix)``: CHECK constraints on both
  engines, the last line under the services (SQLite keeps a string of any length in a
  ``varchar(50)``; PostgreSQL refuses it, but with a server error);
- API schemas state the same bounds (``json_schema``), so the OpenAPI spec says them;
- forms take HTML hints from them (``html_attrs``): help for people, never a rule of their own.

A stored value must never make a later read fail. That is why numbers are bounded within
their column's digits (SQLite stores 1e15 in a ``decimal(8, 2)`` and Django's reader then
fails on every page that shows it), text refuses NUL and other control characters
(PostgreSQL refuses NUL outright), and dates and times stay in years that every library
converts between time zones.
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError

# Length as a lookup (``name__length__lte``), so CHECK constraints can bound text.
models.CharField.register_lookup(Length)
models.TextField.register_lookup(Length)

# What no field of ours holds: C0 and C1 control characters (NUL among them) and lone UTF-16
# surrogates, which cannot be written as UTF-8. Tabs and line breaks are whitespace: folded
# into spaces on one-line fields, kept where a field holds lines.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
# The widest window any date or time of ours may take, whatever its own rule: the database's
# last line, and years every time-zone conversion can handle.
EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)
WHOLE_DIGITS = 18  # bigint holds 18 digits whole; longer strings are not numbers of ours


class Rule:
    """One value's rule. ``clean`` answers the value as stored, or refuses; empty input
    answers ``None`` (or ``""`` for text), and ``clean`` of the module decides whether the
    field may be empty."""

    def clean(self, raw: Any, *, label: str, field: str) -> Any:
        raise NotImplementedError

    def conditions(self, column: str) -> dict[str, Q]:
        """What the database checks, by constraint suffix."""
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def html_attrs(self) -> dict[str, str]:
        return {}


def _is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


@dataclass(frozen=True)
class Text(Rule):
    """Text of at most ``max_length`` characters, trimmed; ``lines`` keeps line breaks."""

    max_length: int
    lines: bool = False

    def clean(self, raw: Any, *, label: str, field: str) -> str:
        text = "" if raw is None else str(raw)
        if not self.lines:
            text = _LINE_BREAKS.sub(" ", text)
        text = text.strip()
        if _CONTROL.search(text):
            raise DomainError(
                _("%(label)s contains control characters; type it again without them.")
                % {"label": label},
                code="bad_text",
                field=field,
            )
        if len(text) > self.max_length:
            raise DomainError(
                _("%(label)s: at most %(n)d characters; this has %(given)d.")
                % {"label": label, "n": self.max_length, "given": len(text)},
                code="too_long",
                field=field,
            )
        return text

    def conditions(self, column: str) -> dict[str, Q]:
        return {"length": Q(**{f"{column}__length__lte": self.max_length})}

    def json_schema(self) -> dict[str, Any]:
        return {"maxLength": self.max_length}

    def html_attrs(self) -> dict[str, str]:
        return {"maxlength": str(self.max_length)}


@dataclass(frozen=True)
class Phone(Text):
    """A phone number as people write it: digits, with + - ( ) and spaces, which are dropped."""

    max_length: int = 20

    def clean(self, raw: Any, *, label: str, field: str) -> str:
        text = "".join(super().clean(raw, label=label, field=field).split())
        if not re.fullmatch(r"[0-9+()\-]*", text):
            raise DomainError(
                _("%(label)s: enter digits, with + - ( ) where needed.") % {"label": label},
                code="bad_phone",
                field=field,
            )
        return text


@dataclass(frozen=True)
class Digits(Text):
    """A number people copy as digits (a bank account): spaces and dashes are dropped."""

    def clean(self, raw: Any, *, label: str, field: str) -> str:
        text = re.sub(r"[\s-]+", "", super().clean(raw, label=label, field=field))
        if text and not (text.isascii() and text.isdigit()):
            raise DomainError(
                _("%(label)s: enter digits only.") % {"label": label},
                code="bad_digits",
                field=field,
            )
        return text


@dataclass(frozen=True)
class Flag(Rule):
    """Yes or no."""

    def clean(self, raw: Any, *, label: str, field: str) -> bool:
        if isinstance(raw, bool):
            return raw
        if raw in (0, 1):
            return bool(raw)
        raise DomainError(
            _("%(label)s: answer yes or no.") % {"label": label}, code="bad_flag", field=field
        )

    def conditions(self, column: str) -> dict[str, Q]:
        return {}

    def json_schema(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class Choice(Rule):
    """One of a fixed list (``models.TextChoices``), or empty (``clean`` of the module refuses
    an empty value where the column needs one)."""

    choices: type[models.TextChoices]

    def clean(self, raw: Any, *, label: str, field: str) -> str:
        value = "" if raw is None else str(raw).strip()
        if value and value not in self.choices.values:
            raise DomainError(
                _("%(label)s: choose one of %(choices)s.")
                % {"label": label, "choices": "、".join(str(c) for c in self.choices.labels)},
                code="bad_choice",
                field=field,
            )
        return value

    def conditions(self, column: str) -> dict[str, Q]:
        return {"choice": Q(**{f"{column}__in": [*self.choices.values, ""]})}

    def json_schema(self) -> dict[str, Any]:
        return {"enum": [*self.choices.values, ""]}


def _bounds_message(label: str, low: Any, high: Any) -> str:
    return _("%(label)s: enter a number from %(min)s to %(max)s.") % {
        "label": label,
        "min": f"{low:,}",
        "max": f"{high:,}",
    }


@dataclass(frozen=True)
class Number(Rule):
    """A decimal from ``minimum`` to ``maximum``, kept to ``places`` decimal places."""

    minimum: Decimal
    maximum: Decimal
    places: int = 2

    def clean(self, raw: Any, *, label: str, field: str) -> Decimal | None:
        if _is_empty(raw):
            return None
        try:
            if isinstance(raw, bool):
                raise InvalidOperation
            value = Decimal(raw.strip() if isinstance(raw, str) else str(raw))
        except (InvalidOperation, ValueError, TypeError):
            value = None
        if value is None or not value.is_finite():
            raise DomainError(
                _("%(label)s: enter a number.") % {"label": label}, code="bad_number", field=field
            )
        # Bounds first: quantizing 1e30 to cents needs more digits than the context holds.
        if not self.minimum <= value <= self.maximum:
            raise DomainError(
                _bounds_message(label, self.minimum, self.maximum), code="out_of_range", field=field
            )
        return value.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)

    def conditions(self, column: str) -> dict[str, Q]:
        return {
            "range": Q(**{f"{column}__gte": self.minimum, f"{column}__lte": self.maximum}),
        }

    def json_schema(self) -> dict[str, Any]:
        return {"minimum": float(self.minimum), "maximum": float(self.maximum)}

    def html_attrs(self) -> dict[str, str]:
        return {
            "min": str(self.minimum),
            "max": str(self.maximum),
            "step": str(Decimal(1).scaleb(-self.places)),
        }


def _whole(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float | Decimal):
        try:
            return int(raw) if raw == int(raw) else None
        except (OverflowError, ValueError, InvalidOperation):
            return None
    text = str(raw).strip()
    if re.fullmatch(rf"[+-]?\d{{1,{WHOLE_DIGITS}}}", text):
        return int(text)
    return None


@dataclass(frozen=True)
class Whole(Rule):
    """A whole number from ``minimum`` to ``maximum``."""

    minimum: int
    maximum: int

    def window(self) -> tuple[int, int]:
        return self.minimum, self.maximum

    def clean(self, raw: Any, *, label: str, field: str) -> int | None:
        if _is_empty(raw):
            return None
        value = _whole(raw)
        if value is None:
            raise DomainError(
                _("%(label)s: enter a whole number.") % {"label": label},
                code="bad_number",
                field=field,
            )
        low, high = self.window()
        if not low <= value <= high:
            raise DomainError(_bounds_message(label, low, high), code="out_of_range", field=field)
        return value

    def conditions(self, column: str) -> dict[str, Q]:
        return {"range": Q(**{f"{column}__gte": self.minimum, f"{column}__lte": self.maximum})}

    def json_schema(self) -> dict[str, Any]:
        low, high = self.window()
        return {"minimum": low, "maximum": high}

    def html_attrs(self) -> dict[str, str]:
        low, high = self.window()
        return {"min": str(low), "max": str(high)}


@dataclass(frozen=True)
class Year(Whole):
    """A year from ``minimum`` to this year (and ``ahead`` years more); the database holds
    the year to 2100, since "this year" moves."""

    minimum: int
    maximum: int = LATEST_DAY.year
    ahead: int = 0

    def window(self) -> tuple[int, int]:
        return self.minimum, timezone.localdate().year + self.ahead


def _day_message(label: str, earliest: datetime.date, latest: datetime.date) -> str:
    return _("%(label)s: enter a date from %(earliest)s to %(latest)s.") % {
        "label": label,
        "earliest": earliest.isoformat(),
        "latest": latest.isoformat(),
    }


@dataclass(frozen=True)
class Day(Rule):
    """A date from ``earliest`` up to today plus ``ahead`` days (``ahead=None``: to 2100)."""

    earliest: datetime.date = EARLIEST_DAY
    ahead: int | None = 0

    def latest(self) -> datetime.date:
        if self.ahead is None:
            return LATEST_DAY
        return min(LATEST_DAY, timezone.localdate() + datetime.timedelta(days=self.ahead))

    def clean(self, raw: Any, *, label: str, field: str) -> datetime.date | None:
        if _is_empty(raw):
            return None
        if isinstance(raw, datetime.datetime):
            raw = raw.date()
        if not isinstance(raw, datetime.date):
            try:
                raw = datetime.date.fromisoformat(str(raw).strip())
            except ValueError:
                raise DomainError(
                    _("%(label)s: enter a date like 2026-11-05.") % {"label": label},
                    code="bad_date",
                    field=field,
                ) from None
        if not self.earliest <= raw <= self.latest():
            raise DomainError(
                _day_message(label, self.earliest, self.latest()), code="out_of_range", field=field
            )
        return raw

    def conditions(self, column: str) -> dict[str, Q]:
        return {"range": Q(**{f"{column}__gte": self.earliest, f"{column}__lte": LATEST_DAY})}

    def json_schema(self) -> dict[str, Any]:
        return {"format": "date", "x-earliest": self.earliest.isoformat()}

    def html_attrs(self) -> dict[str, str]:
        return {"min": self.earliest.isoformat(), "max": self.latest().isoformat()}


@dataclass(frozen=True)
class Moment(Rule):
    """A point in time from ``earliest`` to now plus ``slack`` (a phone's clock runs fast)."""

    earliest: datetime.date
    slack: datetime.timedelta = datetime.timedelta(0)

    def clean(self, raw: Any, *, label: str, field: str) -> datetime.datetime | None:
        if _is_empty(raw):
            return None
        if not isinstance(raw, datetime.datetime):
            try:
                raw = datetime.datetime.fromisoformat(str(raw).strip())
            except ValueError:
                raise DomainError(
                    _("%(label)s: enter a date and time like 2026-11-05 10:30.") % {"label": label},
                    code="bad_time",
                    field=field,
                ) from None
        # The wall-clock date first: comparing or converting year 1 or 9999 across time
        # zones overflows.
        latest = timezone.localdate() + datetime.timedelta(days=1)
        if not self.earliest <= raw.date() <= latest:
            raise DomainError(
                _day_message(label, self.earliest, timezone.localdate()),
                code="out_of_range",
                field=field,
            )
        moment = timezone.make_aware(raw) if timezone.is_naive(raw) else raw
        if moment > timezone.now() + self.slack:
            raise DomainError(
                _("%(label)s lies in the future; check the clock.") % {"label": label},
                code="future_time",
                field=field,
            )
        return moment

    def conditions(self, column: str) -> dict[str, Q]:
        earliest = datetime.datetime.combine(self.earliest, datetime.time(), datetime.UTC)
        latest = datetime.datetime.combine(LATEST_DAY, datetime.time(), datetime.UTC)
        return {"range": Q(**{f"{column}__gte": earliest, f"{column}__lte": latest})}

    def json_schema(self) -> dict[str, Any]:
        return {"format": "date-time", "x-earliest": self.earliest.isoformat()}


class Rules(Mapping[str, Rule]):
    """A model's value rules, by field name (``Household.value_rules``)."""

    def __init__(self, **rules: Rule):
        self._rules = rules

    def __getitem__(self, name: str) -> Rule:
        return self._rules[name]

    def __iter__(self):
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def checks(self, prefix: str) -> list[models.CheckConstraint]:
        """The CHECK constraints of every rule, named ``<prefix>_<field>_<what>``."""
        return [
            models.CheckConstraint(condition=condition, name=f"{prefix}_{name}_{suffix}")
            for name, rule in self._rules.items()
            for suffix, condition in rule.conditions(name).items()
        ]


def rule_of(model: type[models.Model], name: str) -> Rule:
    return model.value_rules[name]  # type: ignore[attr-defined]


def clean(model: type[models.Model], name: str, raw: Any, *, field: str | None = None) -> Any:
    """``raw`` for ``model.name`` as it is to be stored, or a refusal naming ``field``
    (default: ``name``). An empty value is refused where the column needs one."""
    column = model._meta.get_field(name)
    label = str(column.verbose_name)
    where = field or name
    value = rule_of(model, name).clean(raw, label=label, field=where)
    empty_allowed = column.null if value is None else column.blank
    if value in (None, "") and not empty_allowed:
        raise DomainError(_("Enter %(label)s.") % {"label": label}, code="required", field=where)
    return value


def assign(record: models.Model, source: Any, names: Iterable[str]) -> None:
    """Clean each of ``names`` from the attributes of ``source`` onto ``record``."""
    model = type(record)
    for name in names:
        setattr(record, name, clean(model, name, getattr(source, name)))


def json_schema(model: type[models.Model], name: str) -> dict[str, Any]:
    return rule_of(model, name).json_schema()


def html_attrs(model: type[models.Model], name: str) -> dict[str, str]:
    return rule_of(model, name).html_attrs()
