"""The household handbook prints the plan: its measures, each year's effect, and the
household's acknowledgement with the signature image."""

import pytest
from django.utils import translation

from bangfu.plans.services import effect_record
from bangfu.reports.handbook import render_handbook
from tests.reports.test_handbook import page_texts

from .conftest import add
from .pdf import signature_area_darkest
from .test_acknowledgement import media, sign  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("media")


def test_the_handbook_prints_the_plan_and_the_signature(
    today, county_admin, helper_wang, households, tmp_path
):
    household = households[0]
    add(helper_wang, household, content="发展养殖：购进仔猪5头")
    effect_record(actor=helper_wang, household_id=household.pk, year=2025, summary="养猪增收")
    sign(helper_wang, household)
    with translation.override("zh-hans"):
        pdf = render_handbook(county_admin, [household])
    text = "".join(page_texts(pdf))
    assert "购进仔猪5头" in text and "养猪增收" in text and "户主签字确认" in text
    assert signature_area_darkest(pdf, tmp_path) < 100


def test_a_household_that_has_not_signed_says_so(today, county_admin, households):
    with translation.override("zh-hans"):
        pdf = render_handbook(county_admin, [households[1]])
    text = "".join(page_texts(pdf))
    assert "尚无帮扶措施" in text and "户主尚未签字确认" in text


def test_a_blank_signature_would_be_seen_as_blank(
    today, county_admin, helper_wang, households, tmp_path
):
    """The check of the signature area sees ink, not the frame around it or the text above."""
    import io

    from PIL import Image

    white = io.BytesIO()
    Image.new("RGB", (320, 160), "white").save(white, "PNG")
    sign(helper_wang, households[0], content=white.getvalue())
    with translation.override("zh-hans"):
        pdf = render_handbook(county_admin, [households[0]])
    assert signature_area_darkest(pdf, tmp_path) > 100
