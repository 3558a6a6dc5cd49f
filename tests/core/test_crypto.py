"""The national cryptography profile (国密): the primitives against their standard vectors,
sealing and look-ups under both profiles, and a rotation intl → gm while the registry is
written to, with the audit chain verified across the switch."""

import io

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.management import CommandError, call_command

from bangfu.core import rotation
from bangfu.core.audit import _CHAINED, GENESIS, SWITCH, _chain_hash, verify_chain
from bangfu.core.errors import DomainError
from bangfu.core.models import AuditEntry, AuditHead
from bangfu.core.protection import (
    AuditKeyMissing,
    SealBroken,
    audit_key_id,
    keyed_hash,
    lookup_hash,
    lookup_hashes,
    seal,
    sealed_currently,
    unseal,
)
from bangfu.registry.models import Household, Member
from bangfu.registry.selectors import HouseholdFilters, households
from bangfu.registry.services import household_register, member_add
from tests.registry.conftest import first_status, household_input, id_number, member_input

SM4_KEY = "0123456789abcdeffedcba9876543210"
NEW_SM4_KEY = "00112233445566778899aabbccddeeff"


def _sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def test_sm3_gives_the_standard_vectors_of_gb_t_32905():
    assert _sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert _sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_sm4_gives_the_standard_vector_of_gb_t_32907():
    # Example 1 of the standard: one block, key = plaintext. ECB only as a check of the
    # primitive; sealing uses GCM.
    key = bytes.fromhex(SM4_KEY)
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (encryptor.update(key) + encryptor.finalize()).hex() == (
        "681edf34d206965e86b3e94f536e4246"
    )


def test_sm4_gcm_gives_the_vector_of_rfc_8998():
    encryptor = Cipher(
        algorithms.SM4(bytes.fromhex(SM4_KEY)), modes.GCM(bytes.fromhex("00001234567800000000abcd"))
    ).encryptor()
    encryptor.authenticate_additional_data(
        bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    )
    plain = bytes.fromhex("".join(c * 16 for c in "abcdefea"))
    sealed = encryptor.update(plain) + encryptor.finalize()
    assert sealed.hex() == (
        "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
        "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
    )
    assert encryptor.tag.hex() == "83de3541e4c2b58177e065a9bf7b62ec"


@pytest.mark.parametrize(
    "key", ["k", "x" * 64, "y" * 100]
)  # shorter, equal to, longer than a block
def test_hmac_sm3_is_hmac_by_its_definition_with_sm3(key):
    # RFC 2104 written out over SM3 (64-byte blocks), apart from OpenSSL's HMAC.
    raw = key.encode()
    block = (_sm3(raw) if len(raw) > 64 else raw).ljust(64, b"\0")
    inner = _sm3(bytes(b ^ 0x36 for b in block) + b"610118199001011234")
    outer = _sm3(bytes(b ^ 0x5C for b in block) + inner)
    assert keyed_hash("gm", key, "610118199001011234") == outer.hex()
    assert keyed_hash("intl", key, "610118199001011234") != outer.hex()


@pytest.fixture
def gm(settings):
    settings.SM4_KEYS = [SM4_KEY]
    settings.CRYPTO_PROFILE = "gm"
    return settings


def test_each_profile_seals_in_its_own_form_and_opens_the_others(settings):
    settings.SM4_KEYS = [SM4_KEY]
    fernet = seal("610118199001011234")
    assert fernet.startswith("gAAAAA") and sealed_currently(fernet)
    settings.CRYPTO_PROFILE = "gm"
    sm4 = seal("610118199001011234")
    assert sm4.startswith("sm4.") and sealed_currently(sm4) and not sealed_currently(fernet)
    assert unseal(sm4) == unseal(fernet) == "610118199001011234"
    assert seal("610118199001011234") != sm4  # a fresh nonce each time
    # A new SM4 key first: it seals, the old one still opens what it sealed.
    settings.SM4_KEYS = [NEW_SM4_KEY, SM4_KEY]
    assert unseal(sm4) == "610118199001011234" and not sealed_currently(sm4)
    assert seal("x").split(".")[1] != sm4.split(".")[1]  # says which key sealed it
    settings.SM4_KEYS = [NEW_SM4_KEY]
    with pytest.raises(SealBroken):
        unseal(sm4)  # its key removed
    settings.SM4_KEYS = [SM4_KEY]
    prefix, kid, body = sm4.split(".")
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    with pytest.raises(SealBroken):
        unseal(f"{prefix}.{kid}.{flipped}")


