"""Reads of the household registry shared by pages, the API and (later) exports."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from bangfu.accounts.selectors import account_policy
from bangfu.core import idnumbers, params
from bangfu.core.capabilities import Capability
from bangfu.core.models import Code, Region
from bangfu.core.protection import lookup_hashes, unseal
from bangfu.core.regions import RegionLevel
from bangfu.core.scoping import get_visible_or_404, scope_q

from .columns import cells_for, filter_by
from .models import (
    HOUSEHOLD_DETAILS,
    MEMBER_DETAILS,
    AnnualIncome,
    Household,
    HouseholdStatus,
    Member,
    MemberMove,
    StatusChange,
)

MEMBER_CODES = frozenset(
    f.name for f in Member._meta.concrete_fields if f.is_relation and f.related_model is Code
)


@dataclass(frozen=True)
class IdMask:
    """How much of an ID number a person may see: all of it, or ``head`` and ``tail``."""

    full: bool
    head: int
    tail: int


def id_mask_for(user) -> IdMask:
    username = user.get_username()
    return IdMask(
        full=user.has_capability(Capability.VIEW_FULL_ID_NUMBERS),
        head=account_policy(username, "privacy.id_shown_head"),
        tail=account_policy(username, "privacy.id_shown_tail"),
    )


def masked_id(value: str, mask: IdMask) -> str:
    """The ID as lists show it: masked (``6101************3X``) even for those who may see it
    in full; seeing it whole is a separate, audited step (``registry.services``)."""
    return idnumbers.mask(value, mask.head, mask.tail)


def shown_id(member: Member, mask: IdMask) -> str:
    return masked_id(unseal(member.id_number_sealed), mask)


def shown_bank_account(household: Household, mask: IdMask) -> str:
    """The account on record, masked like an ID number; empty when there is none."""
    if not household.bank_account_sealed:
        return ""
    return masked_id(unseal(household.bank_account_sealed), mask)


@dataclass(frozen=True)
class HouseholdFilters:
    region_code: str = ""
    name: str = ""
    id_number: str = ""
    number: str = ""
    status: str = ""
    main_cause: str = ""
    attribute: str = ""
    monitoring_type: str = ""
    # The risk code (三色码) of the column monitoring registers (``registry.columns``).
    risk: str = ""
    sort: str = "place"

    def __post_init__(self) -> None:
        # These are query parameters (the list page, the API, an export's filters): checked
        # once here, so that none reaches the database as something it cannot store or
        # compare (NUL, a number of 5,000 digits) and none longer than its column costs a scan.
        params.place(self.region_code, field="region_code")
        params.text(self.name, field="name", most=_longest(Member, "name"))
        params.text(self.id_number, field="id_number", most=ID_NUMBER_TYPED)
        params.text(self.number, field="number", most=_longest(Household, "number"))
        params.choice(self.status, field="status", choices=HouseholdStatus.values)
        for name in ("main_cause", "attribute", "monitoring_type"):
            params.text(getattr(self, name), field=name, most=_longest(Code, "value"))
        params.choice(self.sort, field="sort", choices=SORTS)
        if self.risk:
            risk = filter_by(RISK_COLUMN)
            params.choice(
                self.risk, field="risk", choices=[v for v, _label in risk.choices] if risk else []
            )


RISK_COLUMN = "risk_code"  # the column (registered by monitoring) that ``risk`` narrows by
ID_NUMBER_TYPED = 32  # 18 characters, with the spaces and dashes people type between groups


def _longest(model, name: str) -> int:
    return model._meta.get_field(name).max_length


NAMED_AT_MOST = 2000  # ids passed as values: well under SQLite's limit of bound parameters

SORTS = {
    "place": ("region_id", "number", "pk"),
    "number": ("number", "pk"),
    "-number": ("-number", "-pk"),
}


def households(user, filters: HouseholdFilters) -> QuerySet[Household]:
    """The households the user may see that match ``filters``, in the requested order."""
    within = None
    if filters.region_code:
        within = Region.objects.visible_to(user).filter(code=filters.region_code).first()
        if within is None:
            return Household.objects.none()
    rows = Household.objects.visible_to(user, within).filter(closed_on=None)
    if filters.number:
        rows = rows.filter(_number_prefix_q(filters.number.strip()))
    if filters.status:
        rows = rows.filter(status=filters.status)
    # Codes are resolved to their ids first, so the index on (main_cause, place, number) serves
    # the filter without a join to the code table.
    for name, kind in (
        ("main_cause", "poverty_cause"),
        ("attribute", "household_attribute"),
        ("monitoring_type", "monitoring_type"),
    ):
        if getattr(filters, name):
            code = Code.objects.filter(kind=kind, value=getattr(filters, name)).first()
            rows = rows.filter(**{f"{name}_id": code.pk if code else None})
    # Member searches select households by id: a correlated subquery per household would run
    # a million times at province scale.
    if filters.risk and (risk := filter_by(RISK_COLUMN)) and risk.narrow:
        rows = risk.narrow(rows, filters.risk)
    if filters.name:
        named = Member.objects.filter(
            left_on=None, name__contains=filters.name.strip()
        ).values_list("household_id", flat=True)
        # A page counts and then lists: a subquery would scan every name twice. A name
        # matches few households as a rule, so their ids are read once and passed on;
        # a very common one (a single character) stays a subquery.
        found = list(named[: NAMED_AT_MOST + 1])
        rows = rows.filter(pk__in=found if len(found) <= NAMED_AT_MOST else named)
    if filters.id_number:
        digests = lookup_hashes(idnumbers.normalise(filters.id_number))
        rows = rows.filter(
            pk__in=Member.objects.filter(id_number_hash__in=digests).values("household_id")
        )
    # Names of places and codes are fetched for the page's rows only: joining them here lets the
    # planner drive the query from the place table and sort every household.
    return rows.prefetch_related("region", "main_cause", "attribute").order_by(
        *SORTS.get(filters.sort, SORTS["place"])
    )


def _number_prefix_q(prefix: str) -> Q:
    """Numbers starting with ``prefix``. For digits, a range the number index serves (LIKE 'x%'
    is served by none); digit strings compare the same under every collation, so the range is
    exact on PostgreSQL with a linguistic collation as on SQLite."""
    # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
    if prefix.isascii() and prefix.isdigit() and prefix.strip("9"):
        upper = str(int(prefix) + 1).zfill(len(prefix))
        return Q(number__gte=prefix, number__lt=upper)
    return Q(number__startswith=prefix)


def household_page(
    user, filters: HouseholdFilters | None, page: int | str | None, per_page: int = 50
) -> Page:
    """A page of the list; no filters (they could not be read) is an empty page.

    Each household on it carries ``head_name`` and ``place_name`` (the village, or village and
    group), read for the page's rows in one query (``household_names``), and the cells of the
    columns other apps add (``registry.columns``)."""
    rows = households(user, filters) if filters else Household.objects.none()
    shown = Paginator(rows, per_page).get_page(page)
    names = household_names(shown)
    for household in shown:
        household.head_name = names[household.pk].head
        household.place_name = names[household.pk].place
    cells_for(user, list(shown))
    return shown


def household_for(user, household_id: int) -> Household:
    return get_visible_or_404(
        Household.objects.select_related(
            "region", "attribute", "standard", "main_cause", "monitoring_type"
        ).prefetch_related("other_causes"),
        user,
        pk=household_id,
    )


def members_of(household: Household) -> QuerySet[Member]:
    """The household's current members, head first."""
    return (
        household.members.filter(left_on=None)
        .select_related("relation", "ethnicity", "health", "labour", "education", "schooling")
        .order_by("-is_head", "birth_date", "pk")
    )


