"""What a server's operators rely on: /healthz, the worker's heartbeat, request ids in the
logs, the client's address behind nginx. The whole stack runs in tests/test_province_stack.py."""

import datetime
import json
import logging

import pytest
from django.test import RequestFactory
from django.utils import timezone

from bangfu.core import heartbeat
from bangfu.core.logs import JsonFormatter, RequestIdFilter
from bangfu.core.middleware import ProxiedClientAddressMiddleware
from bangfu.core.models import WorkerBeat

pytestmark = pytest.mark.django_db


def beat_seconds_ago(seconds: int) -> None:
    now = timezone.now()
    WorkerBeat.objects.create(
        worker_id="w1",
        host="app1",
        pid=1,
        started_at=now - datetime.timedelta(hours=1),
        beat_at=now - datetime.timedelta(seconds=seconds),
    )


def test_healthz_is_ok_while_a_worker_beats(client):
    beat_seconds_ago(5)
    answer = client.get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["worker"] == "ok"
    assert 5 <= body["worker_seconds_since_beat"] < heartbeat.STALE_AFTER


def test_healthz_names_a_worker_that_stopped_beating(client):
    beat_seconds_ago(heartbeat.STALE_AFTER + 30)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["worker"] == "stale" and answer.json()["database"] == "ok"


def test_healthz_names_a_worker_that_never_ran(client):
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "failing",
        "database": "ok",
        "worker": "absent",
        "worker_seconds_since_beat": None,
    }


def test_livez_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/livez").content == b"ok"


def test_a_worker_beats_and_says_goodbye():
    beat_seconds_ago(2 * 24 * 3600)  # killed two days ago: forgotten at the next start
    heartbeat.worker_started("w2")
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["w2"]
    first = WorkerBeat.objects.get().beat_at
    heartbeat.beat("w2")
    assert WorkerBeat.objects.get().beat_at >= first
    heartbeat.worker_stopped("w2")
    assert not WorkerBeat.objects.exists()


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bangfu.request"]


def test_the_request_id_sent_is_answered_and_logged(client, caplog, county_admin):
    caplog.handler.addFilter(RequestIdFilter())
    client.force_login(county_admin)
    with caplog.at_level(logging.INFO):
        answer = client.get("/households/?q=王秀英", headers={"X-Request-ID": "abc-123"})
    assert answer.headers["X-Request-ID"] == "abc-123"
    (record,) = request_records(caplog)
    line = json.loads(JsonFormatter().format(record))
    assert {k: line[k] for k in ("request_id", "method", "path", "status", "user_id")} == {
        "request_id": "abc-123",
        "method": "GET",
        "path": "/households/",
        "status": 200,
        "user_id": county_admin.pk,
    }
    assert line["logger"] == "bangfu.request" and line["level"] == "INFO"
    assert "王秀英" not in json.dumps(line, ensure_ascii=False)


@pytest.mark.parametrize("sent", ["", "two\nlines", "x" * 65, "<script>"])
def test_a_request_id_that_is_not_one_is_replaced(client, caplog, sent):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO):
        answer = client.get("/livez", headers={"X-Request-ID": sent})
    made = answer.headers["X-Request-ID"]
    assert len(made) == 32 and made != sent
    assert [r.request_id for r in request_records(caplog)] == [made]


def test_records_of_a_request_carry_its_id_and_others_none(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO):
        client.get("/no-such-page/", headers={"X-Request-ID": "rid-404"})
        logging.getLogger("bangfu.elsewhere").info("between requests")
    by_logger = {r.name: r.request_id for r in caplog.records}
    assert by_logger["django.request"] == "rid-404"  # logged after the last middleware
    assert by_logger["bangfu.elsewhere"] is None


def test_behind_nginx_the_client_address_is_nginx_s_x_real_ip():
    seen = []
    middleware = ProxiedClientAddressMiddleware(lambda r: seen.append(r.META["REMOTE_ADDR"]))
    factory = RequestFactory()
    middleware(factory.get("/", REMOTE_ADDR="", HTTP_X_REAL_IP="203.0.113.7"))
    middleware(factory.get("/", REMOTE_ADDR="", HTTP_X_REAL_IP="not an address"))
    middleware(factory.get("/", REMOTE_ADDR="127.0.0.1"))
    assert seen == ["203.0.113.7", "", "127.0.0.1"]