def test_look_ups_ask_for_both_hashes_only_while_a_rotation_runs(settings):
    intl = lookup_hash("610118199001011234")
    assert lookup_hashes("610118199001011234") == [intl]
    settings.CRYPTO_PROFILE, settings.CRYPTO_PREVIOUS = "gm", "intl"
    gm_hash = lookup_hash("610118199001011234")
    assert gm_hash == keyed_hash("gm", settings.LOOKUP_KEY, "610118199001011234") != intl
    assert lookup_hashes("610118199001011234") == [gm_hash, intl]
    settings.CRYPTO_PREVIOUS = ""
    assert lookup_hashes("610118199001011234") == [gm_hash]


def _register(actor, number: str, people: list[tuple[str, str, str]]) -> Household:
    members = [
        member_input(
            name=name, id_number=id_number(born, serial), relation="01" if i == 0 else "02"
        )
        for i, (name, born, serial) in enumerate(people)
    ]
    return household_register(
        actor=actor,
        household=household_input(number=number),
        members=members,
        status=first_status(),
    )


def _all_under_gm() -> bool:
    return all(
        m.id_number_sealed.startswith("sm4.")
        and m.id_number_hash == lookup_hash(unseal(m.id_number_sealed))
        for m in Member.objects.all()
    ) and all(h.bank_account_sealed.startswith("sm4.") for h in Household.objects.all())


def test_a_rotation_to_gm_while_the_registry_is_written_to(county_admin, settings):
    first = _register(
        county_admin,
        "6111030022010001",
        [("马建国", "19650312", "001"), ("李秀英", "19680806", "002")],
    )
    _register(county_admin, "6111030022010002", [("王小明", "19700101", "003")])
    settings.SM4_KEYS = [SM4_KEY]
    settings.CRYPTO_PROFILE, settings.CRYPTO_PREVIOUS = "gm", "intl"
    members = rotation.SealedColumn(Member, "id_number_sealed", "id_number_hash")
    assert members in rotation.sealed_columns()

    batches = rotation.rotate_column(members, size=1)
    done = [next(batches)]
    # One member rotated, two not: a write lands under gm, and every one is still found.
    member_add(
        actor=county_admin,
        household_id=first.pk,
        member=member_input(name="马小红", id_number=id_number("19950505", "004"), relation="03"),
    )
    for born, serial in [("19650312", "001"), ("19700101", "003"), ("19950505", "004")]:
        found = households(county_admin, HouseholdFilters(id_number=id_number(born, serial)))
        assert len(found) == 1
    # One person, one household: a member not yet rotated cannot be registered again.
    with pytest.raises(DomainError) as refusal:
        _register(county_admin, "6111030022010003", [("王小明", "19700101", "003")])
    assert refusal.value.code == "id_number_taken"
    batches = done + list(batches)
    assert [b.rehashed for b in batches][:3] == [1, 1, 1] and batches[-1].last_pk is None
    assert Member.objects.count() == 4
    call_command("rotate_keys", stdout=io.StringIO())  # the households' accounts too
    assert _all_under_gm()
    assert AuditHead.objects.get().profile == "gm"
    switch = AuditEntry.objects.get(action=SWITCH)
    assert switch.after["profile"] == "gm"
    # The switch itself is chained under intl, every entry after it under gm.
    after_switch = _register(county_admin, "6111030022010004", [("赵四", "19800808", "005")])
    assert after_switch.pk
    entry = AuditEntry.objects.get(action="household.register", object_id=str(after_switch.pk))
    assert entry.seq > switch.seq
    assert entry.hash == _chain_hash([getattr(entry, n) for n in _CHAINED], ("gm", audit_key_id()))
    assert switch.hash == _chain_hash(
        [getattr(switch, n) for n in _CHAINED], ("intl", audit_key_id())
    )
    checked, broken = verify_chain()
    assert broken is None and checked == AuditEntry.objects.count()
    # The rotation done, the previous scheme is dropped from settings: still found.
    settings.CRYPTO_PREVIOUS = ""
    assert (
        len(households(county_admin, HouseholdFilters(id_number=id_number("19650312", "001")))) == 1
    )
    with pytest.raises(DomainError):
        _register(county_admin, "6111030022010005", [("马建国", "19650312", "001")])
    # Running it again finds nothing to do and records nothing.
    call_command("rotate_keys", stdout=io.StringIO())
    assert AuditEntry.objects.filter(action=SWITCH).count() == 1


