"""The household's acknowledgement of its plan (户主签字确认): a signature drawn on the phone
stored as an image on white, sent twice recorded once, served only within the reader's
places; the page's upload and the API's."""

import io
import uuid

import pytest
from django.urls import reverse
from PIL import Image

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.plans.models import Acknowledgement
from bangfu.plans.services import acknowledgement_add

from .conftest import signature_png

ID = uuid.UUID(int=7)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sign(actor, household, client_id=ID, **overrides):
    values = {"kind": "signature", "signed_by": "曾佳轩", "content": signature_png()}
    values.update(overrides)
    return acknowledgement_add(
        actor=actor, household_id=household.pk, client_id=client_id, **values
    )


def test_a_signature_is_stored_on_white_once(today, helper_wang, households):
    record, created = sign(helper_wang, households[0])
    again, created_again = sign(helper_wang, households[0])
    assert (created, created_again, again.pk) == (True, False, record.pk)
    assert record.region_id == households[0].region_id
    image = Image.open(record.image.open("rb")).convert("L")
    corner, darkest = image.getpixel((2, 2)), image.getextrema()[0]
    assert corner > 240 and darkest < 60  # white paper, black strokes
    assert AuditEntry.objects.filter(action="acknowledgement.add").count() == 1


def test_what_is_not_a_picture_is_refused_and_nothing_kept(today, helper_wang, households):
    with pytest.raises(DomainError) as refused:
        sign(helper_wang, households[0], content=b"%PDF-1.4 not a picture")
    assert refused.value.field == "photo"
    with pytest.raises(DomainError) as refused:
        sign(helper_wang, households[0], signed_by="")
    assert refused.value.field == "signed_by"
    with pytest.raises(DomainError):
        sign(helper_wang, households[0], kind="fingerprint")
    assert not Acknowledgement.objects.exists()


def test_only_the_households_helper_or_the_office_records_it(
    today, households, helper_wang, other_county_admin, inspector
):
    with pytest.raises(OutOfScope):
        sign(other_county_admin, households[0])
    with pytest.raises(NotPermitted):
        sign(inspector, households[0])
    sign(helper_wang, households[0])
    with pytest.raises(OutOfScope):  # the same phone id, from another county
        sign(other_county_admin, households[0])


def test_the_page_takes_the_drawn_signature_and_shows_it(today, client, helper_wang, households):
    client.force_login(helper_wang)
    household = households[0]
    url = reverse("plans:acknowledge", args=[household.pk])
    assert "曾佳轩" in client.get(url).content.decode()  # the head signs by default
    empty = client.post(url, {"client_id": str(ID), "kind": "signature", "signed_by": "曾佳轩"})
    assert empty.status_code == 400
    image = io.BytesIO(signature_png())
    image.name = "signature.png"
    done = client.post(
        url, {"client_id": str(ID), "kind": "signature", "signed_by": "曾佳轩", "image": image}
    )
    assert done.status_code == 302
    record = Acknowledgement.objects.get()
    plan = client.get(reverse("plans:plan", args=[household.pk])).content.decode()
    assert reverse("plans:acknowledgement_image", args=[record.pk]) in plan
    served = client.get(reverse("plans:acknowledgement_image", args=[record.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_the_api_records_a_photo_of_the_signed_paper(today, client, helper_wang, households):
    from tests.visits.conftest import jpeg

    client.force_login(helper_wang)
    photo = io.BytesIO(jpeg())
    photo.name = "paper.jpg"
    answer = client.post(
        f"/api/households/{households[0].pk}/plan/acknowledgements",
        {"client_id": str(ID), "kind": "paper", "signed_by": "曾佳轩", "image": photo},
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["kind"] == "paper"
