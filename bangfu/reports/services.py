"""Writes of the reports app: a village's handbooks, made by the background worker."""

from pathlib import Path

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from bangfu.core import audit
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.jobs import stored_path
from bangfu.core.models import JobState
from bangfu.core.selectors import region_for

from . import handbook
from .models import HandbookJob

HANDBOOKS = "handbooks"  # under var/


def handbook_request(*, actor, region_code: str, full_ids: bool, language: str) -> HandbookJob:
    """Queue the handbooks of every open household of a village or group, as one PDF. A
    place above a village is refused: its handbooks run to thousands of pages."""
    region = region_for(actor, region_code)
    handbook.refuse_above_village(region)
    if full_ids:
        require(actor, Capability.VIEW_FULL_ID_NUMBERS)
    households = handbook.handbook_households(actor, region).count()
    if not households:
        raise DomainError(
            _("%(place)s has no open household.") % {"place": region.name}, code="no_household"
        )
    with transaction.atomic():
        job = HandbookJob.objects.create(
            owner=actor,
            region=region,
            full_ids=full_ids,
            language=language,
            total=households,
            path=str(stored_path(HANDBOOKS, ".pdf")),
        )
        audit.record(
            actor=actor,
            action="handbook.request",
            obj=job,
            region_code=region.code,
            after={"place": region.code, "full_ids": full_ids, "households": households},
        )
    return job


def handbook_write(*, job_id: int) -> HandbookJob:
    """Lay the handbooks out (a quarter of a second or so a household) and keep the PDF;
    full ID numbers go through the registry's audited reveal, household by household."""
    job = HandbookJob.objects.select_related("owner", "region").get(pk=job_id)
    HandbookJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    households = list(handbook.handbook_households(job.owner, job.region))
    with translation.override(job.language):
        pdf = handbook.render_handbook(job.owner, households, full_ids=job.full_ids)
    Path(job.path).write_bytes(pdf)
    job.state, job.done, job.total = JobState.DONE, len(households), len(households)
    job.save(update_fields=["state", "done", "total"])
    return job
