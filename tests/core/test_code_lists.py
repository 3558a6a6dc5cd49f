import pytest

from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.models import AuditEntry, Code
from bangfu.core.selectors import code_choices
from bangfu.core.services import code_add, code_update
from tests.factories import UserFactory


def test_the_top_administrator_adds_relabels_and_retires(county_admin):
    added = code_add(actor=county_admin, kind="poverty_cause", value="12", label="因婚")
    assert ("12", "因婚") in code_choices("poverty_cause")
    code_update(actor=county_admin, code_id=added.pk, label="因婚致贫", retired=True)
    assert "12" not in dict(code_choices("poverty_cause"))
    assert Code.objects.get(pk=added.pk).label == "因婚致贫"  # retired, still there
    assert [e.action for e in AuditEntry.objects.order_by("seq")] == ["code.add", "code.update"]


def test_duplicates_and_unknown_lists_are_refused(county_admin):
    with pytest.raises(DomainError) as taken:
        code_add(actor=county_admin, kind="poverty_cause", value="1", label="又一个因病")
    assert taken.value.field == "value"
    with pytest.raises(DomainError):
        code_add(actor=county_admin, kind="no_such_list", value="1", label="x")


def test_an_administrator_under_another_is_not_the_top_one(county_admin, township_staff):
    below = UserFactory(username="township_admin", places=["611103001000"], roles=["county_admin"])
    with pytest.raises(NotPermitted):
        code_add(actor=below, kind="poverty_cause", value="12", label="因婚")
    with pytest.raises(NotPermitted):
        code_add(actor=township_staff, kind="poverty_cause", value="12", label="因婚")


def test_the_page_lists_and_edits(signed_in, county_admin, leader):
    client = signed_in(county_admin)
    assert "致贫原因" in client.get("/codes/").content.decode()
    client.post("/codes/add/", {"kind": "risk_type", "value": "10", "label": "因婚"})
    assert Code.objects.filter(kind="risk_type", value="10").exists()
    client.force_login(leader)
    assert client.get("/codes/").status_code == 403
    assert (
        client.post("/codes/add/", {"kind": "risk_type", "value": "11", "label": "x"}).status_code
        == 403
    )


def test_a_list_of_measured_things_carries_units(signed_in, county_admin):
    """Output kinds are counted in a unit (公里, 盏): an entry is added with one, and its unit
    may change; other lists take none."""
    lamp = code_add(
        actor=county_admin, kind="output_kind", value="13", label="太阳能路灯", unit="盏"
    )
    assert lamp.unit == "盏"
    with pytest.raises(DomainError) as refused:
        code_add(actor=county_admin, kind="output_kind", value="14", label="机井")
    assert refused.value.field == "unit"
    with pytest.raises(DomainError) as refused:
        code_add(actor=county_admin, kind="poverty_cause", value="12", label="因婚", unit="户")
    assert refused.value.field == "unit"
    code_update(actor=county_admin, code_id=lamp.pk, label="太阳能路灯", retired=False, unit="套")
    code_update(actor=county_admin, code_id=lamp.pk, label="太阳能灯", retired=False)
    lamp.refresh_from_db()
    assert (lamp.label, lamp.unit) == ("太阳能灯", "套")
    client = signed_in(county_admin)
    client.post(
        "/codes/add/", {"kind": "output_kind", "value": "14", "label": "机井", "unit": "眼"}
    )
    well = Code.objects.get(kind="output_kind", value="14")
    assert well.unit == "眼"
    client.post(f"/codes/{well.pk}/", {"label": "机井", "unit": "口"})
    well.refresh_from_db()
    assert well.unit == "口"
    assert 'name="unit" value="口"' in client.get("/codes/").content.decode()
