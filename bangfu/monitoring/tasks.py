"""Background work of monitoring (django-tasks; ``manage.py worker`` runs it)."""

from django.utils import timezone
from django_tasks import task

from . import services
from .models import RuleRun


@task()
def run_alert_rules(place: str | None = None) -> int:
    """The nightly run of the early-warning rules (预警规则) over everything, or a place:
    the alerts raised."""
    return services.rules_run(
        on=timezone.localdate(), place=place, trigger=RuleRun.Trigger.NIGHTLY
    ).alerts
