"""What an inspector's phone sends with an id it made (a survey, a finding recorded in the
village, offline too): recorded once however often it is sent. A second send of an id answers
with the first record (``core.services.sent_before``, ``sent_once``); the same id sent with
other details is refused, since the phone would otherwise believe something was recorded that
was not. The details are compared by a digest of what was sent (``digest``), kept with the
record (``sent_digest``)."""

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from bangfu.core.errors import DomainError
from bangfu.core.services import sent_before, sent_once

Record = TypeVar("Record")


def _plain(value: Any) -> Any:
    """A value as it is compared: mappings by their keys as text, nothing as empty, the rest
    as text (a date as 2026-11-02, an id as its digits)."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return "" if value is None else str(value)


def digest(sent: Mapping[str, Any]) -> str:
    """SHA-256 of what was sent, its keys in order: the same details give the same digest."""
    text = json.dumps(_plain(sent), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def recorded_once(
    model: Any,
    *,
    actor,
    client_id: uuid.UUID,
    sent: Mapping[str, Any],
    record: Callable[[str], Record],
    taken: str,
) -> tuple[Record, bool]:
    """(the record ``record(digest)`` makes, True), or (the one this ``client_id`` made
    before, False); refused when the id is someone else's (``taken``) or came with other
    details."""
    made = digest(sent)

    def earlier():
        found = sent_before(model, actor, client_id, taken)
        if found is not None and found.sent_digest != made:
            raise DomainError(
                _(
                    "This id was sent before with other details; what was recorded then stands. "
                    "Remove this one from the phone and record it again if it is different."
                ),
                code="client_id_reused",
                field="client_id",
            )
        return found

    return sent_once(earlier, lambda: record(made))
