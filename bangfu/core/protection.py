"""Personal data at rest (PIPL, MLPS 2.0 level 3): sealed values and keyed look-up hashes.

ID numbers and bank accounts are stored sealed with Fernet (AES-128-CBC + HMAC) so that a
copy of the database file reveals none of them; a keyed HMAC of the clean value sits beside
each, so "is this person already registered?" is one indexed equality without decrypting
anything. Keys come from the environment or are generated once into ``var/`` (see settings).
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _sealer() -> MultiFernet:
    # The first key seals; every listed key opens, so keys can be rotated without downtime.
    return MultiFernet([Fernet(key) for key in settings.FIELD_KEYS])


def seal(text: str) -> str:
    return _sealer().encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    return _sealer().decrypt(token.encode()).decode()


def lookup_hash(text: str) -> str:
    return hmac.new(settings.LOOKUP_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()
