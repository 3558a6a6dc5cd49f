"""``core.services.sent_once``: something made on a phone is recorded once however often it
is sent, including two sends of one id at once (the second refused by what the first wrote)."""

import pytest

from bangfu.core.errors import DomainError
from bangfu.core.services import sent_once


def test_the_first_send_records_and_a_resend_answers_with_it():
    kept: list[str] = []
    first = sent_once(lambda: kept[0] if kept else None, lambda: kept.append("closed") or "closed")
    again = sent_once(lambda: kept[0] if kept else None, lambda: pytest.fail("recorded twice"))
    assert (first, again, kept) == (("closed", True), ("closed", False), ["closed"])


def test_two_sends_at_once_the_second_refused_answers_with_the_first():
    """The second waited on the first's lock, then its checks refused (the alert closed):
    the first's record, found now, answers."""
    looks = iter([None, "closed by the first"])

    def refused():
        raise DomainError("This alert was already closed.", code="alert_closed")

    assert sent_once(lambda: next(looks), refused) == ("closed by the first", False)


def test_a_refusal_with_nothing_recorded_under_the_id_stays_a_refusal():
    def refused():
        raise DomainError("Say why the household is not at risk.", code="no_reason")

    with pytest.raises(DomainError) as error:
        sent_once(lambda: None, refused)
    assert error.value.code == "no_reason"
