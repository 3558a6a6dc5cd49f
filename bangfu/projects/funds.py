"""The funds ledger's one rule (资金台账): from each source, a project may not have paid out
more than was allocated to it. The service that records one entry and the import of a finance
sheet both hold every change to it, so both refuse the same way, with the amounts."""

from decimal import Decimal

from django.utils.translation import gettext as _

from bangfu.core.errors import DomainError

CENT = Decimal("0.01")


def cents(total: Decimal | None) -> Decimal:
    """A sum of amounts as yuan and fen: SQLite adds decimals as floating point
    (0.00999999999999979 for 0.01), so every sum the ledger reads is rounded to the fen it
    must be; none is 0."""
    return Decimal(total or 0).quantize(CENT)


def yuan(amount: Decimal) -> str:
    """An amount as the ledgers write it: 1,234,567.80."""
    return f"{amount:,.2f}"


def refuse_overspend(
    *, project: str, source: str, allocated: Decimal, paid: Decimal, field: str = "amount"
) -> None:
    """Refuse a ledger whose payments from ``source`` (its label) on ``project`` (its number)
    would exceed what was allocated from it, naming both amounts and what is missing."""
    if paid <= allocated:
        return
    raise DomainError(
        _(
            "Project %(project)s, %(source)s: payments would come to %(paid)s yuan but only "
            "%(allocated)s yuan is allocated from this source, %(over)s yuan too much. Record "
            "the allocation (下达) first, or pay less."
        )
        % {
            "project": project,
            "source": source,
            "paid": yuan(paid),
            "allocated": yuan(allocated),
            "over": yuan(paid - allocated),
        },
        code="overspent",
        field=field,
    )
