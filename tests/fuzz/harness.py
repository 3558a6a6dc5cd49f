"""What the fuzz tests share: hostile values, a stopwatch that cuts a slow request off at the
bound, the exception behind a 500, and the reads that must still answer after a fuzz.

Findings are recorded, not raised at once: one run lists every distinct server error and
slow response (keyed by where it happened and the innermost frame of our code), the way an
import lists every error of a file instead of the first. Each test asserts the list is empty.
"""

import datetime
import logging
import os
import re
import signal
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.signals import got_request_exception
from django.urls import resolve, reverse
from django_tasks.backends.immediate import ImmediateBackend
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bangfu.exchange.models import ImportJob
from bangfu.pairing.models import Helper
from bangfu.pairing.services import helper_create, pairing_start
from bangfu.registry.models import Household
from bangfu.registry.services import household_register
from bangfu.teams.models import CheckIn, RegisterEntry, Team, TeamMember
from bangfu.visits.models import Visit
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.teams.leave_world import teams_reads
from tests.visits.conftest import at, log

# The bound on every response, in CPU seconds of this process (the request's own work: the
# view, the templates, and SQLite, which runs in this thread). Pages here take 20-100 ms and
# one household's handbook about 0.4 s; 2 s still catches what the issue saw (12 s for a
# 400-year range, minutes for one from year 1). CPU time, not the wall clock, so that the
# bound holds alike when the suite's other workers and browsers share the machine's cores.
BOUND_S = 2.0
# What CPU time cannot see — waiting on PostgreSQL, or on a lock — is bounded by the wall
# clock, more loosely, less the time this thread waited for a core while other processes had
# them (the machine's load, not the request's doing: a loaded CI machine must not fail it).
WALL_BOUND_S = 4 * BOUND_S

# Each test is one hypothesis run per operation or form; derandomized so that CI and a
# developer see the same examples, with no example database between runs.
FUZZ_SETTINGS = {
    "derandomize": True,
    "database": None,
    "deadline": None,  # the stopwatch below is the time check, per request
    "phases": [Phase.explicit, Phase.generate],  # findings are recorded, nothing to shrink
    "suppress_health_check": list(HealthCheck),  # hostile values are large on purpose
}


# Each fuzz test runs in shards, each a test of its own over every SHARDS-th route in the
# test's order, so that the suite's workers share the longest tests; the shards together
# cover every route, in the same order within each.
SHARDS = 3
shards = pytest.mark.parametrize("shard", range(SHARDS), ids=lambda n: f"shard{n + 1}of{SHARDS}")


def shard_of(ordered: list[str], shard: int) -> list[str]:
    """The routes of one shard: every SHARDS-th, starting at ``shard``."""
    return ordered[shard::SHARDS]


# `make fuzz` runs the same tests with this many times the examples (BANGFU_FUZZ_SCALE, 60 by
# default: the depth); `make test` keeps 1, so that the suite stays within its time: each
# operation, form and page still gets its whole sweep (every field alone at its extremes) and
# a few hypothesis examples every run.
FUZZ_SCALE = int(os.environ.get("BANGFU_FUZZ_SCALE", "1"))


def fuzz_settings(max_examples: int) -> hypothesis_settings:
    return hypothesis_settings(max_examples=max_examples * FUZZ_SCALE, **FUZZ_SETTINGS)


# ---------------------------------------------------------------------------------------
# Hostile values: what a careless client or another system sends.

