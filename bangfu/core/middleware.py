"""Response headers that every page needs: the Content-Security-Policy and "do not store";
and the request log, with the request id on the response and on every log record.

The first two run after WhiteNoise, which answers static files itself: static files keep their
long-lived caching, and everything Django answers (pages, error pages, the API and its
docs, downloads, photos, the capture page's service worker) gets both headers.
"""

import contextlib
import ipaddress
import logging
import time
import uuid

from django.conf import settings
from django.core.signals import request_finished
from django.utils.cache import patch_cache_control

from .logs import REQUEST_ID, request_id

request_log = logging.getLogger("bangfu.request")


def build_policy(directives: dict[str, list[str]]) -> str:
    """``{"default-src": ["'self'"], ...}`` as a header value, in the form of Django 6's
    ``SECURE_CSP``, so that moving to Django 6 swaps this middleware for its own."""
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Sends ``settings.SECURE_CSP`` on every response. With no inline script or style
    allowed, markup that reaches a page through a bug or a stored value cannot run code or
    restyle it. Django 5.2 has no CSP support of its own (6.0 has)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy(settings.SECURE_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        # A view that needs a different policy sets its own; none does today.
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every response Django makes: pages and API
    answers for a signed-in person carry households, members, ID numbers, exports and
    PDFs, which must stay neither in a shared proxy nor on an office PC's disk. The pages
    of a signed-out person (sign-in, errors) gain nothing from caching, so the rule has no
    exception to get wrong. The Cache API of the capture page's service worker ignores
    this header, as it must to work offline."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response


class RequestLogMiddleware:
    """Gives each request an id and logs one line when it is answered.

    The id is nginx's ``X-Request-ID`` (``$request_id``, or the one a client sent) when it
    looks like an id, else one made here; it goes back in the response's ``X-Request-ID``
    and, through ``core.logs``, on every log record written while the request is answered.
    The line names the method, the path without its query string (a search may carry a
    name), the status, the time taken and the account's id: no personal data. First in
    ``MIDDLEWARE``, so that redirects to https and static files are logged too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        rid = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        # Kept until the response is closed (request_finished, below), not reset on the way
        # out of here: Django logs a 4xx or 5xx ("Not Found: …") after the last middleware.
        request_id.set(rid)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response


def _request_over(**kwargs) -> None:
    request_id.set(None)  # what the process logs between requests belongs to none


request_finished.connect(_request_over, dispatch_uid="bangfu.core.middleware.request_over")


def _user_id(request) -> int | None:
    """The account answered for: signed in (``request.user``) or by an API token
    (django-ninja's ``request.auth``)."""
    for user in (getattr(request, "auth", None), getattr(request, "user", None)):
        if getattr(user, "is_authenticated", False):
            return user.pk
    return None


class ProxiedClientAddressMiddleware:
    """Behind nginx (``BANGFU_BEHIND_PROXY``), ``REMOTE_ADDR`` is the client's address as
    nginx saw it (``X-Real-IP``, which nginx always sets), not nginx's: over gunicorn's unix
    socket it would be empty for everyone, and the self-report page's limit per address
    would then count the whole province as one address. Only nginx reaches the socket, so
    the header cannot come from anyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = request.headers.get("X-Real-IP", "")
        # Without the header (a request not through nginx) the socket's address stays.
        with contextlib.suppress(ValueError):
            request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(address))
        return self.get_response(request)
