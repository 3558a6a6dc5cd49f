from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bangfu.core.capabilities import Capability

READS, HELPS = "reads", "helps"  # the role reads its places' figures; the role is a helper's

# (label, url name, what it takes: None for everyone signed in, a capability, or what the
# role works with). The navigation offers each person what their role uses and nothing it
# cannot use: a leader reads figures and lists, a pair helper works with their households.
NAVIGATION = [
    (_("Home"), "core:home", None),
    (_("Dashboard"), "reports:dashboard", READS),
    (_("Households"), "registry:household_list", READS),
    (_("My households"), "visits:mine", HELPS),
    (_("Log a visit"), "visits:capture", HELPS),
    (_("Pairing"), "pairing:coverage", READS),
    (_("Visits"), "visits:compliance", READS),
    (_("Residence days"), "teams:residence", READS),
    (_("Leave"), "teams:leave_mine", READS),
    (_("Work teams"), "teams:team_list", READS),
    (_("Health assistance"), "health:checkup_rate", READS),
    (_("Monitoring alerts"), "monitoring:alerts", READS),
    (_("Project library"), "projects:library", READS),
    (_("Funds summary"), "projects:funds", READS),
    (_("Inspections"), "supervision:rounds", READS),
    (_("Rectification"), "supervision:findings", READS),
    (_("Evaluation"), "supervision:scores", READS),
    (_("Differences from the national system"), "checks:differences", Capability.CHECK_HANDBOOKS),
    (_("Excel import"), "exchange:import_list", Capability.EDIT_REGISTRY),
    (_("Users"), "accounts:user_list", Capability.MANAGE_USERS),
    (_("Audit log"), "core:audit_log", Capability.VIEW_AUDIT),
    (_("Data issues"), "core:data_issues", Capability.RESOLVE_DATA_ISSUES),
    (_("Code lists"), "core:code_lists", Capability.EDIT_CODE_LISTS),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_items": [], "capabilities": frozenset(), "uses": frozenset()}
    capabilities = frozenset(c for c in Capability if user.has_capability(c))
    uses = frozenset(
        use
        for use, holds in ((READS, user.reads_places()), (HELPS, user.is_pair_helper()))
        if holds
    )
    items = [
        (label, reverse(name), request.resolver_match and request.resolver_match.view_name == name)
        for label, name, needed in NAVIGATION
        if needed is None or needed in capabilities or needed in uses
    ]
    return {"nav_items": items, "capabilities": capabilities, "uses": uses}
