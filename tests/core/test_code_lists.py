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
