"""Text as people write it in offices, brought to one form for comparing — never for storing.

Sheets' headers and coded values, and people's names a household gives an inspector, are
matched after NFKC (full-width digits and letters become half-width), without spaces
anywhere, with traditional characters as simplified (戶主 → 户主, 王幫扶 → 王帮扶) and in lower
case: what people write differently but mean the same is the same key.
"""

import unicodedata
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """Traditional characters as simplified (戶主 → 户主), for matching only."""
    return _converter().convert(text)


def squeezed(raw: Any) -> str:
    """Half-width, without spaces anywhere (headers and codes carry none that matter)."""
    return "".join(unicodedata.normalize("NFKC", str(raw)).split())


def key(raw: Any) -> str:
    """The one form text is compared in (headers, coded values, people's names)."""
    return simplified(squeezed(raw)).lower()
