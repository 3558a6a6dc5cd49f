"""Visit photos: checked, turned upright, resized, with the time and place the camera wrote
(EXIF) and a perceptual hash to spot the same picture used for two visits."""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from bangfu.core.errors import DomainError

LONGEST_SIDE = 1600  # enough to read a face or a document on an inspector's screen
JPEG_QUALITY = 80
MOST_PIXELS = 60_000_000  # larger than any phone camera; bigger files are refused, not decoded
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME = 36867, 306


@dataclass(frozen=True)
class PreparedPhoto:
    content: bytes  # the resized JPEG, without the original's metadata
    width: int
    height: int
    taken_at: datetime.datetime | None
    latitude: Decimal | None
    longitude: Decimal | None
    phash: str


def prepare(data: bytes, name: str = "") -> PreparedPhoto:
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MOST_PIXELS:
            raise DomainError(
                _("The photo %(name)s is too large; send a photo from the phone's camera.")
                % {"name": name},
                code="photo_too_large",
                field="photo",
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise DomainError(
            _("%(name)s is not a photo this system can read; send a JPEG or PNG picture.")
            % {"name": name or _("The file")},
            code="not_a_photo",
            field="photo",
        ) from None
    exif = image.getexif()
    taken_at = _taken_at(exif)
    latitude, longitude = _position(exif)
    upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return PreparedPhoto(
        out.getvalue(),
        upright.width,
        upright.height,
        taken_at,
        latitude,
        longitude,
        difference_hash(upright),
    )


def difference_hash(image: Image.Image) -> str:
    """64 bits: is each pixel of a 9×8 grey thumbnail brighter than its right neighbour?"""
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = small.tobytes()  # one byte a pixel, row by row
    bits = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            bits = (bits << 1) | (1 if left > right else 0)
    return f"{bits:016x}"


def hash_distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


PLAUSIBLE_FROM = datetime.date(2000, 1, 1)


def _taken_at(exif: Image.Exif) -> datetime.datetime | None:
    raw = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    try:
        naive = datetime.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    # A camera whose clock was never set writes any year; only a plausible time is a claim
    # worth comparing with the visit's (and year 1 overflows on the way to UTC).
    if not PLAUSIBLE_FROM <= naive.date() <= timezone.localdate() + datetime.timedelta(days=1):
        return None
    # Cameras write local time without a zone; phones here are set to China time.
    return timezone.make_aware(naive)


def _position(exif: Image.Exif) -> tuple[Decimal | None, Decimal | None]:
    gps = exif.get_ifd(GPS_IFD)
    try:
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None, None
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def _degrees(parts, ref, negative: str) -> float:
    degrees, minutes, seconds = (float(part) for part in parts)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if str(ref).strip("\x00 ").upper() == negative else value