def former_members_of(household: Household) -> QuerySet[Member]:
    """Members who died or left for a household outside the registry."""
    return household.members.exclude(left_on=None).select_related("relation").order_by("left_on")


def history_of(household: Household) -> QuerySet[StatusChange]:
    return household.history.select_related("monitoring_type", "actor").prefetch_related(
        "risk_types"
    )


def household_initial(household: Household) -> dict:
    """The edit form's starting values: codes by value, the bank account left out (sealed)."""
    initial = {
        name: getattr(household, name) for name in ("number", "year_identified", *HOUSEHOLD_DETAILS)
    }
    initial.update(
        region_code=household.region_id,
        attribute=household.attribute.value,
        standard=household.standard.value,
        main_cause=household.main_cause.value,
        other_causes=[code.value for code in household.other_causes.all()],
    )
    return initial


def incomes_of(household: Household) -> QuerySet[AnnualIncome]:
    return household.incomes.order_by("-year")


def moves_of(user, household: Household) -> QuerySet[MemberMove]:
    """Members who came into or left this household, oldest first; a move whose other side
    lies outside the user's places is not shown (its household number would leak)."""
    return (
        MemberMove.objects.visible_to(user)
        .filter(scope_q(user, "to_household__region_id"))
        .filter(Q(from_household=household) | Q(to_household=household))
        .select_related("member", "from_household", "to_household")
        .order_by("effective_on", "pk")
    )


