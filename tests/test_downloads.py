"""Every list page offers its rows as .xlsx, scoped exactly like the page."""

import io

import pytest
from python_calamine import CalamineWorkbook

from bangfu.core.services import policy_set
from conftest import COUNTY_A_MARKERS

LISTS = ["/accounts/users/?format=xlsx", "/audit/?format=xlsx"]


def cells(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return repr(book.get_sheet_by_index(0).to_python())


@pytest.fixture
def county_a_rule(county_admin):
    import datetime

    return policy_set(
        actor=county_admin,
        region_code="611103000000",
        key="visits.min_per_month",
        value=5,
        valid_from=datetime.date(2026, 1, 1),
    )


@pytest.mark.parametrize("url", LISTS)
def test_a_list_downloads_with_what_its_page_shows(county_admin, county_a_rule, client, url):
    client.force_login(county_admin)
    text = cells(client.get(url))
    assert any(marker in text for marker in COUNTY_A_MARKERS + ["钱干事"]), text


@pytest.mark.parametrize("url", LISTS)
def test_another_county_downloads_nothing_of_county_a(
    other_county_admin, county_a_rule, client, url
):
    client.force_login(other_county_admin)
    text = cells(client.get(url))
    assert [m for m in COUNTY_A_MARKERS + ["钱干事"] if m in text] == []


def test_places_and_code_lists_download(county_admin, client):
    client.force_login(county_admin)
    assert "马王街道" in cells(client.get("/places/611103000000/?format=xlsx"))
    assert "因病" in cells(client.get("/codes/?format=xlsx"))
