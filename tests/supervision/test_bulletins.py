"""Bulletins (简报/通报): numbered per place and year, changed only as drafts, frozen when
published (figures and files), corrected by a new number; their figures are the dashboard's;
the .docx carries the figures and the PDF prints."""

import datetime
import io

import docx
import pytest
from django.urls import reverse

from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.models import AuditEntry, Region
from bangfu.demo import supervision_bulletins
from bangfu.reports.indicators import INDICATORS
from bangfu.reports.selectors import Figures, Period
from bangfu.supervision.models import Bulletin, BulletinState
from bangfu.supervision.selectors.figures import place_figures
from bangfu.supervision.services import bulletin_create, bulletin_publish, bulletin_update
from bangfu.supervision.services.bulletins import default_title
from tests.registry.conftest import household  # noqa: F401 (a fixture)
from tests.supervision.bulletins_world import (
    A_TOWNSHIP,
    closed_finding,
    drawn_sample,
    first_page_darkest,
    planned_round,
    published_scores,
    recorded_finding,
    recorded_survey,
)
from tests.supervision.conftest import MONTH

D = datetime.date
OTHER_TOWNSHIP = "611103001000"  # 马王街道


@pytest.fixture
def november(today, county_admin, household):  # noqa: F811
    """钓台街道 in November 2026: one round sampling the household; three findings at 马家寨村
    (found 11-02, closed on time; found 11-03, still open, past its deadline; found 11-25,
    due in December); two surveys (5 and 3 of 5); the townships' scores published at the
    county (钓台街道 92.50, 马王街道 80.00)."""
    inspection = planned_round(county_admin, A_TOWNSHIP, MONTH)
    drawn_sample(county_admin, inspection, [household])
    on_time = recorded_finding(county_admin, household.region_id, D(2026, 11, 2))
    late = recorded_finding(county_admin, household.region_id, D(2026, 11, 3), category="2")
    recorded_finding(county_admin, household.region_id, D(2026, 11, 25))
    closed_finding(county_admin, on_time, D(2026, 11, 20))
    recorded_survey(county_admin, household, D(2026, 11, 5), 5)
    recorded_survey(county_admin, household, D(2026, 11, 6), 3)
    published_scores(
        county_admin, "611103000000", MONTH, [(A_TOWNSHIP, "92.50"), (OTHER_TOWNSHIP, "80.00")]
    )
    assert on_time.deadline < D(2026, 11, 30) and late.deadline < D(2026, 11, 30)
    return {"late": late}


EXPECTED = {
    "inspections": 1,
    "households_sampled": 1,
    "findings_found": 3,
    "rectified_on_time": 1 / 2,
    "findings_overdue": 1,
    "satisfaction_rate": 1 / 2,
}
AVERAGE = "92.50"  # 钓台街道's own score, the only one under it


def test_the_months_figures_are_the_dashboards(november, county_admin):
    township = Region.objects.get(code=A_TOWNSHIP)
    dashboard = Figures(county_admin, township, Period(MONTH, MONTH)).values
    assert {key: dashboard[key] for key in EXPECTED} == EXPECTED
    assert AVERAGE in dashboard["average_scores"]
    found = place_figures(township, [MONTH], D(2026, 11, 30))
    assert found.findings == {"1": 2, "2": 1}
    county = Figures(county_admin, township.parent, Period(MONTH, MONTH)).values
    assert "86.25" in county["average_scores"]  # (92.50 + 80.00) ÷ 2 at the county


def test_bulletins_are_numbered_per_place_and_year(today, county_admin):
    first = bulletin_create(actor=county_admin, region_code=A_TOWNSHIP, month="2026-10")
    second = bulletin_create(actor=county_admin, region_code=A_TOWNSHIP, month="2026-11")
    other = bulletin_create(actor=county_admin, region_code=OTHER_TOWNSHIP, month="2026-11")
    next_year = bulletin_create(actor=county_admin, region_code=A_TOWNSHIP, month="2027-01")
    assert [first.number, second.number, other.number, next_year.number] == [1, 2, 1, 1]
    assert second.title == default_title(second.region, 2026, 2)  # 钓台街道2026年第2期督查通报
    assert second.state == BulletinState.DRAFT and second.month == MONTH
    assert AuditEntry.objects.filter(action="bulletin.create").count() == 4