def household_by_number(user, number: str) -> Household | None:
    """An open household the user may see, by its number (to move members into)."""
    return Household.objects.visible_to(user).filter(number=number.strip(), closed_on=None).first()


def member_of(household: Household, member_id: int) -> Member:
    """A current member of a household the caller already reached through ``household_for``."""
    return get_object_or_404(household.members, pk=member_id, left_on=None)


def member_details(member: Member) -> dict:
    """A member's details as a form or an import gives them: codes by their value."""
    details = {}
    for name in MEMBER_DETAILS:
        value = getattr(member, name)
        details[name] = (value.value if value else "") if name in MEMBER_CODES else value
    return details


def member_initial(member: Member) -> dict:
    """The edit form's starting values; the ID number is left for the user to type again.

    Showing it would reveal it whole without the audited step, so a correction means
    entering the full number; left empty, the form cannot be sent.
    """
    return {"name": member.name, **member_details(member)}


@dataclass(frozen=True)
class HouseholdName:
    """A household as the people who visit it know it: the head's name and the village (and
    group), e.g. 曾佳轩家 · 马王村三组; the 16–19-digit number comes after, small."""

    number: str
    head: str  # the head's name; empty when no head is on record
    place: str  # the village, with the group when the household lives in one

    @property
    def title(self) -> str:
        if not self.head:
            return self.number
        return _("%(head)s's household") % {"head": self.head}

    @property
    def label(self) -> str:
        """One line for a list or a queued visit: 曾佳轩家 · 马王村三组."""
        return f"{self.title} · {self.place}"


def _place_label(name: str, level: int, village: str | None) -> str:
    """Where a household lives, as people say it: 马王村, or 马王村三组 for a group. A group
    may be registered as 三组 or in full as 马王村三组: the village is said once."""
    if level == RegionLevel.GROUP and village and not name.startswith(village):
        return village + name
    return name


def household_names(households: Iterable[Household]) -> dict[int, HouseholdName]:
    """How to name each of ``households`` (already read through the reader's places), by
    id: one query for the whole list, whatever its length."""
    ids = {household.pk for household in households}
    if not ids:
        return {}
    head = Member.objects.filter(household=OuterRef("pk"), is_head=True).values("name")[:1]
    rows = (
        Household.objects.filter(pk__in=ids)
        .annotate(
            head=Subquery(head),
            place=F("region__name"),
            level=F("region__level"),
            village=F("region__parent__name"),
        )
        .values_list("pk", "number", "head", "place", "level", "village")
    )
    return {
        pk: HouseholdName(number, head or "", _place_label(place, level, village))
        for pk, number, head, place, level, village in rows
    }


@dataclass(frozen=True, slots=True)
class MemberRef:
    """What another department's record needs of the member it is about (部门数据匹配):
    who, where, born when, and whether they are still in an open household."""

    pk: int
    name: str
    region_id: str
    birth_date: datetime.date
    in_registry: bool  # not left, household not closed
    household_id: int = 0


MATCHED_AT_ONCE = 500  # digests an IN (...) list: well under SQLite's bound parameters


def members_by_id_hash(user, digests: Mapping[str, Any]) -> dict[Any, MemberRef]:
    """The members in ``user``'s places whose ID numbers have these keyed hashes, by hash:
    one indexed query a few hundred numbers, never a number unsealed. ``digests`` maps
    every hash asked for to the key to file its member under (all the hashes a rotation may
    have left on the row go to one key). A member outside the places is absent, like one
    not on record."""
    wanted = sorted(digests)
    found: dict[Any, MemberRef] = {}
    for start in range(0, len(wanted), MATCHED_AT_ONCE):
        rows = (
            Member.objects.visible_to(user)
            .filter(id_number_hash__in=wanted[start : start + MATCHED_AT_ONCE])
            .values_list(
                "id_number_hash",
                "pk",
                "name",
                "household__region_id",
                "birth_date",
                "left_on",
                "household__closed_on",
                "household_id",
            )
            .order_by()
        )
        for digest, pk, name, region, born, left, closed, household in rows:
            found[digests[digest]] = MemberRef(
                pk, name, region, born, left is None and closed is None, household
            )
    return found
