from django.urls import include, path
from django.views.i18n import set_language

from bangfu.api.main import api
from bangfu.core.scoping import public

urlpatterns = [
    path("", include("bangfu.core.urls")),
    path("accounts/", include("bangfu.accounts.urls")),
    path("households/", include("bangfu.registry.urls")),
    path("excel/", include("bangfu.exchange.urls")),
    path("pairing/", include("bangfu.pairing.urls")),
    path("visits/", include("bangfu.visits.urls")),
    path("teams/", include("bangfu.teams.urls")),
    path("health/", include("bangfu.health.urls")),
    path("plans/", include("bangfu.plans.urls")),
    path("monitoring/", include("bangfu.monitoring.urls")),
    path("checks/", include("bangfu.checks.urls")),
    path("projects/", include("bangfu.projects.urls")),
    path("supervision/", include("bangfu.supervision.urls")),
    path("reports/", include("bangfu.reports.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/", api.urls),
]

# A malformed query parameter (core.params.BadParameter) is answered in the shared layout.
handler400 = "bangfu.core.views.bad_request"