def test_drafting_is_for_those_who_manage_evaluation(today, leader, other_county_admin):
    with pytest.raises(NotPermitted):
        bulletin_create(actor=leader, region_code=A_TOWNSHIP, month="2026-11")
    with pytest.raises(DomainError) as refused:
        bulletin_create(actor=other_county_admin, region_code=A_TOWNSHIP, month="2026-11")
    assert refused.value.field == "region_code"
    assert not Bulletin.objects.exists()


def test_publishing_freezes_the_figures_and_the_files(november, county_admin, tmp_path):
    draft = bulletin_create(actor=county_admin, region_code=A_TOWNSHIP, month="2026-11")
    bulletin_update(
        actor=county_admin,
        bulletin_id=draft.pk,
        title=draft.title,
        summary="11月对钓台街道开展督查1次。",
        good_practice="马家寨村建立帮扶台账。",
    )
    published = bulletin_publish(actor=county_admin, bulletin_id=draft.pk)
    figures = {f["key"]: f["value"] for f in published.figures["figures"]}
    assert {key: figures[key] for key in EXPECTED} == EXPECTED
    assert published.figures["performers"][0]["best"][0] == {"name": "钓台街道", "total": "92.50"}
    docx_bytes, pdf_bytes = published.docx.read(), published.pdf.read()
    assert AuditEntry.objects.filter(action="bulletin.publish", object_id=str(draft.pk)).exists()

    # The records change: the open finding is closed, another is found.
    closed_finding(county_admin, november["late"], D(2026, 11, 30))
    recorded_finding(county_admin, "611103002201", D(2026, 11, 27), category="4")
    assert place_figures(published.region, [MONTH], D(2026, 11, 30)).found == 4

    kept = Bulletin.objects.get(pk=draft.pk)
    assert kept.figures == published.figures
    assert kept.docx.read() == docx_bytes and kept.pdf.read() == pdf_bytes
    with pytest.raises(DomainError):
        bulletin_update(
            actor=county_admin, bulletin_id=draft.pk, title="改", summary="", good_practice=""
        )
    with pytest.raises(DomainError):
        bulletin_publish(actor=county_admin, bulletin_id=draft.pk)
    assert Bulletin.objects.get(pk=draft.pk).title == draft.title

    # The .docx carries the figures; the PDF prints.
    text = "\n".join(
        [p.text for p in docx.Document(io.BytesIO(docx_bytes)).paragraphs]
        + [
            cell.text
            for table in docx.Document(io.BytesIO(docx_bytes)).tables
            for row in table.rows
            for cell in row.cells
        ]
    )
    assert str(INDICATORS["rectified_on_time"].name) in text
    assert "50.0%" in text and "92.50" in text and "马家寨村建立帮扶台账" in text
    assert pdf_bytes.startswith(b"%PDF-")
    assert first_page_darkest(pdf_bytes, tmp_path) < 128


def test_a_correction_is_a_new_number_pointing_at_the_old(today, county_admin):
    old = bulletin_create(actor=county_admin, region_code=A_TOWNSHIP, month="2026-10")
    with pytest.raises(DomainError) as refused:
        bulletin_create(
            actor=county_admin, region_code=A_TOWNSHIP, month="2026-10", corrects_id=old.pk
        )
    assert refused.value.field == "corrects_id"  # a draft is changed, not corrected
    bulletin_update(
        actor=county_admin, bulletin_id=old.pk, title=old.title, summary="原文", good_practice=""
    )
    bulletin_publish(actor=county_admin, bulletin_id=old.pk)
    with pytest.raises(DomainError) as refused:
        bulletin_create(
            actor=county_admin, region_code=OTHER_TOWNSHIP, month="2026-10", corrects_id=old.pk
        )
    assert refused.value.field == "corrects_id"
    correction = bulletin_create(
        actor=county_admin, region_code=A_TOWNSHIP, month="2026-11", corrects_id=old.pk
    )
    assert (correction.number, correction.corrects, correction.month) == (2, old, D(2026, 10, 1))
    assert correction.state == BulletinState.DRAFT and correction.summary == "原文"
    assert Bulletin.objects.get(pk=old.pk).state == BulletinState.PUBLISHED


