import datetime

from axes.models import AccessAttempt
from django.utils import timezone

from bangfu.core.models import AuditEntry
from bangfu.core.policies import spec_for
from bangfu.core.services import policy_set


def try_password(client, password, username="helper_wang"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def set_rule(actor, code, key, value):
    policy_set(
        actor=actor, region_code=code, key=key, value=value, valid_from=datetime.date(2020, 1, 1)
    )


def test_signing_in_lands_home_and_is_audited(client, helper_wang, password):
    response = try_password(client, password)
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEntry.objects.get(action="user.sign_in").actor_name == "helper_wang"


def test_the_session_ends_after_the_policys_idle_time(client, county_admin, helper_wang, password):
    set_rule(county_admin, "611103000000", "auth.session_idle_minutes", 45)
    try_password(client, password)
    assert client.session.get_expiry_age() == 45 * 60


def test_the_account_locks_after_the_policys_number_of_failures(client, helper_wang, password):
    limit = spec_for("auth.lockout_failures").default
    for _ in range(limit - 1):
        assert try_password(client, "wrong").status_code == 200
    locked = try_password(client, "wrong")
    assert locked.status_code == 429
    # Even the right password is refused while locked, with a Chinese message saying what to do.
    response = try_password(client, password)
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    # Another account from the same address is not affected.
    other = client.post("/accounts/login/", {"username": "leader", "password": password})
    assert other.status_code == 302


def test_the_lock_lifts_after_the_policys_minutes(client, helper_wang, password):
    limit = spec_for("auth.lockout_failures").default
    minutes = spec_for("auth.lockout_minutes").default
    for _ in range(limit):
        try_password(client, "wrong")
    assert try_password(client, password).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=minutes))
    assert try_password(client, password).status_code == 302


def test_a_place_can_lower_the_failure_count(client, county_admin, helper_wang, password):
    set_rule(county_admin, "611103002000", "auth.lockout_failures", 3)
    for _ in range(2):
        assert try_password(client, "wrong").status_code == 200
    assert try_password(client, "wrong").status_code == 429
    # county_admin's place (the county) keeps the default.
    for _ in range(3):
        assert try_password(client, "wrong", "county_admin").status_code == 200
