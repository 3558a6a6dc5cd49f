"""Truthfulness signals: each flag is raised for its reason, and a plain visit has none."""

import datetime
import importlib
import io
import uuid

from django.utils import timezone, translation
from PIL import Image

from bangfu.visits import photos, services
from bangfu.visits.models import FlagKind, VisitFlag
from bangfu.visits.selectors import flag_reason

from .conftest import HOME, jpeg, log

AT_HOME = {"latitude": HOME[0], "longitude": HOME[1]}


def kinds(visit):
    return sorted(VisitFlag.objects.filter(visit=visit).values_list("kind", flat=True))


def attach(actor, visit, content):
    return services.visit_photo_add(
        actor=actor,
        visit_client_id=visit.client_id,
        photo_client_id=uuid.uuid4(),
        content=content,
        name="现场.jpg",
    )


def test_a_plain_visit_at_the_household_has_no_flag(helper_wang, households):
    visit = log(helper_wang, households[0], timezone.now(), latitude=HOME[0], longitude=HOME[1])
    assert visit.distance_m == 0 and kinds(visit) == []


def test_far_from_the_household(helper_wang, households):
    # 0.01° of latitude is about 1.1 km; the default rule allows 500 m.
    visit = log(helper_wang, households[0], timezone.now(), latitude=34.26, longitude=108.7)
    assert 1100 <= visit.distance_m <= 1120
    assert kinds(visit) == [FlagKind.FAR]
    reason = flag_reason(visit.flags.get())
    assert str(visit.distance_m) in reason and "500" in reason
    phoned = log(
        helper_wang, households[1], timezone.now(), kind="phone", latitude=34.26, longitude=108.7
    )
    assert kinds(phoned) == []  # a phone call is not made at the household


def test_logged_long_after_the_day(helper_wang, households):
    visit = log(helper_wang, households[0], timezone.now() - datetime.timedelta(days=5), **AT_HOME)
    assert kinds(visit) == [FlagKind.LATE]
    assert "5" in flag_reason(visit.flags.get())


def test_one_helper_in_two_distant_places_within_minutes(helper_wang, households):
    now = timezone.now()
    first = log(
        helper_wang,
        households[0],
        now - datetime.timedelta(minutes=50),
        latitude=HOME[0],
        longitude=HOME[1],
    )
    # About 22 km east, ten minutes later: 130 km/h, over the 60 km/h of the default rule.
    second = log(
        helper_wang,
        households[1],
        now - datetime.timedelta(minutes=40),
        latitude=HOME[0],
        longitude=108.94,
    )
    assert kinds(first) == [] and kinds(second) == [FlagKind.FAR, FlagKind.TOO_FAST]
    flag = second.flags.get(kind=FlagKind.TOO_FAST)
    assert flag.other_visit == first and flag.facts["minutes"] == 10
    # Next door half an hour later, and 40 minutes after the first: an ordinary Thursday.
    third = log(
        helper_wang,
        households[2],
        now - datetime.timedelta(minutes=10),
        latitude=34.2505,
        longitude=108.94,
    )
    assert FlagKind.TOO_FAST not in kinds(third)


def test_the_same_photo_for_two_visits(helper_wang, households):
    picture = jpeg(seed=1)
    first = log(helper_wang, households[0], timezone.now(), **AT_HOME)
    second = log(helper_wang, households[1], timezone.now(), **AT_HOME)
    attach(helper_wang, first, picture)
    assert kinds(first) == []
    # The same picture, shrunk and recompressed, is still the same picture.
    smaller = Image.open(io.BytesIO(picture)).resize((320, 240))
    buffer = io.BytesIO()
    smaller.save(buffer, "JPEG", quality=60)
    attach(helper_wang, second, buffer.getvalue())
    assert kinds(second) == [FlagKind.PHOTO_REUSED]
    assert second.flags.get().other_visit == first
    third = log(helper_wang, households[2], timezone.now(), **AT_HOME)
    attach(helper_wang, third, jpeg(seed=4))  # a different picture
    assert kinds(third) == []