HUNDRED_KB = "户" * 34_000  # 102 KB of UTF-8: a pasted document where a name belongs
HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "马\x00建国",
    "\x01\x02\x1b[31m\x7f\x85",
    "\r\n\t\v\f",
    "\u202e反转\u200b\ufeff",
    "😀👨‍👩‍👧‍👦🀄",
    "𠀀𪚥𰻞䶵",  # CJK Extensions B, B, G, A: rare characters of real names
    "' OR '1'='1",
    "'); DROP TABLE registry_household; --",
    "%_\\",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
    HUNDRED_KB,
    "9" * 5000,
]
HOSTILE_NUMBER_TEXT = [
    "1e15",
    "1E+30",
    "1e400",
    "-5",
    "-0",
    str(2**63),
    str(-(2**63) - 1),
    "9" * 400,
    "NaN",
    "Infinity",
    "-Infinity",
    "1e-30",
    "0.0000000001",
    "1,000",
    "１２",  # full-width digits
    "١٢٣",  # Arabic-Indic digits
    "0x10",
]
HOSTILE_DATE_TEXT = [
    "0001-01-01",
    "9999-12-31",
    "2099-01-01",
    "1850-01-01",
    "1900-01-01",
    "2026-02-30",
    "0000-00-00",
    "99999-01-01",
    "2026-13-01",
]
HOSTILE_DATETIME_TEXT = [
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2099-01-01T10:00",
    "1850-01-01T10:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "2026-10-08T10:00",  # no offset: a naive time
]
HOSTILE_INTEGERS = [0, -1, -5, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**15, 10**30]
HOSTILE_FLOATS = [
    1e15,
    1e30,
    -5.0,
    1e308,
    -1e308,
    5e-324,
    200.0,
    -200.0,
    float("nan"),
    float("inf"),
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXT), st.text(max_size=40), st.text(min_size=300, max_size=2000)
)
hostile_number_text = st.one_of(
    st.sampled_from(HOSTILE_NUMBER_TEXT),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False).map(str),
)
hostile_date_text = st.one_of(
    st.sampled_from(HOSTILE_DATE_TEXT), st.dates().map(datetime.date.isoformat)
)
hostile_datetime_text = st.one_of(
    st.sampled_from(HOSTILE_DATETIME_TEXT),
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
)
any_hostile_text = st.one_of(
    hostile_text, hostile_number_text, hostile_date_text, hostile_datetime_text
)


# ---------------------------------------------------------------------------------------
# Findings.


@dataclass
class Finding:
    kind: str  # "server error", "too slow", "read fails after fuzz", "task crashed"
    where: str  # the operation or route
    request: str  # what was sent, long values abbreviated
    status: int | None
    exception: str
    frame: str  # the innermost frame of our code, or the template and line
    seconds: float
    count: int = 1

    def key(self):
        if "too slow" in self.kind:  # cut off wherever it happened to be: one per route
            return (self.kind, self.where)
        innermost = self.frame.split(" ← ")[0]
        return (self.kind, self.where, _message_shape(self.exception), innermost)

    def __str__(self):
        status = f" → {self.status}" if self.status else ""
        times = f" ({self.count}×)" if self.count > 1 else ""
        return (
            f"[{self.kind}]{times} {self.where}: {printable(self.request, 600)}{status}"
            f" in {self.seconds:.2f} s\n"
            f"    {printable(self.exception, 300)}\n    at {self.frame}"
        )


def _message_shape(message: str) -> str:
    """An error's message without what varies between requests (row contents, ids, file
    names): two requests failing the same way share a shape, two different failures at the
    same line (a too-long name, an out-of-range year) do not."""
    message = message.split("DETAIL")[0]
    return re.sub(r"[0-9a-f]{6,}|\d{4,}", "#", message)[:100]


@dataclass
class Findings:
    found: dict = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        key = finding.key()
        if key in self.found:
            self.found[key].count += 1
        else:
            self.found[key] = finding

    def __bool__(self):
        return bool(self.found)

    def report(self) -> str:
        listed = sorted(self.found.values(), key=lambda f: (f.kind, f.where))
        return f"{len(listed)} distinct findings:\n" + "\n".join(str(f) for f in listed)


