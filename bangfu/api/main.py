"""The HTTP API (django-ninja): every app's router under /api/, one error shape for all.

Errors answer ``{"code": <machine code>, "message": <words for a person, in the request's
language>}``; a record outside the caller's places is ``not_found``, the same as a missing one.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from bangfu.accounts.api import router as accounts_router
from bangfu.core.api import router as core_router
from bangfu.core.errors import DomainError, NotPermitted

from .auth import API_AUTH

api = NinjaAPI(
    title="bangfu API",
    version="1",
    description=_("Pairing assistance and relapse-prevention monitoring."),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", accounts_router)
api.add_router("/", core_router)


def _error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found, or you may not see it."))


@api.exception_handler(DomainError)
def refused(request, exc: DomainError):
    status = 403 if isinstance(exc, NotPermitted) else 400
    return _error(request, status, exc.code, str(exc.message), field=exc.field)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, exc):
    return _error(
        request, 401, "not_authenticated", _("Sign in, or send a valid API token (Bearer).")
    )


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    return _error(
        request, 422, "invalid", _("Some fields are missing or malformed."), errors=exc.errors
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))
