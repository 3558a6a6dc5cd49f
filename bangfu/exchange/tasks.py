"""Background work of imports and exports (django-tasks; ``manage.py db_worker`` runs it)."""

from django_tasks import task

from . import services
from .models import ExportJob, ImportJob


def _guarded(model, job_id: int, work) -> None:
    try:
        work(job_id=job_id)
    except Exception as error:  # the page must say the job stopped, not spin for ever
        services.job_failed(job=model.objects.get(pk=job_id), reason=repr(error))
        raise


@task()
def check_import(job_id: int) -> None:
    _guarded(ImportJob, job_id, services.import_check)


@task()
def commit_import(job_id: int) -> None:
    _guarded(ImportJob, job_id, services.import_commit)


@task()
def write_export(job_id: int) -> None:
    _guarded(ExportJob, job_id, services.export_write)
