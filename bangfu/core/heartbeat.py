"""The background worker's heartbeat, and what ``/healthz`` reads of it.

django-tasks' ``db_worker`` leaves no trace while it waits for work (a task's row names the
worker that ran it, nothing more), so a stopped worker is invisible until uploads pile up
"waiting to start". ``manage.py worker`` runs the same worker with a thread that refreshes
a ``WorkerBeat`` row every ``BEAT_EVERY`` seconds and removes it when the worker stops.
The row is in the database, not a file, so that ``/healthz`` on any web server sees the
workers of every machine. A thread rather than the worker's loop: a task may rightly run for
minutes (a village's handbooks), and the worker is alive meanwhile.
"""

import datetime
import os
import socket
from dataclasses import dataclass

from django.utils import timezone

from .models import WorkerBeat

BEAT_EVERY = 10  # seconds between a worker's beats
STALE_AFTER = 60  # seconds without a beat before the worker counts as gone (five beats missed)
FORGET_AFTER = datetime.timedelta(days=1)  # rows of workers killed without a goodbye


def worker_started(worker_id: str) -> None:
    """Forgets workers long gone (killed with SIGKILL, their machine lost), so that
    restarts do not pile rows up; then the first beat."""
    WorkerBeat.objects.filter(beat_at__lt=timezone.now() - FORGET_AFTER).delete()
    beat(worker_id)


def beat(worker_id: str) -> None:
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": now},
        create_defaults={
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": now,
            "beat_at": now,
        },
    )


def fresh_beats(now: datetime.datetime) -> dict[str, WorkerBeat]:
    """The workers that beat within ``STALE_AFTER`` seconds of ``now``, by id."""
    since = now - datetime.timedelta(seconds=STALE_AFTER)
    return {row.worker_id: row for row in WorkerBeat.objects.filter(beat_at__gte=since)}


def worker_stopped(worker_id: str) -> None:
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


@dataclass(frozen=True)
class WorkerHealth:
    state: str  # "ok", "stale" (beats stopped: killed, hung, cut off) or "absent" (none ran)
    seconds_since_beat: int | None


def worker_health(now: datetime.datetime) -> WorkerHealth:
    """The freshest beat of any worker, in one query (``/healthz`` is called every few
    seconds by a load balancer or a monitor, and must stay cheap)."""
    latest = WorkerBeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    if latest is None:
        return WorkerHealth("absent", None)
    age = max(0, int((now - latest).total_seconds()))
    return WorkerHealth("ok" if age <= STALE_AFTER else "stale", age)
