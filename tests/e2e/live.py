"""The browser tests' live server, and a test's own writes taken in turn with its requests."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.servers.basehttp import ThreadedWSGIServer


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time. On SQLite the tests' database is in
    memory and every request thread shares the test's one connection: two requests at once
    (a phone page's send while its service worker fetches the pages it keeps) collide on it
    ("cannot start a transaction within a transaction") and the page waits in vain. Browsers
    still open several connections; only the application's work is taken in turn, its body
    read before the next begins (a streamed body may read the database too)."""

    # Connections accepted and not yet closed, across the live server's threads: a test's
    # teardown empties the database, and must not begin while a request the browser sent
    # just before its context closed (a service worker keeping pages) is still reading it.
    _in_flight = 0
    _idle = threading.Condition()

    def process_request(self, request, client_address):
        with OneRequestAtATime._idle:
            OneRequestAtATime._in_flight += 1
        super().process_request(request, client_address)

    def close_request(self, request):
        super().close_request(request)
        with OneRequestAtATime._idle:
            OneRequestAtATime._in_flight -= 1
            OneRequestAtATime._idle.notify_all()

    @classmethod
    def wait_until_idle(cls, timeout: float = 30) -> None:
        with cls._idle:
            if not cls._idle.wait_for(lambda: cls._in_flight == 0, timeout):
                raise AssertionError(f"the live server still holds {cls._in_flight} connection(s)")

    # Held while the application answers a request, or while a test writes (between_requests).
    _turn = threading.Lock()

    def set_app(self, application):
        def in_turn(environ, start_response):
            with OneRequestAtATime._turn:
                response = application(environ, start_response)
                try:
                    body = b"".join(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()
            return [body]

        super().set_app(in_turn)


@contextmanager
def between_requests() -> Iterator[None]:
    """A test's own write while the browser may still be fetching (a service worker keeping
    pages): made while the live server answers nothing. The test and the requests share one
    connection, and with it one transaction state; a write in the middle of a request's would
    run inside it."""
    with OneRequestAtATime._turn:
        yield