def brief(value, limit: int = 80) -> str:
    """A value as it was sent, with a 100 KB string shown as its start and length."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {brief(v, limit)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(brief(v, limit) for v in value) + "]"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes {value[:20]!r}…>"
    text = repr(value)
    if len(text) > limit:
        return f"{text[: limit // 2]}…({len(str(value))} chars)"
    return text


def printable(text: str, limit: int = 120) -> str:
    """A path or query as sent, with control characters escaped and long runs cut: a report
    must survive being printed (a NUL makes a terminal or grep treat it as binary)."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return shown if len(shown) <= limit else f"{shown[: limit // 2]}…({len(text)} chars)"


ROOT = Path(settings.BASE_DIR).resolve()


def _is_ours(filename: str) -> bool:
    try:
        relative = Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return False
    return relative.parts[0] in ("bangfu", "config")


def innermost_frame(exc: BaseException) -> str:
    """Where our code was when it failed (or was cut off): the last frames under bangfu/ or
    config/, innermost first (the caller shows which loop or view), then the template and
    line when a template raised, then the library frame that raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if _is_ours(f.filename)]
    where = " ← ".join(
        f"{Path(f.filename).resolve().relative_to(ROOT)}:{f.lineno} in {f.name}"
        for f in reversed(ours[-3:])
    )
    where = where or "no frame of ours"
    template = getattr(exc, "template_debug", None)
    if template:
        name = Path(template["name"]).resolve()
        shown = name.relative_to(ROOT) if name.is_relative_to(ROOT) else name
        where += f" (template {shown}:{template['line']})"
    if frames and not _is_ours(frames[-1].filename) and not isinstance(exc, TooSlow):
        last = frames[-1]
        library = "/".join(Path(last.filename).parts[-2:])
        where += f" → raised in {library}:{last.lineno} in {last.name}"
    return where


def _innermost_in_text(text: str) -> str:
    """The innermost frame of our code in a traceback kept as text (a task's)."""
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', text)
    ours = [(f, n, fn) for f, n, fn in frames if _is_ours(f)]
    if not ours:
        return "no frame of ours"
    filename, line, function = ours[-1]
    return f"{Path(filename).resolve().relative_to(ROOT)}:{line} in {function}"


def describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return text if len(text) < 300 else text[:300] + "…"


# ---------------------------------------------------------------------------------------
# Sending one request: the exception behind a 500, and a stopwatch that cuts it off.


class TooSlow(BaseException):
    """Raised by the stopwatch inside a request that ran past the bound. A BaseException, so
    that no ``except Exception`` in the app turns it into an answer."""


@dataclass
class Outcome:
    status: int | None
    seconds: float
    exception: BaseException | None
    response: object = None


# Each refused or failed request, and each failed task, would log its traceback: the
# findings say each once.
QUIET_LOGGERS = ("django.request", "django_tasks", "django_tasks.backends.immediate")


class Requests:
    """Sends requests for a test, records findings, and keeps the clock fair: time spent in a
    background task (run inside the request by the test settings' immediate backend, but by
    the worker in production) is not counted against the request."""

    def __init__(self, findings: Findings, monkeypatch):
        self.findings = findings
        self._caught: BaseException | None = None
        for name in QUIET_LOGGERS:
            monkeypatch.setattr(logging.getLogger(name), "disabled", True)
        self._task_seconds = (0.0, 0.0)
        got_request_exception.connect(self._on_exception, dispatch_uid="fuzz-harness")
        original = ImmediateBackend._execute_task
        requests = self

        def execute_task_off_the_clock(backend, task_result):
            paused = {timer: signal.setitimer(timer, 0) for timer in _TIMERS}
            started = _clocks()
            try:
                return original(backend, task_result)
            finally:
                requests._task_seconds = _plus(requests._task_seconds, _since(started))
                for timer, (remaining, interval) in paused.items():
                    if remaining:
                        signal.setitimer(timer, remaining, interval)
                if task_result.errors:  # the backend swallows a task's exception
                    error = task_result.errors[-1]
                    requests.findings.add(
                        Finding(
                            "task crashed",
                            task_result.task.module_path,
                            f"args {brief(task_result.args)}",
                            None,
                            f"{error.exception_class_path}: "
                            + error.traceback.strip().splitlines()[-1][:200],
                            _innermost_in_text(error.traceback),
                            0.0,
                        )
                    )

        monkeypatch.setattr(ImmediateBackend, "_execute_task", execute_task_off_the_clock)

    def close(self):
        got_request_exception.disconnect(dispatch_uid="fuzz-harness")

    def _on_exception(self, sender, request=None, **kwargs):
        self._caught = sys.exc_info()[1]

    def send(
        self,
        where: str,
        shown: str,
        call: Callable[[], object],
        after_fuzz: bool = False,
        record: bool = True,
    ) -> Outcome:
        """Run ``call`` (which sends one request and answers the response), cut off at the
        bound; record a 5xx or a slow answer as a finding (``after_fuzz``: a read of what the
        fuzz stored; ``record=False``: the caller records what it makes of the outcome)."""
        prefix = "after fuzz: " if after_fuzz else ""
        self._caught, self._task_seconds = None, (0.0, 0.0)
        started = _clocks()
        response = None
        with _stopwatch() as watch:
            try:
                response = call()
                _consume(response)
            except TooSlow as slow:
                watch.rang = watch.rang or slow
        cpu, wall = _minus(_since(started), self._task_seconds)
        seconds = wall
        cut_off = watch.rang if response is None else None
        if cut_off is not None:
            _after_cut_off()
            if not record:
                return Outcome(None, seconds, cut_off)
            self.findings.add(
                Finding(
                    prefix + "too slow",
                    where,
                    shown,
                    None,
                    f"cut off at the bound ({BOUND_S:g} CPU s, {WALL_BOUND_S:g} s)",
                    innermost_frame(cut_off),
                    seconds,
                )
            )
            return Outcome(None, seconds, cut_off)
        status = _status(response)
        if not record:
            return Outcome(status, seconds, self._caught if status >= 500 else None, response)
        if status >= 500:
            caught = self._caught
            self.findings.add(
                Finding(
                    prefix + "server error",
                    where,
                    shown,
                    status,
                    describe(caught) if caught else "(no exception reported)",
                    innermost_frame(caught) if caught else "",
                    seconds,
                )
            )
        elif cpu > BOUND_S or wall > WALL_BOUND_S:
            self.findings.add(
                Finding(
                    prefix + "too slow",
                    where,
                    shown,
                    status,
                    f"{cpu:.2f} CPU s",
                    "(finished)",
                    wall,
                )
            )
        return Outcome(status, seconds, self._caught if status >= 500 else None, response)


@dataclass
class _Watch:
    rang: TooSlow | None = None


# The two clocks a request is held to: CPU seconds of this process (SIGPROF) and the wall
# clock (SIGALRM).
_TIMERS = {signal.ITIMER_PROF: BOUND_S, signal.ITIMER_REAL: WALL_BOUND_S}
_SIGNALS = {signal.ITIMER_PROF: signal.SIGPROF, signal.ITIMER_REAL: signal.SIGALRM}


def _waiting_for_a_core() -> float:
    """Seconds this thread has been ready to run but waiting for a core (Linux's schedstat;
    0 where the kernel does not keep it)."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _clocks() -> tuple[float, float]:
    """CPU seconds of this process, and the wall clock less the waits for a core."""
    return time.process_time(), time.perf_counter() - _waiting_for_a_core()


def _since(started: tuple[float, float]) -> tuple[float, float]:
    return _minus(_clocks(), started)


def _plus(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return a[0] + b[0], a[1] + b[1]


def _minus(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return a[0] - b[0], a[1] - b[1]


@contextmanager
def _stopwatch():
    """Rings (raises ``TooSlow`` in the request) when either clock reaches its bound, and
    again every quarter second after: a ring that lands in an ``except BaseException`` or a
    ``__del__`` is swallowed, and the request must still stop."""

    waited = _waiting_for_a_core()

    def ring(signum, frame):
        nonlocal waited
        if signum == signal.SIGALRM:
            # The wall clock's ring comes late by the time spent waiting for a core since it
            # was set: it is set again for that long, and rings for the request only then.
            now = _waiting_for_a_core()
            owed, waited = now - waited, now
            if owed > 0.01:
                signal.setitimer(signal.ITIMER_REAL, owed, 0.25)
                return
        raise TooSlow()

    watch = _Watch()
    previous = {timer: signal.signal(_SIGNALS[timer], ring) for timer in _TIMERS}
    for timer, seconds in _TIMERS.items():
        signal.setitimer(timer, seconds, 0.25)
    try:
        yield watch
    except TooSlow as late:  # rang again while the first ring was being handled
        watch.rang = watch.rang or late
    finally:
        for timer in _TIMERS:
            signal.setitimer(timer, 0)
            signal.signal(_SIGNALS[timer], previous[timer])


def _after_cut_off():
    """A request stopped mid-query may leave a PostgreSQL connection mid-protocol: start a
    fresh one (an in-memory SQLite test database is never closed by Django)."""
    from django.db import connection

    if connection.vendor != "sqlite" and not connection.in_atomic_block:
        connection.close()


def _status(response) -> int:
    return response.status_code


def _consume(response) -> None:
    """Read a streamed body, so that an error while streaming (a file, a sheet) shows here."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
        response.close()


# ---------------------------------------------------------------------------------------
# What the fuzz aims at, and moving on when a write leaves it unreadable.

VILLAGE = "611103002201"


def fresh_id_number(n: int, serial: str) -> str:
    """A valid ID number of county A, different for each ``n`` (up to 16,800 of them) and
    ``serial``: the fuzz registers many people, and one person is in one household."""
    birth = f"{1950 + n // 336 % 50}{n // 28 % 12 + 1:02d}{n % 28 + 1:02d}"
    return id_number(birth, serial)


class Target:
    """County A's records the fuzz aims its requests at: a household (and its head), a
    helper paired with it, a visit with an open problem.

    When a write leaves one of them unreadable, that is recorded (the request that stored
    the value, and the read that then fails) and the fuzz moves on to fresh records made by
    the same services: otherwise one poisoned household would answer 500 to every later
    request aimed at it and hide whatever else is wrong."""

    def __init__(self, actor, world):
        self.actor = actor
        self.household = world["household"]
        self.head = member_input()  # as county_a registered it: the ID number in clear
        self.member_id = self.household.members.get().pk
        self.helper = world["helper"]
        self.unit_id = world["helper"].unit_id
        self.pairing = world["pairing"]
        self.visit = world["visit"]
        self.problem = world["problem"]
        self.team = world["team"]
        self.renewed = 0
        self.households = [self.household.pk]  # every household aimed at, for the handbooks

    def renew(self) -> None:
        self.renewed += 1
        n = self.renewed
        self.head = member_input(
            id_number=id_number(f"1980{n % 12 + 1:02d}{n % 28 + 1:02d}", "777")
        )
        self.household = household_register(
            actor=self.actor,
            household=household_input(number=f"611103002201R{n:04d}"),
            members=[self.head],
            status=first_status(),
        )
        self.member_id = self.household.members.get().pk
        # A helper holds at most five households (the policy's default): a new one each time.
        self.helper = helper_create(actor=self.actor, name=f"接替帮扶人{n}", unit_id=self.unit_id)
        self.pairing = pairing_start(
            actor=self.actor,
            household_id=self.household.pk,
            helper_id=self.helper.pk,
            is_main=True,
            started_on=datetime.date(2026, 1, 1),
        )
        self.visit = log(
            self.actor,
            self.household,
            at(datetime.date(2026, 10, 8)),
            helper_id=self.helper.pk,
            problems=["屋顶漏雨"],
        )
        self.problem = self.visit.problems.get()
        self.households.append(self.household.pk)

    def reads(self) -> list[str]:
        """The reads a write aimed at these records may break: the household's page (its
        members, income, status, pairings and visits), its API record, and the visit's. (A
        read after every write costs: the full list is read once, after the fuzz.)"""
        h = self.household.pk
        return [
            reverse("registry:household_detail", kwargs={"household_id": h}),
            f"/api/households/{h}",
            f"/api/visits/{self.visit.pk}",
        ]


def check_target_still_reads(requests: "Requests", reader, target: Target, where, shown) -> None:
    """After a write aimed at the target: if a read of it now fails, record which write
    stored what, and move the fuzz on to fresh records."""
    for url in target.reads():
        outcome = requests.send(where, url, lambda u=url: reader.get(u), record=False)
        if outcome.status is None or outcome.status >= 500:
            caught = outcome.exception
            requests.findings.add(
                Finding(
                    "stored value breaks a later read",
                    where,
                    f"{shown}  ⇒ then GET /{resolve(url).route} → {outcome.status or 'cut off'}",
                    outcome.status,
                    (describe(caught) if outcome.status else f"slower than {BOUND_S:g} s")
                    if caught
                    else "(no exception reported)",
                    innermost_frame(caught) if caught else "",
                    outcome.seconds,
                )
            )
            target.renew()
            return


# ---------------------------------------------------------------------------------------
# After a fuzz: every list, page and handbook of the fuzzed place still answers.

COUNTY_A = "611103"


def pages_of_place(
    place: str, household_ids, handbook_ids, visit_ids, helper_ids, jobs
) -> list[str]:
    """Every page a person of the place reads: lists, each record's page, handbooks,
    figures and their downloads."""
    urls = [
        reverse("core:home"),
        reverse("core:place_detail", kwargs={"code": place}),
        reverse("core:place_detail", kwargs={"code": place}) + "?format=xlsx",
        reverse("core:place_rules", kwargs={"code": place}),
        reverse("core:audit_log"),
        reverse("core:audit_log") + "?format=xlsx",
        reverse("accounts:user_list"),
        reverse("registry:household_list"),
        reverse("registry:household_list") + f"?region_code={place}",
        reverse("pairing:coverage"),
        reverse("pairing:coverage") + f"?place={place}",
        reverse("pairing:units"),
        reverse("pairing:helpers"),
        reverse("pairing:chain", kwargs={"code": place}),
        reverse("reports:dashboard"),
        reverse("reports:dashboard") + f"?place={place}",
        reverse("reports:dashboard") + "?table=figures&format=xlsx",
        reverse("reports:dashboard") + "?table=places&format=xlsx",
        reverse("reports:reported"),
        reverse("reports:reported") + "?format=docx",
        reverse("reports:handbook_place", kwargs={"code": place}),
        reverse("visits:mine"),
        reverse("visits:capture"),
        reverse("visits:compliance"),
        reverse("visits:compliance") + f"?place={place}",
        reverse("visits:compliance") + "?format=xlsx",
        reverse("visits:flags"),
        reverse("visits:fixed_days", kwargs={"code": place}),
        reverse("exchange:import_list"),
        reverse("exchange:import_template") + "?kind=disasters",
    ]
    for household_id in household_ids:
        urls.append(reverse("registry:household_detail", kwargs={"household_id": household_id}))
    for household_id in handbook_ids:
        urls.append(reverse("reports:handbook_household", kwargs={"household_id": household_id}))
    for visit_id in visit_ids:
        urls.append(reverse("visits:visit_detail", kwargs={"visit_id": visit_id}))
    for helper_id in helper_ids:
        urls.append(reverse("visits:helper_month", kwargs={"helper_id": helper_id}))
    for job in jobs:
        urls.append(reverse("exchange:import_detail", kwargs={"job_id": job.pk}))
        if job.state in ("refused", "failed"):
            urls.append(reverse("exchange:import_errors", kwargs={"job_id": job.pk}))
    return urls


def api_reads_of_place(place: str, household_ids, visit_ids) -> list[str]:
    urls = [
        "/api/me",
        "/api/places",
        f"/api/places/{place}",
        f"/api/places/{place}/rules",
        "/api/households",
        f"/api/households?region_code={place}",
        "/api/coverage",
        f"/api/coverage?place={place}",
        "/api/units",
        "/api/helpers",
        "/api/compliance/visits",
        f"/api/compliance/visits?place={place}",
    ]
    for household_id in household_ids:
        urls += [
            f"/api/households/{household_id}",
            f"/api/households/{household_id}/pairings",
            f"/api/households/{household_id}/visits",
        ]
    for visit_id in visit_ids:
        urls += [f"/api/visits/{visit_id}", f"/api/visits/{visit_id}/flags"]
    # Every page of the household list, so that each household is read through the list too.
    return urls


def team_reads(place: str, in_county: dict) -> list[str]:
    """The teams' lists, pages, sheets and API reads of the county."""
    urls = [
        reverse("teams:team_list"),
        reverse("teams:team_list") + "?format=xlsx",
        reverse("teams:four_teams", kwargs={"code": place}),
        "/api/teams",
    ]
    for team_id in Team.objects.filter(**in_county).values_list("pk", flat=True):
        attendance = reverse("teams:attendance", kwargs={"team_id": team_id})
        urls += [
            reverse("teams:team_detail", kwargs={"team_id": team_id}),
            attendance,
            attendance + "?format=xlsx",
            f"/api/teams/{team_id}",
        ]
    for member_id in TeamMember.objects.filter(**in_county).values_list("pk", flat=True):
        urls.append(reverse("teams:member_detail", kwargs={"member_id": member_id}))
    # Each member's month that holds a check-in or a register entry, as a page and over the API.
    months = {
        (member_id, f"{day:%Y-%m}")
        for model in (CheckIn, RegisterEntry)
        for member_id, day in model.objects.filter(**in_county).values_list("member_id", "day")
    }
    for member_id, month in sorted(months):
        urls += [
            reverse("teams:member_month", kwargs={"member_id": member_id}) + f"?month={month}",
            f"/api/team-members/{member_id}/month?month={month}",
        ]
    for check_in_id in CheckIn.objects.filter(**in_county).values_list("pk", flat=True):
        urls.append(f"/api/check-ins/{check_in_id}")
    urls += [reverse("teams:check_in"), reverse("teams:check_in_flags")]
    return urls


HANDBOOKS_AT_MOST = 8


def check_reads_survive(requests: Requests, client, owner, village: str, aimed_at) -> None:
    """Every list, page, download and API read of county A answers 200 within the bound
    after the fuzz: a stored value must never make a later read fail. Handbooks take 0.4 s
    or more each, so they are made for the households the fuzz aimed at and a spread of the
    others, ``HANDBOOKS_AT_MOST`` in all."""
    in_county = {"region_id__gte": COUNTY_A, "region_id__lt": str(int(COUNTY_A) + 1)}
    household_ids = list(Household.objects.filter(**in_county).values_list("pk", flat=True))
    visit_ids = list(Visit.objects.filter(**in_county).values_list("pk", flat=True))
    helper_ids = list(Helper.objects.filter(**in_county).values_list("pk", flat=True))
    jobs = list(ImportJob.objects.filter(owner=owner))
    others = [pk for pk in household_ids if pk not in aimed_at]
    room = max(HANDBOOKS_AT_MOST - len(aimed_at), 0)
    spread = others[:: max(len(others) // room, 1)][:room] if room else []
    handbooks = ([pk for pk in aimed_at if pk in household_ids] + spread)[:HANDBOOKS_AT_MOST]
    urls = pages_of_place(village, household_ids, handbooks, visit_ids, helper_ids, jobs)
    urls += api_reads_of_place(village, household_ids, visit_ids)
    urls += teams_reads(village)
    urls += team_reads(village, in_county)
    pages = (len(household_ids) + 49) // 50
    urls += [f"/api/households?page={n}" for n in range(1, pages + 1)]
    urls += [reverse("registry:household_list") + f"?page={n}" for n in range(1, pages + 1)]
    for url in urls:
        where = f"GET /{resolve(url.split('?')[0]).route}"
        outcome = requests.send(where, f"GET {url}", lambda u=url: client.get(u), after_fuzz=True)
        if outcome.status is not None and outcome.status != 200 and outcome.status < 500:
            requests.findings.add(
                Finding(
                    "after fuzz: not 200",
                    where,
                    f"GET {url}",
                    outcome.status,
                    "expected 200",
                    "",
                    outcome.seconds,
                )
            )


def jsonable(value):
    """A service input's value as JSON would carry it."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
