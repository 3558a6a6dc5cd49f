"""ID numbers and bank accounts in what an import reports: masked as the registry masks them.

A problem's value and its reason (which may quote the number: "ID number 6101…: the check
digit does not match") are masked with the reader's policy (``privacy.id_shown_head`` and
``_tail``, ``registry.selectors.id_mask_for``) before they are kept: the problem list is a
list, and the registry's lists show numbers masked even to those who may see them whole.
The error workbook masks the same columns' cells unless a holder of the right asks for them
whole, which is audited like an export with full ID numbers.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from bangfu.core import idnumbers

if TYPE_CHECKING:  # households reads MASKED from here
    from .households import RowProblem

# Column keys of the household and pairing sheets that hold ID numbers or bank accounts.
MASKED = frozenset({"id_number", "bank_account", "head_id_number", "helper_id_number"})

Hide = Callable[[str], str]
QUOTED_AT_LEAST = 6


def secrets_of(*values: object) -> tuple[str, ...]:
    """The forms a number may take in a message: as written, and as the ID rules
    normalise it (full-width digits, spaces, a lowercase x)."""
    found: list[str] = []
    for value in values:
        if value is None or value == "":
            continue
        for form in (str(value), idnumbers.normalise(str(value))):
            if form and form not in found:
                found.append(form)
    return tuple(found)


def masked(problem: "RowProblem", hide: Hide) -> "RowProblem":
    """``problem`` with the numbers it holds masked, in its value and in its reason."""
    secrets = set(problem.secrets)
    if problem.key in MASKED:
        secrets.update(secrets_of(problem.value))
    if not secrets:
        return problem
    reason = problem.reason
    # Longest first: a number's normalised form may be part of the form written. A few
    # characters identify no one, and replacing them would garble the sentence.
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= QUOTED_AT_LEAST:
            reason = reason.replace(secret, hide(secret))
    value = hide(problem.value) if problem.key in MASKED and problem.value else problem.value
    return replace(problem, value=value, reason=reason, secrets=())
