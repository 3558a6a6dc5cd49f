import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from bangfu.core import audit
from bangfu.core.models import AuditEntry, AuditHead


def write_entries(actor, n=4):
    with transaction.atomic():
        for i in range(n):
            audit.record(
                actor=actor,
                action="test.write",
                object_type="test",
                object_id=str(i),
                region_code="611103000000",
                before={"value": i},
                after={"value": i + 1, "名称": "石桥村"},
            )
    return list(AuditEntry.objects.order_by("seq"))


def test_entries_are_numbered_and_chained(county_admin):
    entries = write_entries(county_admin)
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert audit.verify_chain() == (4, None)


@pytest.mark.django_db(transaction=True)
def test_an_entry_outside_a_transaction_is_refused(county_admin):
    with pytest.raises(RuntimeError):
        audit.record(actor=county_admin, action="test.write", object_type="t", object_id="1")


def test_an_edited_entry_is_detected(county_admin):
    write_entries(county_admin)
    AuditEntry.objects.filter(seq=2).update(after={"value": 999})
    checked, broken = audit.verify_chain()
    assert (checked, broken.seq) == (1, 2)
    assert "内容被修改" in broken.reason


def test_a_deleted_entry_is_detected(county_admin):
    write_entries(county_admin)
    AuditEntry.objects.filter(seq=3).delete()
    checked, broken = audit.verify_chain()
    assert (checked, broken.seq) == (2, 3)


def test_a_deleted_last_entry_is_detected(county_admin):
    write_entries(county_admin)
    AuditEntry.objects.filter(seq=4).delete()
    assert audit.verify_chain()[1].seq == 4


def test_an_entry_inserted_out_of_band_is_detected(county_admin):
    entries = write_entries(county_admin)
    forged = entries[-1]
    forged.seq, forged.prev_hash, forged.action = 5, forged.hash, "test.forged"
    AuditEntry.objects.bulk_create([forged])
    checked, broken = audit.verify_chain()
    assert broken.seq == 5


def test_an_entry_inserted_in_the_middle_is_detected(county_admin):
    entries = write_entries(county_admin)
    # Shift the tail up by one and slip a copy in at 3, as someone editing the table would.
    for entry in reversed(entries[2:]):
        AuditEntry.objects.filter(seq=entry.seq).update(seq=entry.seq + 1)
    AuditHead.objects.filter(pk=1).update(last_seq=5)
    inserted = entries[1]
    inserted.seq = 3
    AuditEntry.objects.bulk_create([inserted])
    assert audit.verify_chain()[1].seq == 3


def test_verify_audit_command_names_the_broken_entry(county_admin, capsys):
    write_entries(county_admin)
    call_command("verify_audit")
    assert "4" in capsys.readouterr().out
    AuditEntry.objects.filter(seq=2).update(actor_name="someone else")
    with pytest.raises(CommandError, match="2"):
        call_command("verify_audit")


def test_a_rolled_back_write_leaves_no_entry(county_admin):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit.record(actor=county_admin, action="test.write", object_type="t", object_id="1")
        1 / 0  # noqa: B018
    assert not AuditEntry.objects.exists()
    assert audit.verify_chain() == (0, None)


def test_normalise_gives_what_a_json_round_trip_gives():
    """The audit log hashes normalised states; the fast path must equal the round trip."""
    import datetime
    import json
    from decimal import Decimal

    from django.core.serializers.json import DjangoJSONEncoder
    from hypothesis import given
    from hypothesis import strategies as st

    from bangfu.core.audit import normalise

    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(),
        st.dates(),
        st.datetimes(timezones=st.just(datetime.UTC)),
        st.decimals(allow_nan=False, allow_infinity=False),
    )
    values = st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.tuples(inner, inner)
            | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        ),
        max_leaves=12,
    )

    @given(values)
    def check(value):
        assert normalise(value) == json.loads(json.dumps(value, cls=DjangoJSONEncoder))

    check()
    assert normalise({"d": Decimal("1.50")}) == {"d": "1.50"}
