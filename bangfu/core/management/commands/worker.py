"""``manage.py worker``: django-tasks' ``db_worker``, with a heartbeat for ``/healthz``.

Takes every option of ``db_worker``. The heartbeat (``core.heartbeat``) is written by a
thread with its own database connection; a beat that fails (the database restarting, SQLite
busy with a long import) is logged and tried again at the next one, and the worker goes on.
"""

import logging
import threading

from django.db import DatabaseError, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from bangfu.core import heartbeat

logger = logging.getLogger(__name__)


class Command(DbWorkerCommand):
    help = "Run the background worker (imports, exports, handbooks) with a heartbeat."

    def handle(self, *args, worker_id: str, **options) -> None:
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


def _beat_until(worker_id: str, stop: threading.Event) -> None:
    _quietly(heartbeat.worker_started, worker_id)
    while not stop.wait(heartbeat.BEAT_EVERY):
        _quietly(heartbeat.beat, worker_id)
    connection.close()  # this thread's own connection


def _quietly(write, worker_id: str) -> None:
    try:
        write(worker_id)
    except DatabaseError:
        logger.warning("Worker %s could not write its heartbeat", worker_id, exc_info=True)
        connection.close()  # a broken connection is opened afresh at the next beat
