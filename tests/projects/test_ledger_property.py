"""Any sequence of allocations, payments and reversals, each either done or refused, keeps
the ledger whole: the balances equal a recomputation from the entries, paid never exceeds
allocated from any source, and a refused write leaves nothing behind."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bangfu.core.errors import DomainError
from bangfu.projects import selectors
from bangfu.projects.models import LedgerEntry, Stage
from bangfu.projects.services import allocation_record, entry_reverse, payment_record

DAY = datetime.date(2026, 6, 1)
SOURCES = ("1", "2", "3")
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
WRITES = st.lists(
    st.one_of(
        st.tuples(st.just("allocate"), st.sampled_from(SOURCES), AMOUNTS),
        st.tuples(st.just("pay"), st.sampled_from(SOURCES), AMOUNTS),
        # A payment as large as what is left, so that exact exhaustion is tried too.
        # Reverse the n-th entry recorded so far (modulo their number).
        st.tuples(st.just("reverse"), st.integers(0, 50), st.just(Decimal(0))),
    ),
    max_size=25,
)


def recomputed(project) -> dict[str, tuple[Decimal, Decimal]]:
    """(allocated, paid) per source, added up in Python from every entry."""
    sums: dict[str, list[Decimal]] = {}
    for entry in LedgerEntry.objects.filter(project=project).select_related("source"):
        row = sums.setdefault(entry.source.value, [Decimal(0), Decimal(0)])
        row[0 if entry.kind == "allocation" else 1] += entry.amount
    return {source: (row[0], row[1]) for source, row in sums.items()}


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=WRITES)
def test_balances_equal_the_entries_and_never_overspend(today, make_project, county_admin, writes):
    with transaction.atomic():
        project = make_project(stage=Stage.STARTED)
        for kind, source, amount in writes:
            count = LedgerEntry.objects.count()
            try:
                if kind == "allocate":
                    allocation_record(
                        actor=county_admin,
                        project_id=project.pk,
                        source=source,
                        amount=amount,
                        day=DAY,
                    )
                elif kind == "pay":
                    payment_record(
                        actor=county_admin,
                        project_id=project.pk,
                        source=source,
                        amount=amount,
                        day=DAY,
                    )
                elif count:
                    entry = LedgerEntry.objects.order_by("pk")[source % count]
                    entry_reverse(actor=county_admin, entry_id=entry.pk, day=DAY, reason="更正")
            except DomainError:
                assert LedgerEntry.objects.count() == count  # refused: nothing written
            rows = {row.source.value: row for row in selectors.balances(project)}
            expected = recomputed(project)
            assert set(expected) <= set(rows)  # every source with an entry, and the planned
            for source, row in rows.items():
                assert (row.allocated, row.paid) == expected.get(source, (0, 0))
            for row in rows.values():
                assert 0 <= row.paid <= row.allocated
                assert row.balance == row.allocated - row.paid
        listed = selectors.ledger_entries(county_admin)
        everything = recomputed(project).values()
        assert listed.allocated == sum((a for a, _p in everything), Decimal(0))
        assert listed.paid == sum((p for _a, p in everything), Decimal(0))
        transaction.set_rollback(True)