def test_a_home_visit_without_any_position_is_flagged(county_admin, helper_wang, wang, households):
    now = timezone.now()
    visit = log(helper_wang, households[0], now)
    assert kinds(visit) == [FlagKind.NO_POSITION]
    with translation.override("en"):
        assert flag_reason(visit.flags.get()) == (
            "A home visit saved without the phone's position: where it took place cannot be "
            "checked."
        )
    # Phone calls and online contacts are not made at the household: no position is needed.
    assert kinds(log(helper_wang, households[1], now, kind="phone")) == []
    assert kinds(log(helper_wang, households[2], now, kind="online")) == []
    # A paper record typed in by staff (代录) is flagged too, and says where it came from.
    paper = log(county_admin, households[1], now, helper_id=wang.pk)
    assert kinds(paper) == [FlagKind.NO_POSITION] and paper.flags.get().facts == {"paper": True}
    with translation.override("zh-hans"):
        assert (
            flag_reason(paper.flags.get()) == "入户走访由纸质记录代录，没有定位，无法核实走访地点。"
        )
        assert paper.flags.get().get_kind_display() == "无定位"
    # Corrected into a phone call, the visit needs no position: the flag goes.
    services.visit_update(
        actor=helper_wang,
        visit_id=visit.pk,
        data=services.VisitInput(household_id=households[0].pk, visited_at=now, kind="phone"),
    )
    assert kinds(visit) == []


def test_a_photo_is_resized_and_its_camera_time_and_place_read(helper_wang, households):
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2026:11:19 09:41:07"
    exif[0x8825] = {1: "N", 2: (34.0, 15.0, 0.0), 3: "E", 4: (108.0, 42.0, 0.0)}
    visit = log(helper_wang, households[0], timezone.now())
    photo, created = attach(helper_wang, visit, jpeg(seed=2, size=(4000, 3000), exif=exif))
    assert created and (photo.width, photo.height) == (1600, 1200)
    assert timezone.localtime(photo.taken_at).strftime("%Y-%m-%d %H:%M:%S") == "2026-11-19 09:41:07"
    assert (float(photo.latitude), float(photo.longitude)) == (34.25, 108.7)
    again, created_again = services.visit_photo_add(
        actor=helper_wang,
        visit_client_id=visit.client_id,
        photo_client_id=photo.client_id,
        content=b"resent",
        name="现场.jpg",
    )
    assert not created_again and again.pk == photo.pk


def test_a_file_that_is_not_a_photo_is_refused(helper_wang, households):
    visit = log(helper_wang, households[0], timezone.now())
    try:
        attach(helper_wang, visit, b"%PDF-1.4 not a picture")
    except services.DomainError as refusal:
        assert refusal.code == "not_a_photo" and "现场.jpg" in str(refusal.message)
    else:
        raise AssertionError("a PDF was taken as a photo")
    assert photos.hash_distance("ffffffffffffffff", "0000000000000000") == 64


def test_the_migration_flags_home_visits_logged_without_a_position_before(
    county_admin, helper_wang, wang, households
):
    from django.apps import apps

    backfill = importlib.import_module("bangfu.visits.migrations.0004_no_position_flag")
    now = timezone.now()
    own = log(helper_wang, households[0], now)
    paper = log(county_admin, households[1], now, helper_id=wang.pk)
    log(helper_wang, households[2], now, kind="phone")
    log(helper_wang, households[2], now, **AT_HOME)
    VisitFlag.objects.all().delete()  # as they were before the flag existed
    backfill.flag_home_visits_without_position(apps, None)
    backfill.flag_home_visits_without_position(apps, None)  # once only
    assert sorted(VisitFlag.objects.values_list("visit_id", "kind", "facts", "region_id")) == [
        (own.pk, "no_position", {"paper": False}, own.region_id),
        (paper.pk, "no_position", {"paper": True}, paper.region_id),
    ]
