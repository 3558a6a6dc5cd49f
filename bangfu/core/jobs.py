"""What every background job shares (imports, exports, a village's handbooks): where its
file is kept, and a page that says so when the job stopped on an unexpected error."""

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Job, JobState

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
