"""Distances between positions on the ground (WGS-84 degrees, as phones report them)."""

import math
from decimal import Decimal

EARTH_RADIUS_M = 6_371_000


def distance_m(
    lat1: float | Decimal, lon1: float | Decimal, lat2: float | Decimal, lon2: float | Decimal
) -> float:
    """Great-circle distance in metres (haversine): exact enough for villages and counties."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
