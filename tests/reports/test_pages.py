"""The dashboard and "figures as reported": figures with definitions, drill-down, downloads."""

import io
import json

import docx
from python_calamine import CalamineWorkbook

from tests.visits.conftest import households, thursdays, unit, wang  # noqa: F401

from .test_indicators import district  # noqa: F401


def test_the_dashboard_drills_down_to_the_village(district, county_admin, signed_in):  # noqa: F811
    client = signed_in(county_admin)
    page = client.get("/reports/?month=2026-10").content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in page
    # All the county's places: its townships, at once (no click on the county first).
    assert "?place=611103002000&amp;from=2026-10" in page and "马王街道" in page
    charts = json.loads(
        page.split('id="charts-data" type="application/json">')[1].split("</script>")[0]
    )
    assert [n for _label, n in charts["status"]] == [3, 1, 1]
    assert [name for name, _rate in charts["compliance"]] == ["马王街道", "钓台街道"]
    assert [fixed for _day, _n, fixed in charts["days"]].count(True) == 4
    township = client.get("/reports/?place=611103002000&month=2026-10").content.decode()
    assert "?place=611103002201&amp;from=2026-10" in township and "康西村" in township
    village = client.get("/reports/?place=611103002201&month=2026-10").content.decode()
    assert "/households/?region_code=611103002201" in village
    # Every figure carries its definition, one tap away.
    # 10 of them the teams', 10 the health's, 3 the household plans', 16 monitoring's and 7
    # supervision's.
    assert village.count('<details class="card tile">') == 85


def test_every_table_downloads(district, county_admin, signed_in):  # noqa: F811
    client = signed_in(county_admin)
    for table, first_row in (("places", ["钓台街道", 5]), ("figures", None)):
        response = client.get(
            f"/reports/?place=611103000000&month=2026-10&table={table}&format=xlsx"
        )
        book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        rows = book.get_sheet_by_index(0).to_python()
        assert len(rows) > 1
        if first_row:
            assert rows[2][:2] == first_row  # 马王街道 comes first, with nothing


def test_figures_as_reported_read_like_a_report(district, county_admin, signed_in):  # noqa: F811
    client = signed_in(county_admin)
    page = client.get(
        "/reports/reported/?place=611103002000&from=2026-09&to=2026-10"
    ).content.decode()
    assert "钓台街道" in page and "2026-09 – 2026-10" in page
    response = client.get("/reports/reported/?place=611103002000&month=2026-10&format=docx")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "钓台街道" in text and "7" in text
    assert len(document.tables[0].rows) == 85


def test_another_county_sees_none_of_it(district, other_county_admin, signed_in):  # noqa: F811
    client = signed_in(other_county_admin)
    assert client.get("/reports/?place=611103002000").status_code == 404
    page = client.get("/reports/?month=2026-10").content.decode()
    assert "沣西新城" not in page and "钓台街道" not in page
