"""What every background job shares (imports, exports, a village's handbooks): where its
file is kept, and a page that says so when the job stopped on an unexpected error."""

import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from .models import Job, JobState


def stored_path(folder: str, suffix: str) -> Path:
    """A new file's path under var/``folder``, named so that it cannot be guessed."""
    directory = Path(settings.VAR_DIR) / folder
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{uuid.uuid4().hex}{suffix}"


def job_failed(*, job: Job, reason: str) -> None:
    """A task that stopped on an unexpected error says so on its page, rather than spin."""
    type(job).objects.filter(pk=job.pk).update(state=JobState.FAILED, message=reason, phase="")


def run_guarded(model: type[Job], job_id: int, work: Callable[..., object]) -> None:
    """Run a job's work; an unexpected error marks the job failed, then propagates."""
    try:
        work(job_id=job_id)
    except Exception as error:  # the page must say the job stopped, not spin for ever
        job_failed(job=model.objects.get(pk=job_id), reason=repr(error))
        raise
