"""Reads of the kernel shared by pages and the API: places, their rules, the audit log."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import audit
from .capabilities import Capability, require
from .codes import KINDS, CodeKind
from .errors import DomainError
from .models import CODE_VALUE, AuditEntry, Code, DataIssue, Policy, Region
from .policies import Effective, PolicyKey, effective_policies
from .regions import RegionLevel, ancestor_codes, code_range
from .scoping import get_visible_or_404, scope_q


def may_be_code(text: str) -> bool:
    """Whether ``text`` could be an entry's code at all; what cannot is looked up nowhere."""
    return len(text) <= CODE_VALUE.max_length and text.isprintable()


def chosen_code(
    kind: str, raw: object, refusal: str | Promise, *, field: str, code: str = "bad_code"
) -> Code:
    """The entry of the code list ``kind`` that ``raw`` names and that may be chosen now; a
    value that names none is refused with ``refusal`` on ``field``."""
    text = str(raw or "").strip()
    found = (
        Code.objects.filter(kind=kind, value=text, retired=False).first()
        if may_be_code(text)
        else None
    )
    if found is None:
        raise DomainError(refusal, code=code, field=field)
    return found


def code_choices(kind: str) -> list[tuple[str, str]]:
    """The entries of a code list that may be chosen now (retired ones are not offered)."""
    return list(
        Code.objects.filter(kind=kind, retired=False)
        .order_by("sort_order", "value")
        .values_list("value", "label")
    )


def code_lists(user) -> list[tuple[CodeKind, list[Code]]]:
    """Every code list with all its entries, retired ones too, for the page that edits them."""
    require(user, Capability.EDIT_CODE_LISTS)
    entries: dict[str, list[Code]] = {}
    for code in Code.objects.order_by("kind", "sort_order", "value"):
        entries.setdefault(code.kind, []).append(code)
    return [(kind, entries.get(key, [])) for key, kind in KINDS.items()]


def any_places() -> bool:
    """Whether this installation has been given its places yet (set-up commands ask)."""
    return Region.objects.exists()


def is_place_code(text: object) -> bool:
    """Whether ``text`` can be a place's code at all (digits, at most a group's 15)."""
    return isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 15


def visible_place(user, code: object) -> Region | None:
    """The place ``code`` among the user's places; None for anything else, text that can be
    no place's code included (it never reaches the database)."""
    if not is_place_code(code):
        return None
    return Region.objects.visible_to(user).filter(code=code).first()


def region_for(user, code: str) -> Region:
    return get_visible_or_404(Region.objects.select_related("parent"), user, code=code)


def top_places(user) -> QuerySet[Region]:
    """The places a user holds, each once, for the home page and the API's entry point."""
    return Region.objects.visible_to(user).filter(code__in=[c for c, _ in user.held_places()])


def places_down_to(user, level: int) -> list[tuple[str, str, int]]:
    """(code, name, level) of the user's places and those under them down to ``level``."""
    return list(
        Region.objects.visible_to(user)
        .filter(level__lte=level)
        .order_by("code")
        .values_list("code", "name", "level")
    )


def place_filter_choices(user, selected: str = "") -> list[tuple[str, str]]:
    """Choices for a place filter that stays short at province scale: the user's places, and
    for the chosen place its trail above and the places directly under it (drill-down)."""
    tops = list(top_places(user))
    chosen = visible_place(user, selected) if selected else None
    listed: list[Region] = []
    for region in tops + (trail_of(user, chosen) + [chosen] if chosen else []):
        if region not in listed:
            listed.append(region)
    if chosen:
        listed += [child for child in children_of(user, chosen) if child not in listed]
    return [(r.code, f"{r.name}（{RegionLevel(r.level).label}）") for r in listed]


def leaf_places(user) -> list[str]:
    """Codes of the user's villages without groups and of every group: where households live."""
    places = places_down_to(user, RegionLevel.GROUP)
    parents = {code[:12] for code, _name, level in places if level == RegionLevel.GROUP}
    return [
        code
        for code, _name, level in places
        if level == RegionLevel.GROUP or (level == RegionLevel.VILLAGE and code not in parents)
    ]


def children_of(user, region: Region) -> QuerySet[Region]:
    return (
        Region.objects.visible_to(user)
        .filter(parent=region)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )


def outermost(places: list[Region]) -> list[Region]:
    """The places that lie in no other of them (a county and one of its townships: the county)."""
    ranges = [(place, code_range(place.code, place.level)) for place in places]
    return [
        place
        for place, (lo, hi) in ranges
        if not any(
            other is not place and o_lo <= lo and hi <= o_hi for other, (o_lo, o_hi) in ranges
        )
    ]


