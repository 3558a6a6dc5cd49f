"""Scoring schemes, the points inspectors and village staff give, publishing a month and
what stays as published, the year's totals and the hygiene ranking."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from bangfu.core.audit import AuditEntry
from bangfu.core.errors import DomainError, NotPermitted
from bangfu.supervision import services
from bangfu.supervision.models import Score
from bangfu.supervision.selectors import place_figures
from bangfu.supervision.selectors import scores as selectors
from bangfu.supervision.services import ItemInput
from tests.supervision.scores_world import (
    COUNTY,
    MAJIAZHAI,
    MONTH,
    build,
    log_home,
)

pytestmark = pytest.mark.django_db

D = Decimal
CENT = D("0.01")
OCTOBER, DECEMBER = datetime.date(2026, 10, 1), datetime.date(2026, 12, 1)
ITEMS = [
    ItemInput("走访", "visit_compliance", "30"),
    ItemInput("整改", "rectified_on_time", "15"),
    ItemInput("满意度", "satisfaction", "10"),
    ItemInput("督查评分", "scored", "5"),
]


@pytest.fixture
def hand(county_admin, today, on_day):
    return build(county_admin, on_day)


@pytest.fixture
def county(hand):
    from bangfu.core.models import Region

    return Region.objects.get(code=COUNTY)


def scheme(actor, level="helper", valid_from=datetime.date(2026, 1, 1), items=ITEMS, **kw):
    return services.scheme_create(
        actor=actor,
        region_code=kw.pop("region_code", COUNTY),
        level=level,
        name=kw.pop("name", "帮扶干部考评"),
        valid_from=valid_from,
        items=items,
    )


def test_helpers_month_scored_by_hand(hand, county_admin, inspector, county):
    made = scheme(county_admin)
    scored = made.items.get(source="scored")
    one, two, three = (str(hand.helpers[k].pk) for k in ("one", "two", "three"))
    services.item_score_set(
        actor=inspector, item_id=scored.pk, month=MONTH, subject=one, points="4", reason="台账齐全"
    )
    rows = {row.key: row for row in selectors.month_scores(county_admin, county, "helper", MONTH)}
    # 王一: 走访 30 × 66.67% = 20.00, 整改 15 × 100% = 15, 满意度 10 × 50% = 5, 督查 4: 44
    # of the full 60 (everything applies).
    assert rows[one].total == D("44.00")
    # 王二: 走访 30 × 50% = 15; 整改, 满意度 n/a: 15 + 0 (not yet scored) over 35 of 60
    # applying → 15 × 60 / 35 = 25.71.
    assert rows[two].total == D("25.71")
    assert rows[two].not_yet_scored == 1
    # 李三: 15 + 10 (satisfied) + 0 over 45 → 25 × 60 / 45 = 33.33.
    assert rows[three].total == D("33.33")
    assert [rows[k].rank for k in (one, three, two)] == [1, 2, 3]
    breakdown = selectors.score_breakdown(county_admin, county, "helper", MONTH, one)
    assert [(line.name, line.points) for line in breakdown.lines] == [
        ("走访", D("20.00")),
        ("整改", D("15.00")),
        ("满意度", D("5.00")),
        ("督查评分", D("4")),
    ]


def test_ties_share_a_rank():
    from bangfu.supervision.scoring import ranked

    assert ranked([D(80), D(90), D(80), D(70)]) == [2, 1, 2, 4]


STORED = ("total", "rank", "breakdown")


def ranking(user, county):
    return {r.key: (r.total, r.rank) for r in selectors.month_scores(user, county, "unit", MONTH)}


def test_a_published_month_stays_as_published(hand, county_admin, county, on_day):
    made = scheme(county_admin, level="unit")
    farm = str(hand.units["farm"].pk)
    before = ranking(county_admin, county)
    sheet = services.scores_publish(
        actor=county_admin, region_code=COUNTY, level="unit", month=MONTH
    )
    assert sheet.scheme == made and sheet.scores.count() == 2
    assert AuditEntry.objects.filter(action="scores.publish").count() == 1
    stored = list(Score.objects.filter(sheet=sheet).values_list(*STORED))
    # A new scheme from December, and the records change: November stays.
    scheme(
        county_admin,
        level="unit",
        valid_from=DECEMBER,
        items=[ItemInput("走访", "visit_compliance", "100")],
    )
    log_home(county_admin, hand, 4)
    assert ranking(county_admin, county) == before
    assert stored == list(Score.objects.filter(sheet=sheet).values_list(*STORED))
    with pytest.raises(DomainError) as refused:
        services.scores_publish(actor=county_admin, region_code=COUNTY, level="unit", month=MONTH)
    assert refused.value.field == "month"
    # The scheme scored a published month: it is not changed any more.
    with pytest.raises(DomainError) as refused:
        services.scheme_update(
            actor=county_admin, scheme_id=made.pk, name="改", valid_from=MONTH, items=ITEMS
        )
    assert refused.value.field == "scheme_id"
    # The indicator "average score by level", from the place roll-ups: the units' only.
    mean = sum(total for total, _rank in before.values()) / 2
    found = place_figures(county, [MONTH], MONTH.replace(day=30))
    averages = [(level, points) for level, _name, points in found.averages()]
    assert averages == [("unit", mean.quantize(CENT, ROUND_HALF_UP))]
    totals = selectors.year_totals(county_admin, county, 2026, "unit")
    assert totals.months_published == [MONTH]
    assert {row.key: (row.average, row.months) for row in totals.rows}[farm] == (before[farm][0], 1)


def test_scheme_refusals(hand, county_admin, helper_wang):
    with pytest.raises(NotPermitted):
        scheme(helper_wang)
    for items, field in (
        ([], "items"),
        ([ItemInput("走访", "visit_compliance", "0")], "items"),
        ([ItemInput("走访", "visit_compliance", "10"), ItemInput("走访", "scored", "5")], "items"),
        ([ItemInput("走访", "nonsense", "10")], "items"),
    ):
        with pytest.raises(DomainError) as refused:
            scheme(county_admin, items=items)
        assert refused.value.field == field
    with pytest.raises(DomainError) as refused:
        scheme(county_admin, level="household", items=ITEMS)
    assert refused.value.field == "items"
    with pytest.raises(DomainError) as refused:
        scheme(county_admin, valid_from=datetime.date(2026, 11, 5))
    assert refused.value.field == "valid_from"
    with pytest.raises(DomainError) as refused:
        scheme(county_admin, region_code="610118000000")  # another county
    assert refused.value.field == "region_code"


def test_item_scoring_refusals(hand, county_admin, inspector, helper_wang):
    made = scheme(county_admin)
    scored = made.items.get(source="scored")
    computed = made.items.get(source="visit_compliance")
    one = str(hand.helpers["one"].pk)
    cases = [
        ({"item_id": computed.pk}, "item_id"),
        ({"points": "6"}, "points"),
        ({"points": "-1"}, "points"),
        ({"reason": ""}, "reason"),
        ({"subject": "999999"}, "subject"),
        ({"month": "2026-11-05"}, "month"),
    ]
    for change, field in cases:
        fields = {"item_id": scored.pk, "month": MONTH, "subject": one, "points": "3"}
        fields["reason"] = "台账齐全"
        fields.update(change)
        with pytest.raises(DomainError) as refused:
            services.item_score_set(actor=inspector, **fields)
        assert refused.value.field == field, change
    with pytest.raises(NotPermitted):
        services.item_score_set(
            actor=helper_wang, item_id=scored.pk, month=MONTH, subject=one, points="3", reason="好"
        )
    services.scores_publish(actor=county_admin, region_code=COUNTY, level="helper", month=MONTH)
    with pytest.raises(DomainError) as refused:
        services.item_score_set(
            actor=inspector, item_id=scored.pk, month=MONTH, subject=one, points="3", reason="好"
        )
    assert refused.value.field == "month"


def test_hygiene_ranking(hand, county_admin, township_staff):
    from bangfu.core.models import Region

    hygiene = scheme(
        county_admin,
        level="household",
        name="卫生评比",
        items=[ItemInput("庭院整洁", "scored", "50"), ItemInput("室内卫生", "scored", "50")],
    )
    yard, room = hygiene.items.order_by("position")
    households = hand.households
    for serial, (a, b) in {1: ("40", "45"), 2: ("50", "50"), 3: ("40", "45")}.items():
        services.hygiene_score(
            actor=county_admin,
            household_id=households[serial].pk,
            month=MONTH,
            points={yard.pk: a, room.pk: b},
            reason="入户检查",
        )
    village = Region.objects.get(code=MAJIAZHAI)
    rows = selectors.month_scores(county_admin, village, "household", MONTH)
    ranks = {row.key: (row.total, row.rank) for row in rows}
    assert ranks[str(households[2].pk)] == (D("100.00"), 1)
    assert ranks[str(households[1].pk)] == (D("85.00"), 2)
    assert ranks[str(households[3].pk)] == (D("85.00"), 2)
    assert ranks[str(households[4].pk)] == (D("0.00"), 4)  # not yet scored
    assert AuditEntry.objects.filter(action="hygiene.score").count() == 6
    with pytest.raises(DomainError) as refused:
        services.hygiene_score(
            actor=county_admin,
            household_id=households[1].pk,
            month=MONTH,
            points={yard.pk: "60"},
            reason="入户检查",
        )
    assert refused.value.field == "points"
    with pytest.raises(DomainError) as refused:
        services.hygiene_score(
            actor=county_admin,
            household_id=households[1].pk,
            month=MONTH,
            points={999999: "6"},
            reason="入户检查",
        )
    assert refused.value.field == "points"
    entry = selectors.hygiene_entry(county_admin, village, MONTH)
    assert [item.name for item in entry.items] == ["庭院整洁", "室内卫生"]
    assert len(entry.rows) == 5


def compared(rows):
    return [(r.key, r.name, r.region_id, r.total, r.rank, r.lines) for r in rows]


def test_a_provinces_month_is_its_counties_computed_at_once(hand, county_admin, county):
    """A province has no scheme: its month is its counties' (the topmost places under it with
    a scheme of their own), computed in one pass and each ranked by its own scheme, equal to
    each county's month read on its own, as computed and as published."""
    from bangfu.core.models import Region
    from tests.factories import UserFactory

    scheme(county_admin)
    scheme(county_admin, region_code=MAJIAZHAI[:9] + "000", name="钓台街道考评")
    province = Region.objects.get(code="610000000000")
    reader = UserFactory(username="province_reader", places=[province.code], roles=["county_admin"])
    assert selectors.scored_places(province, "helper", MONTH) == [COUNTY]
    assert selectors.scored_places(county, "helper", MONTH) == [COUNTY]
    assert selectors.month_scores(reader, province, "helper", MONTH) == []
    one_by_one = compared(selectors.month_scores(county_admin, county, "helper", MONTH))
    assert len(one_by_one) == 3
    at_once = selectors.month_scores_under(reader, province, "helper", MONTH)
    assert list(at_once) == [COUNTY] and compared(at_once[COUNTY]) == one_by_one
    services.scores_publish(actor=county_admin, region_code=COUNTY, level="helper", month=MONTH)
    published = selectors.month_scores_under(reader, province, "helper", MONTH)
    assert [(r.key, r.total, r.rank) for r in published[COUNTY]] == [
        (key, total, rank) for key, _name, _place, total, rank, _lines in one_by_one
    ]
