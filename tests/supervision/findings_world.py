"""County A's findings for the route walk and the fuzz: a finding about the walk's household at
马家寨村 with its photo, and one of 石桥村 whose rectification the township submitted (so
that the county's administrator, who did not submit it, may verify it). The fuzz's writes each
take a finding of their own in the state they need, made when the request is aimed."""

import uuid

from bangfu.accounts.models import User
from bangfu.supervision.services import (
    finding_record,
    finding_sent,
    rectification_start,
    rectification_submit,
)
from tests.visits.conftest import jpeg

A_VILLAGE = "611103002201"
TOWNSHIP_VILLAGE = "611103001201"  # 石桥村, in township_staff's 马王街道
PHOTO = jpeg()
FINDING_JSON = {
    "region_code": A_VILLAGE,
    "category": "1",
    "description": "马家寨村走访记录与实际不符",
    "found_on": "2026-11-02",
    "responsible_person": "钓台街道",
}
FINDING_FORM = {**FINDING_JSON, "concerns": "", "record_id": ""}
SUBMIT = {"note": "马家寨村已补走访"}
CLOSE = {"note": "马家寨村核实"}
RETURN = {"reason": "马家寨村照片不清"}
PHONE_FINDING = uuid.UUID("5f0c6b9e-0000-4000-8000-000000000201")
MISSING_PHONE_FINDING = {"client_id": "5f0c6b9e-0000-4000-8000-000000000202"}


def _assigned(county_admin, **given):
    return finding_record(
        actor=county_admin,
        **(FINDING_JSON | {"found_on": None, "region_code": TOWNSHIP_VILLAGE} | given),
    )


def _submitted(county_admin):
    """A finding of 石桥村 whose rectification the township submitted."""
    finding = _assigned(county_admin)
    township = User.objects.get(username="township_staff")
    rectification_start(actor=township, finding_id=finding.pk)
    rectification_submit(actor=township, finding_id=finding.pk, note="石桥村已整改")
    return finding


def findings_world(county_admin, household) -> dict:
    finding = finding_record(
        actor=county_admin,
        **(FINDING_JSON | {"found_on": None, "region_code": ""}),
        household_id=household.pk,
        photos=[PHOTO],
    )
    # Recorded on a phone, with the id it made: its photos follow by that id.
    phone_finding, _created = finding_sent(
        actor=county_admin,
        client_id=PHONE_FINDING,
        **(FINDING_JSON | {"found_on": None, "region_code": TOWNSHIP_VILLAGE}),
    )
    return {
        "finding": finding,
        "finding_photo": finding.evidence.get(),
        "submitted_finding": _submitted(county_admin),
        "phone_finding": phone_finding,
    }


def _a_finding(w):
    return {"finding_id": w["finding"].pk}


MISSING = {"finding_id": 10**9}


def findings_page_probes(probe) -> dict:
    """The findings' routes for the walk's PAGE_PROBES (``probe`` is its ``Probe``)."""
    both = ("get", "post")
    return {
        "supervision:findings": probe(),
        "supervision:finding_add": probe(methods=both, data=FINDING_FORM),
        "supervision:rectification_rates": probe(),
        "supervision:finding": probe(_a_finding, MISSING),
        "supervision:rectification_start": probe(_a_finding, MISSING, both, {"note": "入侵"}),
        "supervision:rectification_submit": probe(_a_finding, MISSING, both, SUBMIT),
        "supervision:rectification_close": probe(
            lambda w: {"finding_id": w["submitted_finding"].pk}, MISSING, both, CLOSE
        ),
        "supervision:rectification_return": probe(
            lambda w: {"finding_id": w["submitted_finding"].pk}, MISSING, both, RETURN
        ),
        "supervision:finding_evidence_add": probe(_a_finding, MISSING, both, {"name": "入侵"}),
        "supervision:evidence_file": probe(
            lambda w: {"evidence_id": w["finding_photo"].pk}, {"evidence_id": 10**9}
        ),
    }


def findings_api_probes(probe) -> dict:
    """The findings' operations for the walk's API_PROBES."""
    post = ("post",)
    return {
        "finding_list": probe(),
        "findings_overdue": probe(),
        "rectification_rates": probe(),
        "finding_get": probe(_a_finding, MISSING),
        "finding_record": probe(methods=post, data=FINDING_JSON),
        "finding_record_with_photos": probe(
            methods=post, data={**FINDING_JSON, "photos": PHOTO}, multipart=True
        ),
        "finding_evidence_add": probe(
            _a_finding, MISSING, post, {"name": "入侵.jpg", "file": PHOTO}, multipart=True
        ),
        "finding_photo_add": probe(
            lambda w: {"client_id": w["phone_finding"].client_id},
            MISSING_PHONE_FINDING,
            post,
            {"photo_id": "5f0c6b9e-0000-4000-8000-000000000203", "photo": PHOTO},
            multipart=True,
        ),
        "rectification_start": probe(_a_finding, MISSING, post, {"note": ""}),
        "rectification_submit": probe(
            _a_finding, MISSING, post, {**SUBMIT, "photos": PHOTO}, multipart=True
        ),
        "rectification_close": probe(
            lambda w: {"finding_id": w["submitted_finding"].pk}, MISSING, post, CLOSE
        ),
        "rectification_return": probe(
            lambda w: {"finding_id": w["submitted_finding"].pk}, MISSING, post, RETURN
        ),
    }


def findings_aims(world, aim) -> dict:
    """For each findings operation, a valid request aimed at ``world``'s records; a step of
    the rectification takes a fresh finding in the state it needs."""
    admin = world["finding"].recorded_by

    def fresh(n):
        return {"finding_id": _assigned(admin).pk}

    def fresh_submitted(n):
        return {"finding_id": _submitted(admin).pk}

    return {
        "finding_list": lambda n: aim({}, {"place": A_VILLAGE, "state": "assigned"}, None),
        "findings_overdue": lambda n: aim({}, {"place": A_VILLAGE}, None),
        "rectification_rates": lambda n: aim(
            {}, {"place": A_VILLAGE, "from_month": "2026-10", "to_month": "2026-11"}, None
        ),
        "finding_get": lambda n: aim({"finding_id": world["finding"].pk}, {}, None),
        "finding_record": lambda n: aim(
            {}, {}, FINDING_JSON | {"client_id": str(uuid.UUID(int=7 * 10**6 + n))}
        ),
        "finding_photo_add": lambda n: aim(
            {"client_id": str(world["phone_finding"].client_id)},
            {},
            {"photo_id": str(uuid.UUID(int=8 * 10**6 + n)), "photo": PHOTO},
        ),
        "finding_record_with_photos": lambda n: aim({}, {}, {**FINDING_JSON, "photos": [PHOTO]}),
        "finding_evidence_add": lambda n: aim(
            {"finding_id": world["finding"].pk}, {}, {"name": f"现场{n}.jpg", "file": PHOTO}
        ),
        "rectification_start": lambda n: aim(fresh(n), {}, {"note": ""}),
        "rectification_submit": lambda n: aim(fresh(n), {}, {**SUBMIT, "photos": [PHOTO]}),
        "rectification_close": lambda n: aim(fresh_submitted(n), {}, dict(CLOSE)),
        "rectification_return": lambda n: aim(fresh_submitted(n), {}, dict(RETURN)),
    }


def findings_state() -> tuple:
    """What the walk compares before and after an intruder's requests."""
    from bangfu.supervision.models import Evidence, Finding, RectificationStep

    return (
        list(Finding.objects.values_list("pk", "state", "description", "closed_on")),
        RectificationStep.objects.count(),
        Evidence.objects.count(),
    )
