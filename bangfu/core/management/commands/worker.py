"""``manage.py worker``: django-tasks' ``db_worker``, with a heartbeat for ``/healthz``.

Takes every option of ``db_worker``. Before it takes a task, it marks failed what workers
that are gone left running (``core.jobs.fail_abandoned``), then beats once: a task it claims
is never taken, by another worker starting, for one a gone worker left. If the database
refuses that (SQLite busy with another worker's long import), it says so in the log and
starts anyway: the next start-up tries again. The heartbeat (``core.heartbeat``) is written by a
thread with its own database connection; a beat that fails (the database restarting, SQLite
busy with a long import) is logged and tried again at the next one, and the worker goes on.
"""

import logging
import threading

from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from bangfu.core import heartbeat, jobs

logger = logging.getLogger(__name__)


class Command(DbWorkerCommand):
    help = "Run the background worker (imports, exports, handbooks) with a heartbeat."

    def handle(self, *args, worker_id: str, **options) -> None:
        _fail_abandoned(worker_id)
        _quietly(heartbeat.worker_started, worker_id)
        stop = threading.Event()
        beating = threading.Thread(
            target=_beat_until, args=(worker_id, stop), name="heartbeat", daemon=True
        )
        beating.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            # On SIGTERM (systemctl stop) or Ctrl-C: /healthz reports the worker gone now,
            # not a minute later. After SIGKILL the row stays and goes stale instead.
            stop.set()
            beating.join(timeout=heartbeat.BEAT_EVERY)
            _quietly(heartbeat.worker_stopped, worker_id)


def _fail_abandoned(worker_id: str) -> None:
    try:
        abandoned = jobs.fail_abandoned(worker_id=worker_id, now=timezone.now())
    except DatabaseError:
        logger.warning("Worker %s could not look for jobs left running", worker_id, exc_info=True)
        connection.close()
        return
    if abandoned.tasks or abandoned.jobs:
        logger.warning(
            "Worker %s marked failed %d tasks and %d jobs left running by workers that are gone",
            worker_id,
            abandoned.tasks,
            abandoned.jobs,
        )


def _beat_until(worker_id: str, stop: threading.Event) -> None:
    while not stop.wait(heartbeat.BEAT_EVERY):
        _quietly(heartbeat.beat, worker_id)
    connection.close()  # this thread's own connection


def _quietly(write, worker_id: str) -> None:
    try:
        write(worker_id)
    except DatabaseError:
        logger.warning("Worker %s could not write its heartbeat", worker_id, exc_info=True)
        connection.close()  # a broken connection is opened afresh at the next beat
