"""Logs a server's operators can follow: every record of a request carries its request id.

``core.middleware.RequestLogMiddleware`` puts the id (nginx's ``X-Request-ID``, or one made
here) in ``request_id`` for the time of the request; ``RequestIdFilter`` copies it onto each
log record, so Django's, the app's and the libraries' records of one request can be joined
to nginx's access log line. ``JsonFormatter`` writes one JSON object a line for a log
collector (``BANGFU_LOG_FORMAT=json``); the default text format stays readable in a terminal.

Standard library only: gunicorn's master loads this module before Django is set up.
"""

import datetime
import json
import logging
import re
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# What a proxy's or a client's request id may look like; anything else (a line break that
# would forge a log line, a 10 KB header) is replaced by an id made here.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

# The request's own fields (RequestLogMiddleware passes them as ``extra``). None of them is
# personal data: the path without its query string (which may carry a searched name) and
# the account's id, never its name.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user_id")


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id``: the id of the request being answered, or None."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, and the request's
    fields when the record has them; an exception's traceback under ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