def test_the_pages(november, county_admin, leader, signed_in):
    client = signed_in(county_admin)
    response = client.post(
        reverse("supervision:bulletin_create"), {"region_code": A_TOWNSHIP, "month": "2026-11"}
    )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("supervision:bulletin", args=[bulletin.pk])).content.decode()
    assert bulletin.title in page and "50.0%" in page
    edited = client.post(
        reverse("supervision:bulletin_edit", args=[bulletin.pk]),
        {"title": "钓台街道11月督查通报", "summary": "督查1次", "good_practice": ""},
    )
    assert edited.status_code == 302
    refused = client.post(
        reverse("supervision:bulletin_edit", args=[bulletin.pk]),
        {"title": "x" * 101, "summary": "", "good_practice": ""},
    )
    assert refused.status_code == 400
    assert client.get(reverse("supervision:bulletin_pdf", args=[bulletin.pk])).status_code == 404
    client.post(reverse("supervision:bulletin_publish", args=[bulletin.pk]))
    pdf = client.get(reverse("supervision:bulletin_pdf", args=[bulletin.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    word = client.get(reverse("supervision:bulletin_docx", args=[bulletin.pk]))
    assert word.status_code == 200
    listed = client.get(reverse("supervision:bulletins"), {"place": A_TOWNSHIP, "year": "2026"})
    assert "钓台街道11月督查通报" in listed.content.decode()
    client.post(reverse("supervision:bulletin_correct", args=[bulletin.pk]))
    assert Bulletin.objects.filter(corrects=bulletin).count() == 1

    reader = signed_in(leader)
    assert reader.get(reverse("supervision:bulletin", args=[bulletin.pk])).status_code == 200
    assert reader.get(reverse("supervision:bulletin_create")).status_code == 403


def test_the_api(november, county_admin, signed_in):
    client = signed_in(county_admin)
    created = client.post(
        "/api/supervision/bulletins",
        {"region_code": A_TOWNSHIP, "month": "2026-11"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    bulletin_id = created.json()["id"]
    changed = client.post(
        f"/api/supervision/bulletins/{bulletin_id}",
        {"title": "钓台街道通报", "summary": "督查1次", "good_practice": ""},
        content_type="application/json",
    )
    assert changed.json()["title"] == "钓台街道通报"
    published = client.post(f"/api/supervision/bulletins/{bulletin_id}/publish")
    assert published.json()["state"] == "published"
    refused = client.post(
        f"/api/supervision/bulletins/{bulletin_id}",
        {"title": "改", "summary": "", "good_practice": ""},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "published"
    listed = client.get("/api/supervision/bulletins", {"place": A_TOWNSHIP})
    assert listed.json()["count"] == 1
    figures = client.get("/api/supervision/figures", {"place": A_TOWNSHIP, "month": "2026-11"})
    values = {f["key"]: f["value"] for f in figures.json()["figures"]}
    assert {key: values[key] for key in EXPECTED} == EXPECTED
    assert figures.json()["satisfaction_min"] == 95
    assert client.get("/api/supervision/figures").json()["place_code"] == "611103000000"
    assert client.get("/api/supervision/figures", {"month": "2026-13"}).status_code == 400


def test_the_demo_publishes_last_months_bulletin_and_drafts_this_months(november, county_admin):
    published, draft = supervision_bulletins.fill(actor=county_admin, today=D(2026, 11, 30))
    assert (published.month, published.state) == (D(2026, 10, 1), BulletinState.PUBLISHED)
    assert published.pdf and published.docx and published.figures["figures"]
    assert (draft.month, draft.state) == (MONTH, BulletinState.DRAFT)
    assert (published.number, draft.number) == (1, 2)
