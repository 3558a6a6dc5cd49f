"""Background work of imports and exports (django-tasks; ``manage.py worker`` runs it)."""

from django_tasks import task

from bangfu.core.jobs import run_guarded

from . import services
from .models import ExportJob, ImportJob


@task()
def check_import(job_id: int) -> None:
    run_guarded(ImportJob, job_id, services.import_check)


@task()
def commit_import(job_id: int) -> None:
    run_guarded(ImportJob, job_id, services.import_commit)


@task()
def write_export(job_id: int) -> None:
    run_guarded(ExportJob, job_id, services.export_write)
