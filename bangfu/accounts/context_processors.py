from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bangfu.core.capabilities import Capability

# (label, url name, capability needed or None for everyone signed in)
NAVIGATION = [
    (_("Home"), "core:home", None),
    (_("Dashboard"), "reports:dashboard", None),
    (_("Households"), "registry:household_list", None),
    (_("My households"), "visits:mine", None),
    (_("Pairing"), "pairing:coverage", None),
    (_("Visits"), "visits:compliance", None),
    (_("Excel import"), "exchange:import_list", Capability.EDIT_REGISTRY),
    (_("Users"), "accounts:user_list", Capability.MANAGE_USERS),
    (_("Audit log"), "core:audit_log", Capability.VIEW_AUDIT),
    (_("Data issues"), "core:data_issues", Capability.RESOLVE_DATA_ISSUES),
    (_("Code lists"), "core:code_lists", Capability.EDIT_CODE_LISTS),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_items": [], "capabilities": frozenset()}
    capabilities = frozenset(c for c in Capability if user.has_capability(c))
    items = [
        (label, reverse(name), request.resolver_match and request.resolver_match.view_name == name)
        for label, name, needed in NAVIGATION
        if needed is None or needed in capabilities
    ]
    return {"nav_items": items, "capabilities": capabilities}
