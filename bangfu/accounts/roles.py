"""Roles people hold, and the capabilities each grants.

A role says what a person does in the programme; the places they hold say where. What they
may see is always their places; what they may change is their roles' capabilities.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bangfu.core.capabilities import Capability


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("County office administrator")
    TOWNSHIP_STAFF = "township_staff", _("Township staff")
    WORK_TEAM = "work_team", _("Village work-team member")
    PAIR_HELPER = "pair_helper", _("Pair helper")
    INSPECTOR = "inspector", _("Inspector")
    LEADER = "leader", _("Leader (read-only)")


# What each role works with, for the navigation and the home page (what a person may *see*
# is still their places, whatever their role): people who read their places' figures and
# lists, and pair helpers, whose work is their own households and the visits they log.
READERS = frozenset(
    {Role.COUNTY_ADMIN, Role.TOWNSHIP_STAFF, Role.WORK_TEAM, Role.INSPECTOR, Role.LEADER}
)
HELPERS = frozenset({Role.PAIR_HELPER})

# Capabilities only the top administrator of an installation exercises, whatever the role says.
TOP_ONLY = frozenset({Capability.EDIT_CODE_LISTS})

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.COUNTY_ADMIN: frozenset(
        {
            Capability.MANAGE_USERS,
            Capability.EDIT_POLICIES,
            Capability.VIEW_AUDIT,
            Capability.EDIT_REGISTRY,
            Capability.VIEW_FULL_ID_NUMBERS,
            Capability.EDIT_CODE_LISTS,
            Capability.MANAGE_PAIRING,
            Capability.ENTER_VISITS,
            Capability.REVIEW_VISITS,
            Capability.VIEW_FLAGS,
            Capability.RESOLVE_DATA_ISSUES,
            Capability.MANAGE_TEAMS,
            Capability.RECORD_HEALTH,
            Capability.RECORD_PLANS,
            Capability.MANAGE_PLANS,
            Capability.HANDLE_ALERTS,
            Capability.MONITORING_HOME,
            Capability.MONITORING_VILLAGE,
            Capability.MONITORING_TOWNSHIP,
            Capability.MONITORING_COUNTY,
            Capability.IMPORT_NATIONAL_DATA,
            Capability.CHECK_HANDBOOKS,
            Capability.RECEIVE_CHECK_REPORTS,
            Capability.PLAN_PROJECTS,
            Capability.APPROVE_PROJECTS,
            Capability.ALLOCATE_FUNDS,
            Capability.RECORD_PAYMENTS,
            Capability.RECORD_ASSISTANCE,
            Capability.INSPECT,
            Capability.RECTIFY,
            Capability.MANAGE_EVALUATION,
            Capability.SCORE_HYGIENE,
        }
    ),
    Role.TOWNSHIP_STAFF: frozenset(
        {
            Capability.MANAGE_TEAMS,
            Capability.EDIT_REGISTRY,
            Capability.MANAGE_PAIRING,
            Capability.ENTER_VISITS,
            Capability.REVIEW_VISITS,
            Capability.VIEW_FLAGS,
            Capability.RECORD_HEALTH,
            Capability.HANDLE_ALERTS,
            Capability.MONITORING_HOME,
            Capability.MONITORING_TOWNSHIP,
            Capability.CHECK_HANDBOOKS,
            Capability.RECEIVE_CHECK_REPORTS,
            Capability.PLAN_PROJECTS,
            Capability.RECORD_PAYMENTS,
            Capability.RECORD_ASSISTANCE,
            Capability.RECTIFY,
            Capability.SCORE_HYGIENE,
        }
    ),
    Role.WORK_TEAM: frozenset(
        {
            Capability.EDIT_REGISTRY,
            Capability.ENTER_VISITS,
            Capability.RECORD_HEALTH,
            Capability.HANDLE_ALERTS,
            Capability.MONITORING_HOME,
            Capability.MONITORING_VILLAGE,
            Capability.CHECK_HANDBOOKS,
            Capability.RECORD_ASSISTANCE,
            Capability.RECTIFY,
            Capability.SCORE_HYGIENE,
        }
    ),
    Role.PAIR_HELPER: frozenset(
        {
            Capability.RECORD_PLANS,
            Capability.RECORD_FOLLOW_UPS,
            Capability.HANDLE_ALERTS,
            Capability.MONITORING_HOME,
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            Capability.VIEW_AUDIT,
            Capability.REVIEW_VISITS,
            Capability.VIEW_FLAGS,
            Capability.INSPECT,
            Capability.MANAGE_EVALUATION,
        }
    ),
    # Leaders read (their places' figures, lists and flags) and change nothing.
    Role.LEADER: frozenset({Capability.VIEW_FLAGS}),
}
