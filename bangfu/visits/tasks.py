"""Background work of visits (django-tasks; ``manage.py worker`` runs it)."""

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def send_reminders() -> int:
    return services.reminders_send(on=timezone.localdate())
