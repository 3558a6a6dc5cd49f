"""A worker that starts fails what workers that are gone left running (``core.jobs
.fail_abandoned``), and never what a live worker runs. The heartbeats' times are set here,
against a fixed now: no clock, no sleep."""

import datetime
import os
import socket
import subprocess
import sys

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bangfu.core.jobs import Abandoned, WorkerGone, fail_abandoned
from bangfu.core.models import JobState, WorkerBeat
from bangfu.exchange.models import ExportJob, ImportJob

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 15, 9, 30, tzinfo=datetime.UTC)
ME = "starting"
SAID = {
    "en": "The background worker stopped while this ran; start it again.",
    "zh-hans": "任务在后台进程停止时中断，请重新提交。",
}


def beating(worker_id: str, *, seconds_ago: int, host: str = "app2", pid: int = 4242) -> None:
    WorkerBeat.objects.create(
        worker_id=worker_id,
        host=host,
        pid=pid,
        started_at=NOW - datetime.timedelta(hours=1),
        beat_at=NOW - datetime.timedelta(seconds=seconds_ago),
    )


def an_import(owner, state: str, language: str = "zh-hans") -> ImportJob:
    return ImportJob.objects.create(
        owner=owner, file_name="户信息.xlsx", path="/nowhere.xlsx", language=language, state=state
    )


def running_import(
    owner, worker_id: str, language: str = "zh-hans"
) -> tuple[ImportJob, DBTaskResult]:
    """An import's commit as a worker leaves it while it runs: the job running, its task
    claimed by ``worker_id``."""
    job = an_import(owner, JobState.RUNNING, language)
    task = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [job.pk], "kwargs": {}},
        task_path="bangfu.exchange.tasks.commit_import",
        backend_name="default",
        run_after=NOW,
        started_at=NOW - datetime.timedelta(minutes=5),
        worker_ids=[worker_id],
    )
    return job, task


def states(*rows) -> list[str]:
    for row in rows:
        row.refresh_from_db()
    return [getattr(row, "state", None) or row.status for row in rows]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_worker_gone_silent_leaves_its_task_and_job_failed_in_the_jobs_language(
    county_admin, language
):
    beating("killed", seconds_ago=61)  # five beats missed, and one more second
    job, task = running_import(county_admin, "killed", language)

    abandoned = fail_abandoned(worker_id=ME, now=NOW)

    assert (abandoned.tasks, abandoned.jobs) == (1, 1)
    assert states(job, task) == [JobState.FAILED, TaskResultStatus.FAILED]
    assert job.message == SAID[language]
    assert task.finished_at == NOW
    assert task.exception_class_path == "bangfu.core.jobs.WorkerGone"
    assert import_string(task.exception_class_path) is WorkerGone


def test_a_worker_beating_on_another_machine_keeps_what_it_runs(county_admin):
    beating("alive", seconds_ago=60)  # the last second it counts as beating
    job, task = running_import(county_admin, "alive")

    assert fail_abandoned(worker_id=ME, now=NOW) == Abandoned(tasks=0, jobs=0)
    assert states(job, task) == [JobState.RUNNING, TaskResultStatus.RUNNING]


@pytest.mark.parametrize("claimer", ["never-beat", ME])
def test_a_worker_without_a_beat_or_this_one_before_a_restart_runs_nothing(county_admin, claimer):
    # This worker's own id, beating: the same --worker-id, started again after a kill.
    beating(ME, seconds_ago=0)
    job, task = running_import(county_admin, claimer)

    fail_abandoned(worker_id=ME, now=NOW)

    assert states(job, task) == [JobState.FAILED, TaskResultStatus.FAILED]


def test_on_this_machine_a_fresh_beat_counts_only_while_its_process_runs(county_admin):
    # systemd restarts a killed worker within seconds: its last beat is still fresh.
    ended = subprocess.Popen([sys.executable, "-c", ""])
    ended.wait()  # reaped: no process has its id
    here = socket.gethostname()
    beating("killed", seconds_ago=3, host=here, pid=ended.pid)
    beating("alive", seconds_ago=3, host=here, pid=os.getpid())
    killed_job, killed_task = running_import(county_admin, "killed")
    live_job, live_task = running_import(county_admin, "alive")

    fail_abandoned(worker_id=ME, now=NOW)

    assert states(killed_job, killed_task) == [JobState.FAILED, TaskResultStatus.FAILED]
    assert states(live_job, live_task) == [JobState.RUNNING, TaskResultStatus.RUNNING]


def test_a_job_running_with_no_live_task_is_failed_and_others_are_left_as_they_are(county_admin):
    """Jobs do not name their worker: a running one is failed when no task a live worker runs
    names its id. Waiting and finished jobs are not touched."""
    beating("alive", seconds_ago=0)
    orphan = an_import(county_admin, JobState.RUNNING)
    waiting = an_import(county_admin, JobState.QUEUED)
    done = an_import(county_admin, JobState.DONE)
    live_job, live_task = running_import(county_admin, "alive")
    # Another kind of job with the live task's id: kept running (the safe way round).
    namesake = ExportJob.objects.create(
        pk=live_job.pk,
        owner=county_admin,
        list_name="households",
        path="/y.xlsx",
        language="zh-hans",
        state=JobState.RUNNING,
    )

    abandoned = fail_abandoned(worker_id=ME, now=NOW)

    assert (abandoned.tasks, abandoned.jobs) == (0, 1)
    assert states(orphan, waiting, done, live_job, namesake, live_task) == [
        JobState.FAILED,
        JobState.QUEUED,
        JobState.DONE,
        JobState.RUNNING,
        JobState.RUNNING,
        TaskResultStatus.RUNNING,
    ]
