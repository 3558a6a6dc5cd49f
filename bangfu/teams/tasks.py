"""Background work of the teams app (django-tasks; ``manage.py worker`` runs it)."""

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def send_team_reminders() -> int:
    return services.team_reminders_send(on=timezone.localdate())