def test_a_tampered_entry_after_the_switch_is_found_even_rehashed_under_intl(county_admin, gm):
    _register(county_admin, "6111030022010001", [("马建国", "19650312", "001")])
    gm.CRYPTO_PREVIOUS = "intl"
    call_command("rotate_keys", stdout=io.StringIO())
    _register(county_admin, "6111030022010002", [("王小明", "19700101", "003")])
    entry = AuditEntry.objects.order_by("-seq").first()
    # Someone holding the audit key forges the last entry under the profile left behind.
    entry.after = {**entry.after, "number": "6111030022019999"}
    entry.hash = _chain_hash([getattr(entry, n) for n in _CHAINED], ("intl", audit_key_id()))
    AuditEntry.objects.filter(pk=entry.pk).update(after=entry.after, hash=entry.hash)
    AuditHead.objects.filter(pk=1).update(last_hash=entry.hash)
    checked, broken = verify_chain()
    assert broken is not None and broken.seq == entry.seq
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=io.StringIO())


def test_a_rotation_without_the_previous_scheme_is_refused_writing_nothing(county_admin, gm):
    gm.CRYPTO_PROFILE = "intl"
    _register(county_admin, "6111030022010001", [("马建国", "19650312", "001")])
    before = list(Member.objects.values_list("id_number_sealed", "id_number_hash"))
    gm.CRYPTO_PROFILE = "gm"  # BANGFU_CRYPTO_PREVIOUS forgotten: look-ups miss intl rows
    with pytest.raises(CommandError, match="BANGFU_CRYPTO_PREVIOUS"):
        call_command("rotate_keys", stdout=io.StringIO())
    assert list(Member.objects.values_list("id_number_sealed", "id_number_hash")) == before
    assert not AuditEntry.objects.filter(action__startswith="crypto.").exists()


def test_a_new_sm4_key_re_seals_without_touching_the_hashes(county_admin, gm):
    _register(county_admin, "6111030022010001", [("马建国", "19650312", "001")])
    hashes_before = list(Member.objects.values_list("id_number_hash", flat=True))
    gm.SM4_KEYS = [NEW_SM4_KEY, SM4_KEY]
    call_command("rotate_keys", stdout=io.StringIO())
    assert list(Member.objects.values_list("id_number_hash", flat=True)) == hashes_before
    assert all(
        sealed_currently(s) for s in Member.objects.values_list("id_number_sealed", flat=True)
    )
    gm.SM4_KEYS = [NEW_SM4_KEY]  # the old key can go now
    assert unseal(Member.objects.get().id_number_sealed) == id_number("19650312", "001")
    assert verify_chain()[1] is None


NEW_AUDIT_KEY = "5c" * 32


def _chained_under(entry: AuditEntry, mac) -> bool:
    return entry.hash == _chain_hash([getattr(entry, n) for n in _CHAINED], mac)


