"""Personal data at rest (PIPL, MLPS 2.0 level 3): sealed values and keyed look-up hashes.

ID numbers and bank accounts are stored sealed so that a copy of the database file reveals
none of them; a keyed hash of the clean value sits beside each (``<name>_sealed`` beside
``<name>_hash``), so "is this person already registered?" is one indexed equality without
decrypting anything. Keys come from the environment or are generated once into ``var/``.

Two profiles, chosen by ``settings.CRYPTO_PROFILE`` (``BANGFU_CRYPTO``):

- ``intl``: Fernet (AES-128-CBC + HMAC-SHA256) under ``FIELD_KEYS``; HMAC-SHA256 look-ups
  and audit chain. A sealed value is a bare Fernet token (as every value sealed before the
  profiles existed).
- ``gm`` (国密, GB/T 39786): SM4-GCM under ``SM4_KEYS``; HMAC-SM3 look-ups and audit chain.
  A sealed value reads ``sm4.<key id>.<nonce|ciphertext|tag, base64url>``, the key id
  naming which of ``SM4_KEYS`` sealed it.

Reading accepts both forms under every configured key, whatever the profile, so that
``manage.py rotate_keys`` can re-seal row by row while the application serves. A look-up
scheme is a profile's MAC with a key; while ``CRYPTO_PREVIOUS`` or ``LOOKUP_KEY_PREVIOUS``
names another scheme than the current one, rows may carry either hash and every look-up
asks for both (``lookup_hashes``, ``aliases``); new hashes are always the current scheme's.
"""

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as openssl_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

PROFILES = ("intl", "gm")
SM4_PREFIX = "sm4."
_NONCE, _TAG = 12, 16


class SealBroken(ValueError):
    """A sealed value no configured key opens (a key removed too early, or a damaged value)."""


