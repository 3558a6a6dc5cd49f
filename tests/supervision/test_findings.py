"""Findings (督查问题) and their rectification (整改) through the services: the deadline from the
rule over holidays, the place and record a finding concerns, every transition and who may
take it (maker–checker: who submitted never closes or returns), the overdue list, the on-time
rate against a hand-computed fixture, and the reminders of the home page on their days."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from bangfu.core.errors import DomainError
from bangfu.core.models import AuditEntry
from bangfu.pairing import services as pairing
from bangfu.registry.services import household_register
from bangfu.supervision import selectors, services
from bangfu.supervision.models import (
    Evidence,
    Finding,
    FindingState,
    InspectionRound,
    RectificationStep,
)
from bangfu.supervision.selectors.findings import actions_for, on_time_counts
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.visits.conftest import jpeg, set_rule

from .conftest import COUNTY, OTHER_VILLAGE, TODAY, TOWNSHIP, VILLAGE


@pytest.fixture
def household(county_admin):
    """A household of 石桥村 (马王街道, township_staff's township)."""
    return household_register(
        actor=county_admin,
        household=household_input(number="6111030012010001", region_code=VILLAGE),
        members=[member_input(name="石大山", id_number=id_number("19700101", "011"))],
        status=first_status(),
    )


@pytest.fixture
def unit(county_admin):
    return pairing.unit_create(
        actor=county_admin,
        name="马王街道办事处",
        kind="government",
        level="township",
        region_code=TOWNSHIP,
    )


def record(actor, **given) -> Finding:
    values = {"region_code": VILLAGE, "category": "1", "description": "走访记录与实际不符"}
    return services.finding_record(actor=actor, **(values | given))


def through(finding, *, submitter, note="已补走访并更新手册"):
    """Take a finding to submitted: started, then submitted by ``submitter``."""
    services.rectification_start(actor=submitter, finding_id=finding.pk)
    return services.rectification_submit(actor=submitter, finding_id=finding.pk, note=note)


# -- recording ------------------------------------------------------------------------------


def test_a_finding_is_assigned_with_the_rules_deadline_and_its_photo(
    today, inspector, household, unit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    finding = record(
        inspector,
        household_id=household.pk,
        unit_id=unit.pk,
        responsible_person="钱干事",
        photos=[jpeg(1)],
    )
    finding.refresh_from_db()
    assert finding.state == FindingState.ASSIGNED
    assert finding.found_on == TODAY
    # 15 working days from Monday 30 November 2026: 21 December.
    assert (finding.deadline, finding.days_counted) == (datetime.date(2026, 12, 21), "working")
    assert (finding.region_id, finding.household_id, finding.source) == (
        VILLAGE,
        household.pk,
        "inspection",
    )
    (photo,) = Evidence.objects.filter(finding=finding)
    assert (photo.kind, photo.step_id) == ("photo", None)
    entry = AuditEntry.objects.get(action="finding.record")
    assert (entry.region_code, entry.after["category"]) == (VILLAGE, "1")


def test_the_deadline_skips_national_day(on_day, inspector):
    """Found on 30 September 2026, the eve of the National Day holiday (1–7 October, 10
    October a make-up working day): the 15th working day after is 27 October."""
    on_day(datetime.date(2026, 10, 10))
    finding = record(inspector, found_on=datetime.date(2026, 9, 30))
    assert finding.deadline == datetime.date(2026, 10, 27)


def test_the_rule_at_the_place_sets_the_days(today, county_admin, inspector):
    set_rule(county_admin, "supervision.rectify_days", 5)
    # Monday 30 November + 5 working days: Monday 7 December.
    assert record(inspector).deadline == datetime.date(2026, 12, 7)


def test_a_finding_about_a_record_is_of_its_place(today, inspector, household, county_admin):
    helper = pairing.helper_create(
        actor=county_admin,
        name="马帮扶",
        unit_id=pairing.unit_create(
            actor=county_admin,
            name="沣西新城农业农村局",
            kind="government",
            level="county",
            region_code=COUNTY,
        ).pk,
    )
    # Named with its township, a household's finding is of its village.
    assert record(inspector, region_code=TOWNSHIP, household_id=household.pk).region_id == VILLAGE
    # Named without a place, the record's place; a helper's unit answers for it.
    about_helper = record(inspector, region_code="", helper_id=helper.pk)
    assert (about_helper.region_id, about_helper.unit_id) == (COUNTY, helper.unit_id)
    with pytest.raises(DomainError) as outside:
        record(inspector, region_code=OTHER_VILLAGE, household_id=household.pk)
    assert outside.value.field == "region_code"
    with pytest.raises(DomainError) as several:
        record(inspector, household_id=household.pk, helper_id=helper.pk)
    assert several.value.code == "several_records"
    with pytest.raises(Http404):
        record(inspector, household_id=10**9)


def test_bad_values_are_refused_on_their_field(today, inspector):
    for given, field in [
        ({"category": "99"}, "category"),
        ({"description": ""}, "description"),
        ({"region_code": "610118001201"}, "region_code"),  # another county's village
        ({"region_code": ""}, "region_code"),
        ({"found_on": "2026-12-01"}, "found_on"),  # tomorrow
        ({"photos": [b"not a photo"]}, "photos"),
    ]:
        with pytest.raises(DomainError) as refused:
            record(inspector, **given)
        assert refused.value.field == field, given
    assert not Finding.objects.exists()


def test_a_round_must_be_open_and_contain_the_place(today, inspector, county_admin):
    township_round = InspectionRound.objects.create(
        region_id=TOWNSHIP,
        month=datetime.date(2026, 11, 1),
        title="11月督查",
        methods="on_site",
        recorded_at=timezone.now(),
        recorded_by=county_admin,
    )
    assert record(inspector, round_id=township_round.pk).round == township_round
    with pytest.raises(DomainError) as outside:
        record(inspector, region_code=OTHER_VILLAGE, round_id=township_round.pk)
    assert outside.value.code == "outside_round"
    township_round.state = "closed"
    township_round.save()
    with pytest.raises(DomainError) as closed:
        record(inspector, round_id=township_round.pk)
    assert closed.value.code == "round_closed"


def test_only_inspectors_record_findings(today, township_staff):
    with pytest.raises(PermissionDenied):
        record(township_staff)


# -- the workflow ---------------------------------------------------------------------------


def test_the_township_rectifies_and_an_inspector_closes(
    today, inspector, township_staff, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    finding = record(inspector)
    assert actions_for(township_staff, finding)["start"]
    assert not actions_for(inspector, finding)["start"]
    services.rectification_start(actor=township_staff, finding_id=finding.pk, note="已安排")
    services.rectification_submit(
        actor=township_staff, finding_id=finding.pk, note="已补走访", photos=[jpeg(2)]
    )
    finding.refresh_from_db()
    assert finding.state == FindingState.SUBMITTED
    may = actions_for(inspector, finding)
    assert may["close"] and may["return"] and not may["verify_elsewhere"]
    assert not actions_for(township_staff, finding)["close"]
    services.rectification_close(actor=inspector, finding_id=finding.pk, note="核实属实")
    finding.refresh_from_db()
    assert (finding.state, finding.closed_on) == (FindingState.CLOSED, TODAY)
    steps = list(finding.steps.order_by("pk").values_list("action", "recorded_by__username"))
    assert steps == [
        ("start", "township_staff"),
        ("submit", "township_staff"),
        ("close", "inspector"),
    ]
    submit = finding.steps.get(action="submit")
    assert submit.evidence.count() == 1
    assert list(
        AuditEntry.objects.filter(action__startswith="rectification.")
        .order_by("seq")
        .values_list("action", "region_code")
    ) == [
        ("rectification.start", VILLAGE),
        ("rectification.submit", VILLAGE),
        ("rectification.close", VILLAGE),
    ]
    # Closed is closed: nothing more may be done on it.
    assert not any(actions_for(inspector, finding).values())


def test_a_returned_rectification_is_done_again(today, inspector, township_staff):
    finding = through(record(inspector), submitter=township_staff)
    with pytest.raises(DomainError) as no_reason:
        services.rectification_return(actor=inspector, finding_id=finding.pk, reason=" ")
    assert no_reason.value.field == "reason"
    services.rectification_return(actor=inspector, finding_id=finding.pk, reason="照片不清楚")
    finding.refresh_from_db()
    assert finding.state == FindingState.RETURNED
    assert finding.steps.get(action="return").note == "照片不清楚"
    # Back to work, straight to submitted again or through in progress.
    services.rectification_submit(actor=township_staff, finding_id=finding.pk, note="补拍照片")
    services.rectification_close(actor=inspector, finding_id=finding.pk)
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED


def test_the_submitter_never_closes_or_returns_even_holding_both(today, county_admin, inspector):
    """Maker–checker: a county admin holds RECTIFY and INSPECT; having submitted, they may
    neither close nor return; another inspector may."""
    finding = through(record(inspector), submitter=county_admin)
    may = actions_for(county_admin, finding)
    assert (may["close"], may["return"], may["verify_elsewhere"]) == (False, False, True)
    with pytest.raises(DomainError) as close:
        services.rectification_close(actor=county_admin, finding_id=finding.pk)
    assert close.value.code == "maker_checker"
    with pytest.raises(DomainError) as returned:
        services.rectification_return(actor=county_admin, finding_id=finding.pk, reason="再查")
    assert returned.value.code == "maker_checker"
    # Even after another's return and a resubmission by someone else, they once submitted.
    services.rectification_return(actor=inspector, finding_id=finding.pk, reason="再查")
    services.rectification_submit(actor=county_admin, finding_id=finding.pk, note="再次整改")
    with pytest.raises(DomainError):
        services.rectification_close(actor=county_admin, finding_id=finding.pk)
    services.rectification_close(actor=inspector, finding_id=finding.pk)


def test_who_may_take_each_step(today, inspector, township_staff, leader):
    finding = record(inspector)
    for actor, step in [
        (inspector, services.rectification_start),  # inspectors do not rectify
        (leader, services.rectification_start),
    ]:
        with pytest.raises(PermissionDenied):
            step(actor=actor, finding_id=finding.pk)
    through(finding, submitter=township_staff)
    with pytest.raises(PermissionDenied):
        services.rectification_close(actor=township_staff, finding_id=finding.pk)
    with pytest.raises(PermissionDenied):
        services.rectification_return(actor=leader, finding_id=finding.pk, reason="无")


def test_wrong_states_are_refused_naming_the_state(today, inspector, township_staff):
    finding = record(inspector)
    for step, given in [
        (services.rectification_close, {}),
        (services.rectification_return, {"reason": "不行"}),
    ]:
        with pytest.raises(DomainError) as refused:
            step(actor=inspector, finding_id=finding.pk, **given)
        assert refused.value.code == "bad_state"
        assert str(FindingState.ASSIGNED.label) in str(refused.value.message)
    services.rectification_start(actor=township_staff, finding_id=finding.pk)
    with pytest.raises(DomainError) as twice:
        services.rectification_start(actor=township_staff, finding_id=finding.pk)
    assert twice.value.code == "bad_state"
    with pytest.raises(DomainError) as no_note:
        services.rectification_submit(actor=township_staff, finding_id=finding.pk, note="")
    assert no_note.value.field == "note"
    through_finding = Finding.objects.get(pk=finding.pk)
    services.rectification_submit(actor=township_staff, finding_id=finding.pk, note="已整改")
    with pytest.raises(DomainError):
        services.rectification_submit(actor=township_staff, finding_id=finding.pk, note="再交")
    services.rectification_close(actor=inspector, finding_id=through_finding.pk)
    with pytest.raises(DomainError):
        services.rectification_submit(actor=township_staff, finding_id=finding.pk, note="再交")
    with pytest.raises(DomainError) as closed:
        services.finding_evidence_add(
            actor=inspector, finding_id=finding.pk, name="补充.jpg", data=jpeg(3)
        )
    assert closed.value.code == "closed"
    # Nothing refused left a step behind: start, submit, close.
    assert RectificationStep.objects.filter(finding=finding).count() == 3


def test_out_of_the_township_a_finding_is_missing(today, inspector, township_staff):
    elsewhere = record(inspector, region_code=OTHER_VILLAGE)
    with pytest.raises(Http404):
        services.rectification_start(actor=township_staff, finding_id=elsewhere.pk)


def test_evidence_is_kept_with_the_finding(today, inspector, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    finding = record(inspector)
    pdf = services.finding_evidence_add(
        actor=inspector, finding_id=finding.pk, name="督查记录.pdf", data=b"%PDF-1.4 test"
    )
    photo = services.finding_evidence_add(
        actor=inspector, finding_id=finding.pk, name="现场.jpg", data=jpeg(4)
    )
    assert (pdf.kind, photo.kind) == ("document", "photo")
    assert AuditEntry.objects.filter(action="finding.evidence_add").count() == 2
    with pytest.raises(DomainError) as refused:
        services.finding_evidence_add(
            actor=inspector, finding_id=finding.pk, name="假的.pdf", data=b"not a pdf"
        )
    assert refused.value.field == "file"


# -- overdue, on time, reminders ------------------------------------------------------------


def found(on_day, actor, day: datetime.date, **given) -> Finding:
    on_day(day)
    return record(actor, found_on=day, **given)


def close_on(on_day, finding, day, *, submitter, inspector):
    on_day(day)
    through(finding, submitter=submitter)
    services.rectification_close(actor=inspector, finding_id=finding.pk)


def test_overdue_and_on_time_against_a_hand_computed_fixture(
    on_day, county_admin, inspector, township_staff, unit
):
    """Five rules days (working) for the county. Found on Monday 2 November 2026 the deadline
    is Monday 9 November; on Monday 16 November, 23 November.

    November (deadlines 1–30 November), as of 30 November:
    - A: due 9 Nov, closed 6 Nov — due, on time;
    - B: due 9 Nov, closed 12 Nov — due, late;
    - C: due 9 Nov, open — due (past), not on time; overdue;
    - D: due 23 Nov, closed 20 Nov by the unit — due, on time;
    - E: found 26 Nov, due 3 December — not in November; open, not yet due: not counted
      anywhere, not overdue.
    So November: 4 due, 2 on time, 50%; overdue: C only."""
    set_rule(county_admin, "supervision.rectify_days", 5)
    a = found(on_day, inspector, datetime.date(2026, 11, 2), unit_id=unit.pk)
    b = found(on_day, inspector, datetime.date(2026, 11, 2))
    c = found(on_day, inspector, datetime.date(2026, 11, 2), unit_id=unit.pk)
    d = found(on_day, inspector, datetime.date(2026, 11, 16), unit_id=unit.pk)
    e = found(on_day, inspector, datetime.date(2026, 11, 26), unit_id=unit.pk)
    assert (a.deadline, d.deadline, e.deadline) == (
        datetime.date(2026, 11, 9),
        datetime.date(2026, 11, 23),
        datetime.date(2026, 12, 3),
    )
    people = {"submitter": township_staff, "inspector": inspector}
    close_on(on_day, a, datetime.date(2026, 11, 6), **people)
    close_on(on_day, b, datetime.date(2026, 11, 12), **people)
    close_on(on_day, d, datetime.date(2026, 11, 20), **people)
    on_day(TODAY)

    november = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert on_time_counts(Finding.objects.all(), *november) == (4, 2)
    assert list(selectors.overdue_findings(inspector)) == [c]
    by_unit = {
        row.key: row
        for row in selectors.rates_by_unit(
            inspector, within=None, period_start=november[0], period_end=november[1]
        )
    }
    assert (by_unit[str(unit.pk)].due, by_unit[str(unit.pk)].on_time) == (3, 2)
    assert str(by_unit[str(unit.pk)].rate) == "66.7"
    assert (by_unit[""].due, by_unit[""].on_time, by_unit[""].rate) == (1, 0, 0)
    by_place = {
        row.key: row
        for row in selectors.rates_by_place(
            inspector, within=None, period_start=november[0], period_end=november[1]
        )
    }
    assert (by_place[TOWNSHIP].due, by_place[TOWNSHIP].on_time) == (4, 2)
    assert by_place["611103002000"].due == 0 and by_place["611103002000"].rate is None
    # Before its deadline passes, an open finding is not yet due; once closed, it counts.
    december = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert on_time_counts(Finding.objects.all(), *december) == (0, 0)
    through(e, submitter=township_staff)
    services.rectification_close(actor=inspector, finding_id=e.pk)
    assert on_time_counts(Finding.objects.all(), *december) == (1, 1)


def test_reminders_on_the_home_page_on_their_days(
    on_day, inspector, township_staff, county_admin, client
):
    """Remind three days before (the default): a finding due Monday 21 December shows on the
    township's home page from Friday 18 December, not on the 17th; submitted, it leaves the
    township's page for the inspector's."""
    finding = found(on_day, inspector, TODAY)
    assert finding.deadline == datetime.date(2026, 12, 21)
    client.force_login(township_staff)
    on_day(datetime.date(2026, 12, 17))
    assert selectors.due_soon(township_staff) == []
    assert 'id="findings-due"' not in client.get("/").content.decode()
    on_day(datetime.date(2026, 12, 18))
    assert selectors.due_soon(township_staff) == [finding]
    page = client.get("/").content.decode()
    assert 'id="findings-due"' in page and f"/supervision/findings/{finding.pk}/" in page
    # A rule of 0 days: only on the day it is due (and after).
    set_rule(county_admin, "supervision.remind_days", 0)
    assert selectors.due_soon(township_staff) == []
    on_day(datetime.date(2026, 12, 22))
    assert selectors.due_soon(township_staff) == [finding]
    through(finding, submitter=township_staff)
    assert selectors.due_soon(township_staff) == []
    client.force_login(inspector)
    page = client.get("/").content.decode()
    assert 'id="findings-to-verify"' in page
    # The submitter is not asked to verify their own.
    assert list(selectors.to_verify(township_staff)) == []
