"""What every background job shares (imports, exports, a village's handbooks): where its
file is kept, a page that says so when the job stopped on an unexpected error, and the
jobs a killed worker left "running", failed when a worker starts."""

import datetime
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import heartbeat
from .models import Job, JobState, WorkerBeat

logger = logging.getLogger(__name__)


def stored_path(folder: str, suffix: str) -> Path:
    """A new file's path under var/``folder``, named so that it cannot be guessed."""
    directory = Path(settings.VAR_DIR) / folder
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{uuid.uuid4().hex}{suffix}"


def job_failed(*, job: Job, reason: str) -> None:
    """A task that stopped on an unexpected error says so on its page, rather than spin."""
    type(job).objects.filter(pk=job.pk).update(state=JobState.FAILED, message=reason, phase="")


def _reference(model: type[Job], job_id: int) -> str:
    """How the operator finds a job's traceback in the log, and the person names the job."""
    return f"{model._meta.label_lower}#{job_id}"


def run_guarded(model: type[Job], job_id: int, work: Callable[..., object]) -> None:
    """Run a job's work; an unexpected error marks the job failed, then propagates.

    The person is told, in their language, that the job stopped and how to name it to an
    administrator; the exception itself goes to the log only: its text means nothing to
    them and may show the inside of the system (a file's path, a query).
    """
    try:
        work(job_id=job_id)
    except Exception:  # the page must say the job stopped, not spin for ever
        logger.exception("%s stopped on an unexpected error", _reference(model, job_id))
        job = model.objects.get(pk=job_id)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            reason = _(
                "It stopped on an unexpected error, and nothing of it was kept. If it stops "
                "again when you try again, tell your system administrator, naming %(reference)s."
            ) % {"reference": _reference(model, job_id)}
        job_failed(job=job, reason=reason)
        raise


WORKER_STOPPED = gettext_lazy("The background worker stopped while this ran; start it again.")


class WorkerGone(Exception):
    """What a task result left running by a worker that is gone failed with (its
    ``exception_class_path``): the worker was killed, or its machine lost, mid-task."""


@dataclass(frozen=True)
class Abandoned:
    tasks: int  # django-tasks' results marked failed
    jobs: int  # our jobs' pages that now say the worker stopped


def _gone(claimer: str, *, me: str, fresh: dict[str, WorkerBeat]) -> bool:
    """Whether the worker that claimed a task runs it no more. ``me`` is starting, so runs
    nothing yet (a fixed ``--worker-id`` used again after a kill); a worker without a beat
    in ``STALE_AFTER`` seconds is gone, as ``/healthz`` says; one that beat lately but on
    this machine under a process id no process has is gone too (systemd restarts a killed
    worker within seconds, before its beat goes stale). A live process under a reused id
    reads as alive: the job waits for a later start-up rather than be failed wrongly."""
    if claimer == me:
        return True
    beat = fresh.get(claimer)
    if beat is None:
        return True
    if beat.host != socket.gethostname():
        return False
    try:
        os.kill(beat.pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # another user's process: alive
    return False


def _job_id(task: DBTaskResult) -> object:
    """The job a task runs: our tasks take its id (``tasks.check_import.enqueue(job.pk)``)."""
    args, kwargs = task.args_kwargs.get("args", []), task.args_kwargs.get("kwargs", {})
    return kwargs.get("job_id", args[0] if args else None)


def fail_abandoned(*, worker_id: str, now: datetime.datetime) -> Abandoned:
    """Before worker ``worker_id`` takes tasks: what workers that are gone left running is
    marked failed, django-tasks' results and our jobs, whose pages would otherwise say
    "running" for ever. Never what a live worker runs, whichever machine it is on.

    A task result names its worker; our jobs do not, so a job running is failed when no
    task still running (by a live worker) names its id. Several kinds of job share ids:
    a live export #5 keeps an abandoned import #5 "running" until a later start-up, which
    is the safe way round. Read in this order (jobs, tasks, beats) so that a job a worker
    starts meanwhile is seen with its task claimed and its worker beating (``manage.py
    worker`` beats before it takes a task). Not audited, like every change of a job's
    state: it is the job's progress, not a record about anyone.
    """
    models = [model for model in apps.get_models() if issubclass(model, Job)]
    with transaction.atomic():
        running_jobs = {
            model: list(model.objects.filter(state=JobState.RUNNING)) for model in models
        }
        running_tasks = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING))
        fresh = heartbeat.fresh_beats(now)
        abandoned, kept = [], set()
        for task in running_tasks:
            claimer = task.worker_ids[-1] if task.worker_ids else ""
            if _gone(claimer, me=worker_id, fresh=fresh):
                abandoned.append((task, claimer))
            else:
                kept.add(_job_id(task))
        for task, claimer in abandoned:
            DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=f"{WorkerGone.__module__}.{WorkerGone.__qualname__}",
                traceback=f"Worker {claimer or '?'} stopped while this ran; "
                f"found by worker {worker_id} as it started.",
            )
        failed = 0
        for model, jobs in running_jobs.items():
            for job in jobs:
                if job.pk in kept:
                    continue
                with translation.override(job.language or settings.LANGUAGE_CODE):
                    reason = str(WORKER_STOPPED)
                failed += model.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
                    state=JobState.FAILED, message=reason, phase=""
                )
    return Abandoned(tasks=len(abandoned), jobs=failed)