def keyed_hash(profile: str, key: str, text: str) -> str:
    """The profile's HMAC (SHA-256 or SM3) of ``text`` under ``key``, in hex."""
    if profile == "gm":
        mac = openssl_hmac.HMAC(key.encode(), hashes.SM3())
        mac.update(text.encode())
        return mac.finalize().hex()
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A short public name of a secret key: 8 hex digits of its HMAC-SM3 over a fixed label."""
    mac = openssl_hmac.HMAC(key, hashes.SM3())
    mac.update(b"bangfu key id")
    return mac.finalize().hex()[:8]


@cache
def _kid(key: str) -> str:
    """``key_id`` of a key given as text (asked for at every audit entry)."""
    return key_id(key.encode())


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    # The first key seals; every listed key opens.
    return MultiFernet([Fernet(key) for key in keys])


@cache
def _sm4_keys(keys: tuple[str, ...]) -> dict[str, bytes]:
    """The SM4 keys by key id, the sealing one first."""
    return {key_id(raw): raw for raw in (bytes.fromhex(key) for key in keys)}


def _sm4_seal(text: str) -> str:
    kid, key = next(iter(_sm4_keys(tuple(settings.SM4_KEYS)).items()))
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(text.encode()) + encryptor.finalize()
    return f"{SM4_PREFIX}{kid}.{base64.urlsafe_b64encode(nonce + body + encryptor.tag).decode()}"


def _sm4_open(token: str) -> str:
    _prefix, kid, data = token.split(".", 2)
    key = _sm4_keys(tuple(settings.SM4_KEYS)).get(kid)
    if key is None:
        raise SealBroken(f"no SM4 key {kid} is configured")
    raw = base64.urlsafe_b64decode(data)
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as broken:
        raise SealBroken("an SM4 sealed value does not authenticate") from broken


def seal(text: str) -> str:
    """``text`` sealed under the current profile's first key."""
    if settings.CRYPTO_PROFILE == "gm":
        return _sm4_seal(text)
    return _fernet(tuple(settings.FIELD_KEYS)).encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    """The clean value of a value sealed under either profile with any configured key."""
    if token.startswith(SM4_PREFIX):
        return _sm4_open(token)
    try:
        return _fernet(tuple(settings.FIELD_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken as broken:
        raise SealBroken("no Fernet key of FIELD_KEYS opens a sealed value") from broken


def sealed_currently(token: str) -> bool:
    """Whether ``token`` is sealed as ``seal`` seals now (profile and first key)."""
    if settings.CRYPTO_PROFILE == "gm":
        first = next(iter(_sm4_keys(tuple(settings.SM4_KEYS))))
        return token.startswith(f"{SM4_PREFIX}{first}.")
    if token.startswith(SM4_PREFIX):
        return False
    try:
        Fernet(settings.FIELD_KEYS[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _schemes() -> list[tuple[str, str]]:
    """The look-up schemes rows may carry now: the current one first, then the previous one
    while a rotation runs."""
    current = (settings.CRYPTO_PROFILE, settings.LOOKUP_KEY)
    previous = (
        settings.CRYPTO_PREVIOUS or settings.CRYPTO_PROFILE,
        settings.LOOKUP_KEY_PREVIOUS or settings.LOOKUP_KEY,
    )
    return [current] if previous == current else [current, previous]


def lookup_hash(text: str) -> str:
    """The keyed hash a row holding ``text`` is given now (the current scheme's)."""
    return keyed_hash(settings.CRYPTO_PROFILE, settings.LOOKUP_KEY, text)


def lookup_scheme() -> str:
    """The scheme ``lookup_hash`` hashes under now, named by key id (never the key)."""
    return f"{settings.CRYPTO_PROFILE}:{_kid(settings.LOOKUP_KEY)}"


def lookup_hashes(text: str) -> list[str]:
    """Every hash a row holding ``text`` may carry now, the current one first: what a
    look-up asks for (``field__in=``) so that it finds the row mid-rotation too."""
    return [keyed_hash(profile, key, text) for profile, key in _schemes()]


def aliases(texts: Iterable[str]) -> dict[str, str]:
    """Every hash a row holding one of ``texts`` may carry → the current hash of its text:
    a bulk look-up asks for the keys and files what it finds under the values."""
    found: dict[str, str] = {}
    for text in texts:
        current, *older = lookup_hashes(text)
        found[current] = current
        found.update(dict.fromkeys(older, current))
    return found


def rotating() -> bool:
    """Whether settings name a previous look-up scheme (a rotation under way)."""
    return len(_schemes()) > 1


class AuditKeyMissing(LookupError):
    """The audit chain is keyed, at some entry, with a key the settings do not give."""

    def __init__(self, kid: str) -> None:
        super().__init__(
            f"the audit chain is keyed with audit key {kid}, which the settings do not give: "
            "set BANGFU_AUDIT_KEY to it, or add it to BANGFU_AUDIT_KEYS_PREVIOUS"
        )
        self.kid = kid


def audit_key_id() -> str:
    """The key id of the current audit key (``AUDIT_KEY``), which new chains start with."""
    return _kid(settings.AUDIT_KEY)


def audit_key(kid: str) -> str:
    """The audit key of id ``kid``: the current one or one of ``AUDIT_KEYS_PREVIOUS``."""
    for key in (settings.AUDIT_KEY, *settings.AUDIT_KEYS_PREVIOUS):
        if _kid(key) == kid:
            return key
    raise AuditKeyMissing(kid)


def fingerprints() -> dict[str, str]:
    """What the keys in force are, by key id (never the keys): the profile, the sealing key,
    the look-up key and the audit key, as the audit log's ``crypto.switch`` entries record
    them."""
    if settings.CRYPTO_PROFILE == "gm":
        seal_key = key_id(bytes.fromhex(settings.SM4_KEYS[0]))
    else:
        seal_key = _kid(settings.FIELD_KEYS[0])
    return {
        "profile": settings.CRYPTO_PROFILE,
        "seal_key": seal_key,
        "lookup_key": _kid(settings.LOOKUP_KEY),
        "audit_key": audit_key_id(),
    }
