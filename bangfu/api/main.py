"""The HTTP API (django-ninja): every app's router under /api/, one error shape for all.

Errors answer ``{"code": <machine code>, "message": <words for a person, in the request's
language>}``; a record outside the caller's places is ``not_found``, the same as a missing one.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from bangfu.accounts.api import router as accounts_router
from bangfu.checks.api.differences import router as differences_router
from bangfu.checks.api.reports import router as check_reports_router
from bangfu.checks.api.snapshots import router as snapshots_router
from bangfu.core.api import router as core_router
from bangfu.core.errors import DomainError
from bangfu.health.api import router as health_router
from bangfu.monitoring.api import router as monitoring_router
from bangfu.pairing.api import router as pairing_router
from bangfu.plans.api import router as plans_router
from bangfu.projects.api.assistance import router as assistance_router
from bangfu.projects.api.ledger import router as ledger_router
from bangfu.projects.api.library import router as project_library_router
from bangfu.registry.api import router as registry_router
from bangfu.supervision.api.bulletins import router as supervision_bulletins_router
from bangfu.supervision.api.findings import router as supervision_findings_router
from bangfu.supervision.api.rounds import router as supervision_rounds_router
from bangfu.supervision.api.scores import router as supervision_scores_router
from bangfu.supervision.api.surveys import router as supervision_surveys_router
from bangfu.teams.api.admin import router as teams_admin_router
from bangfu.teams.api.checkins import router as check_ins_router
from bangfu.teams.api.leave import router as teams_leave_router
from bangfu.teams.api.residence import router as teams_residence_router
from bangfu.teams.api.work import router as teams_work_router
from bangfu.visits.api import router as visits_router

from .auth import API_AUTH


class ChineseJSONRenderer(JSONRenderer):
    # Chinese as characters, not \u escapes: readable in logs and half the bytes on a phone.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="bangfu API",
    version="1",
    description="帮扶 — pairing assistance and relapse-prevention monitoring.",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=ChineseJSONRenderer(),
)
api.add_router("/", accounts_router)
api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", pairing_router)
api.add_router("/", visits_router)
api.add_router("/", teams_leave_router)
api.add_router("/", teams_residence_router)
api.add_router("/", teams_work_router)
api.add_router("/", check_ins_router)
api.add_router("/", teams_admin_router)
api.add_router("/", health_router)
api.add_router("/", plans_router)
api.add_router("/", monitoring_router)
api.add_router("/", snapshots_router)
api.add_router("/", differences_router)
api.add_router("/", check_reports_router)
api.add_router("/", ledger_router)
api.add_router("/", assistance_router)
# Last of the projects' routers: its /projects/{project_id} would otherwise take the others'
# /projects/assets, /projects/donations… (addresses are tried in the order added).
api.add_router("/", project_library_router)
api.add_router("/", supervision_rounds_router)
api.add_router("/", supervision_findings_router)
api.add_router("/", supervision_surveys_router)
api.add_router("/", supervision_scores_router)
api.add_router("/", supervision_bulletins_router)


def _error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found, or you may not see it."))


@api.exception_handler(DomainError)
def refused(request, exc: DomainError):
    return _error(request, 400, exc.code, str(exc.message), field=exc.field)


@api.exception_handler(PermissionDenied)
def not_permitted(request, exc):
    return _error(request, 403, "not_permitted", _("Your role does not include this."))


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