def test_a_new_audit_key_keys_every_entry_after_the_switch(county_admin, settings):
    _register(county_admin, "6111030022010001", [("马建国", "19650312", "001")])
    old, old_id = settings.AUDIT_KEY, audit_key_id()
    settings.AUDIT_KEY, settings.AUDIT_KEYS_PREVIOUS = NEW_AUDIT_KEY, [old]
    # Until the switch is recorded, entries are keyed with the key the head names.
    _register(county_admin, "6111030022010002", [("王小明", "19700101", "003")])
    assert _chained_under(AuditEntry.objects.order_by("-seq").first(), ("intl", old_id))
    call_command("rotate_keys", stdout=io.StringIO())
    switch = AuditEntry.objects.get(action=SWITCH)
    assert switch.after["audit_key"] == audit_key_id() != old_id
    assert _chained_under(switch, ("intl", old_id))
    _register(county_admin, "6111030022010003", [("赵四", "19800808", "005")])
    assert _chained_under(AuditEntry.objects.order_by("-seq").first(), ("intl", audit_key_id()))
    assert AuditHead.objects.get().key == audit_key_id()
    checked, broken = verify_chain()
    assert broken is None and checked == AuditEntry.objects.count()
    # The old key dropped from the settings: the entries it keyed cannot be verified, and
    # the report names the key to give back.
    settings.AUDIT_KEYS_PREVIOUS = []
    checked, broken = verify_chain()
    assert checked == 0 and broken.seq == 1 and old_id in broken.reason
    assert "BANGFU_AUDIT_KEYS_PREVIOUS" in broken.reason


def test_a_leaked_old_audit_key_cannot_rewrite_what_came_before_the_switch(county_admin, settings):
    _register(county_admin, "6111030022010001", [("马建国", "19650312", "001")])
    old, old_id = settings.AUDIT_KEY, audit_key_id()
    settings.AUDIT_KEY, settings.AUDIT_KEYS_PREVIOUS = NEW_AUDIT_KEY, [old]
    call_command("rotate_keys", stdout=io.StringIO())
    _register(county_admin, "6111030022010002", [("王小明", "19700101", "003")])
    switch = AuditEntry.objects.get(action=SWITCH)
    # Someone holding the old key changes the first registration and chains every entry up
    # to the switch again under it: the first entry under the new key no longer follows.
    prev_hash = GENESIS
    for entry in AuditEntry.objects.filter(seq__lte=switch.seq).order_by("seq"):
        if entry.action == "household.register":
            entry.after = {**entry.after, "number": "6111030022019999"}
        entry.prev_hash = prev_hash
        entry.hash = prev_hash = _chain_hash(
            [getattr(entry, n) for n in _CHAINED], ("intl", old_id)
        )
        AuditEntry.objects.filter(pk=entry.pk).update(
            after=entry.after, prev_hash=entry.prev_hash, hash=entry.hash
        )
    checked, broken = verify_chain()
    assert checked == switch.seq and broken.seq == switch.seq + 1


def test_a_write_is_refused_while_the_audit_key_the_chain_needs_is_missing(county_admin, settings):
    _register(county_admin, "6111030022010001", [("马建国", "19650312", "001")])
    entries = AuditEntry.objects.count()
    settings.AUDIT_KEY = NEW_AUDIT_KEY  # the old key not kept in BANGFU_AUDIT_KEYS_PREVIOUS
    with pytest.raises(AuditKeyMissing, match="BANGFU_AUDIT_KEYS_PREVIOUS"):
        _register(county_admin, "6111030022010002", [("王小明", "19700101", "003")])
    assert AuditEntry.objects.count() == entries
    assert not Household.objects.filter(number="6111030022010002").exists()
    with pytest.raises(CommandError, match="BANGFU_AUDIT_KEYS_PREVIOUS"):
        call_command("rotate_keys", stdout=io.StringIO())