def places_listed(user, within: Region | None) -> list[Region]:
    """The places a breakdown by place lists, one row each: those directly under ``within``;
    for all the user's places, those directly under the one place they hold (a county's
    townships, a township's villages: the next level down at once), or the places they hold
    where they hold several (or one with nothing under it)."""
    if within:
        return list(children_of(user, within))
    held = outermost(list(top_places(user)))
    if len(held) == 1:
        return list(children_of(user, held[0])) or held
    return held


def trail_of(user, region: Region) -> list[Region]:
    """The places above ``region`` that the user may see, top first (a breadcrumb)."""
    codes = [c for c in ancestor_codes(region.code) if c != region.code]
    return list(Region.objects.visible_to(user).filter(code__in=codes).order_by("level"))


@dataclass(frozen=True)
class SetHere:
    """A value set on the place, and that value as people write it."""

    policy: Policy
    shown: str


@dataclass(frozen=True)
class RuleAtPlace:
    """A rule at a place. Values are shown as people write them (``shown``, and each value
    set here with its own): 是/否, names joined by 、, numbers plain."""

    spec: PolicyKey
    effective: Effective
    set_here: list[SetHere]
    source: Region | None

    @property
    def shown(self) -> str:
        return self.spec.show(self.effective.value)

    @property
    def default_shown(self) -> str:
        return self.spec.show(self.spec.default)


def rules_at(
    user, region: Region, *, keys: list[str] | None = None, on: datetime.date | None = None
) -> list[RuleAtPlace]:
    """Every rule (or those of ``keys``, in their order) with the value in force at ``region``
    on ``on`` (default today) and the values set on it."""
    in_force = effective_policies(region.code, keys, on)
    set_here: dict[str, list[SetHere]] = {}
    policies = Policy.objects.visible_to(user).filter(region=region)
    if keys is not None:
        policies = policies.filter(key__in=keys)
    for policy in policies.order_by("key", "valid_from"):
        if policy.key in in_force:
            shown = in_force[policy.key].spec.show(policy.value)
            set_here.setdefault(policy.key, []).append(SetHere(policy, shown))
    # The place a binding rule comes from is named even when it lies above the user's places:
    # knowing who set a rule you must follow is not a view into that place's records.
    sources = Region.objects.in_bulk([e.region_code for e in in_force.values() if e.region_code])
    return [
        RuleAtPlace(e.spec, e, set_here.get(key, []), sources.get(e.region_code))
        for key, e in in_force.items()
    ]


def audit_entries(user) -> QuerySet[AuditEntry]:
    require(user, Capability.VIEW_AUDIT)
    return AuditEntry.objects.visible_to(user).order_by("-seq")


@dataclass(frozen=True)
class AuditRow:
    """An entry with what its codes mean to people (``core.audit.ACTIONS``, ``OBJECT_TYPES``)."""

    entry: AuditEntry
    action: str
    object_type: str


def audit_rows(entries: Iterable[AuditEntry]) -> Iterator[AuditRow]:
    for entry in entries:
        yield AuditRow(
            entry, audit.action_label(entry.action), audit.object_label(entry.object_type)
        )


def data_issues(user) -> QuerySet[DataIssue]:
    """The data issues an administrator answers for: those of their places and, for a clash,
    only where their places cover the other place too (a county's administrator does not
    learn where else a citizen is registered; the province's, who holds both, does)."""
    require(user, Capability.RESOLVE_DATA_ISSUES)
    return (
        DataIssue.objects.visible_to(user)
        .filter(Q(other_region_code="") | scope_q(user, "other_region_code"))
        .select_related("raised_by", "resolved_by")
    )


# What a data issue's details are called, as the services and migrations write them.
DETAIL_LABELS = {
    "was": _("value as it was"),
    "length": _("characters"),
    "number": _("household number"),
    "household_number": _("household number"),
    "id_number": _("ID number"),
    "helper": _("helper"),
}


def named_issues(issues) -> list[DataIssue]:
    """``issues`` as a reader reads them: the names of their places (``place_name``,
    ``other_place_name``), what the record and the field are called (``record_label``,
    ``field_label``) and their details labelled (``details``)."""
    issues = list(issues)
    codes = {i.region_code for i in issues} | {i.other_region_code for i in issues}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for issue in issues:
        issue.place_name = names.get(issue.region_code, issue.region_code)
        issue.other_place_name = names.get(issue.other_region_code, issue.other_region_code)
        model = apps.get_model(issue.object_type)
        issue.record_label = audit.object_label(issue.object_type)
        try:
            issue.field_label = model._meta.get_field(issue.field).verbose_name
        except FieldDoesNotExist:  # a sealed number, kept beside its column under its own name
            issue.field_label = DETAIL_LABELS.get(issue.field, issue.field)
        issue.details = [(DETAIL_LABELS.get(k, k), v) for k, v in issue.detail.items()]
    return issues
