"""What a signed-in person may do, named. Roles (in accounts) grant these; services require them.

The kernel names the capabilities so that services in any app can require one without
depending on how accounts assigns roles.
"""

from enum import StrEnum

from .errors import NotPermitted


class Capability(StrEnum):
    MANAGE_USERS = "manage_users"
    EDIT_POLICIES = "edit_policies"
    VIEW_AUDIT = "view_audit"
    EDIT_REGISTRY = "edit_registry"
    VIEW_FULL_ID_NUMBERS = "view_full_id_numbers"
    EDIT_CODE_LISTS = "edit_code_lists"
    MANAGE_PAIRING = "manage_pairing"
    ENTER_VISITS = "enter_visits"  # log and correct visits for helpers (代录), close follow-ups
    # Act on visits that may not be what they claim (the supervision module's checks and
    # rectification); reading the flags is VIEW_FLAGS, which every reviewer also holds.
    REVIEW_VISITS = "review_visits"
    VIEW_FLAGS = "view_flags"  # read the truthfulness flags (read-only: leaders too)
    RESOLVE_DATA_ISSUES = "resolve_data_issues"  # clashes across places, values set aside
    MANAGE_TEAMS = "manage_teams"  # resident work teams, their members, the register by hand
    RECORD_HEALTH = "record_health"  # family-doctor contracts, check-ups, follow-ups
    # Follow-ups (随访) of the members of the households paired with the helper now; the
    # offices and teams record them for every household of their places (RECORD_HEALTH).
    RECORD_FOLLOW_UPS = "record_follow_ups"
    # Household plans (一户一策): a helper records those of the households paired with them;
    # the county office manages every plan in its places.
    RECORD_PLANS = "record_plans"
    MANAGE_PLANS = "manage_plans"
    # Monitoring (防止返贫动态监测): raise an alert by screening and close it with an outcome;
    # then the steps of a procedure, each by the level that does it — at the household
    # (application, home check), the village (review and public notice), the township
    # (review) and the county (decision). A pair helper holds the first two for the
    # households paired with them only.
    HANDLE_ALERTS = "handle_alerts"
    MONITORING_HOME = "monitoring_home"
    MONITORING_VILLAGE = "monitoring_village"
    MONITORING_TOWNSHIP = "monitoring_township"
    MONITORING_COUNTY = "monitoring_county"
    # The monthly check against the national system (账实相符): the county imports its
    # snapshots and the problem lists sent from above; villages (and townships for them)
    # classify and close the differences and submit the month's self-check report, which
    # the township receives and follows up.
    IMPORT_NATIONAL_DATA = "import_national_data"
    CHECK_HANDBOOKS = "check_handbooks"
    RECEIVE_CHECK_REPORTS = "receive_check_reports"
    # Projects and funds: townships and the county plan projects and carry them through
    # (start, complete, outputs, notes, files, assets); the county approves, accepts (验收)
    # and cancels them. The county allocates funds (下达); townships and the county record
    # payments (拨付/报账). Donations, consumption assistance and the villages' collective
    # income are recorded where they are known: the village work team, the township, the county.
    PLAN_PROJECTS = "plan_projects"
    APPROVE_PROJECTS = "approve_projects"
    ALLOCATE_FUNDS = "allocate_funds"
    RECORD_PAYMENTS = "record_payments"
    RECORD_ASSISTANCE = "record_assistance"
    # Supervision (督查考评): inspectors run the month's rounds (sample, findings, surveys, the
    # points they give) and verify rectifications; the places' offices and teams rectify what
    # was found there (maker–checker: who submits a rectification never closes it); the county
    # office and inspectors keep the scoring schemes and questionnaires, publish the month's
    # scores and the bulletins; village staff score the households' hygiene.
    INSPECT = "inspect"
    RECTIFY = "rectify"
    MANAGE_EVALUATION = "manage_evaluation"
    SCORE_HYGIENE = "score_hygiene"


def require(actor, capability: Capability) -> None:
    if not (actor and actor.is_authenticated and actor.has_capability(capability)):
        raise NotPermitted()
