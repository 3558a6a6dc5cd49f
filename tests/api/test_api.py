import datetime
import re

import pytest
from django.test import Client

from bangfu.accounts.services import api_token_create, api_token_revoke
from bangfu.core.policies import policy_for


@pytest.fixture
def token(county_admin, helper_wang):
    _token, key = api_token_create(actor=county_admin, user_id=helper_wang.pk, name="县数据平台")
    return _token, key


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_browser_session_calls_the_api(signed_in, helper_wang):
    me = signed_in(helper_wang).get("/api/me").json()
    assert me == {
        "username": "helper_wang",
        "full_name": "王哲铭",
        "roles": ["pair_helper"],
        "places": [{"code": "611103002201", "name": "马家寨村", "level": 5}],
    }


def test_another_system_calls_with_a_token(client, token):
    _token, key = token
    response = client.get("/api/places/611103002201", **bearer(key))
    assert response.status_code == 200
    assert response.json()["children"] == [
        {"code": "611103002201001", "name": "马家寨村一组", "level": 6, "parent": "611103002201"}
    ]
    _token.refresh_from_db()
    assert _token.last_used_at is not None


def test_a_revoked_or_wrong_token_is_refused_in_chinese(client, token, county_admin):
    _token, key = token
    api_token_revoke(actor=county_admin, token_id=_token.pk)
    for presented in (key, "not-a-token"):
        response = client.get("/api/me", HTTP_ACCEPT_LANGUAGE="zh-hans", **bearer(presented))
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "not_authenticated"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def test_rules_are_set_through_the_api_with_the_same_checks(signed_in, county_admin, leader):
    client = signed_in(county_admin)
    url = "/api/places/611103002201/rules/visits.min_per_month"
    response = client.put(url, {"value": 6, "valid_from": "2026-01-01"}, "application/json")
    assert response.status_code == 200 and response.json()["value"] == 6
    assert policy_for("611103002201", "visits.min_per_month", datetime.date(2026, 2, 1)) == 6
    bad = client.put(url, {"value": 99, "valid_from": "2026-01-01"}, "application/json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad_policy_value" and bad.json()["field"] == "value"
    malformed = client.put(url, {"valid_from": "not a date"}, "application/json")
    assert malformed.status_code == 422 and malformed.json()["code"] == "invalid"
    refused = signed_in(leader).put(
        url, {"value": 6, "valid_from": "2026-01-01"}, "application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_permitted"


def test_the_openapi_schema_and_docs_are_served_locally(client, world):
    schema = client.get("/api/openapi.json").json()
    assert "/api/places/{code}/rules/{key}" in schema["paths"]
    docs = client.get("/api/docs").content.decode()
    # A random CSRF token may spell "cdn"; what matters is that nothing loads from elsewhere.
    assert not re.search(r'(src|href)="(https?:)?//', docs) and "/static/ninja/" in docs


def test_an_admin_issues_and_revokes_a_token_on_the_account_page(
    signed_in, county_admin, helper_wang
):
    admin = signed_in(county_admin)
    client = Client()  # the other system: no session, only the token
    page = admin.post(f"/accounts/users/{helper_wang.pk}/tokens/", {"name": "县数据平台"})
    key = page.context["key"]
    assert key and key in page.content.decode()
    assert client.get("/api/me", **bearer(key)).json()["username"] == "helper_wang"
    account = admin.get(f"/accounts/users/{helper_wang.pk}/").content.decode()
    assert "县数据平台" in account and key not in account  # shown once, never again
    token = account_tokens(helper_wang)[0]
    admin.post(f"/accounts/users/{helper_wang.pk}/tokens/{token.pk}/revoke/")
    assert client.get("/api/me", **bearer(key)).status_code == 401


def account_tokens(user):
    from bangfu.accounts.selectors import tokens_of

    return list(tokens_of(user))


def test_a_token_write_needs_no_csrf_token_but_a_session_write_does(token, helper_wang):
    """Browsers send cookies by themselves, not bearer tokens: only the session needs CSRF."""
    _token, key = token
    strict = Client(enforce_csrf_checks=True)
    visit = {
        "client_id": "5f0c6b9e-0000-4000-8000-00000000000a",
        "household_id": 1,
        "visited_at": "2026-10-08T10:00:00+08:00",
    }
    by_token = strict.post("/api/visits", visit, content_type="application/json", **bearer(key))
    # Past the CSRF check: answered by the service (no such household), not refused (403).
    assert by_token.status_code == 404 and by_token.json()["code"] == "not_found"
    strict.force_login(helper_wang)
    by_session = strict.post("/api/visits", visit, content_type="application/json")
    assert by_session.status_code == 403


def test_no_two_schemas_share_a_name():
    """The spec's components are keyed by class name: two schemas of one name would leave
    one operation documented with the other's fields (found by the two counties' fuzz)."""
    from ninja import Schema

    import bangfu.api.main  # noqa: F401 (every router and its schemas)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    seen: dict[str, str] = {}
    clashes = []
    for schema in set(subclasses(Schema)):
        if schema.__module__.startswith("ninja"):
            continue
        where = f"{schema.__module__}.{schema.__qualname__}"
        if schema.__name__ in seen and seen[schema.__name__] != where:
            clashes.append((schema.__name__, seen[schema.__name__], where))
        seen[schema.__name__] = where
    assert clashes == []
