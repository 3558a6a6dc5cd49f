"""Background work of the reports app (django-tasks; ``manage.py worker`` runs it)."""

from django_tasks import task

from bangfu.core.jobs import run_guarded

from . import services
from .models import HandbookJob


@task()
def write_handbook(job_id: int) -> None:
    run_guarded(HandbookJob, job_id, services.handbook_write)
