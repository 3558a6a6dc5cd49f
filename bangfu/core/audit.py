"""The audit log: every service write appends one entry in its own transaction.

Entries form a keyed chain: each hash covers the entry's content and the previous hash, and
``AuditHead`` holds the last one. The MAC is the cryptography profile's (``core.protection``:
HMAC-SHA256 for ``intl``, HMAC-SM3 for ``gm``) under the audit key in force for the entry:
the chain starts ``intl`` under the key it began with (``AuditHead.first_key``), and a
``crypto.switch`` entry (hashed under the MAC before it) names the profile and the key of
every entry after it; ``AuditHead.profile`` and ``key`` hold the ones in force. A replaced
audit key keys no new entry but stays in the settings (``AUDIT_KEYS_PREVIOUS``) for the
entries it keyed.
Appends lock the head row, so entries are numbered without gaps and chained one at a time
on SQLite and PostgreSQL alike. Anyone who edits, deletes or inserts a row out of band
without the key breaks the chain at that point, and ``verify_chain`` names the first broken
link.
"""

import datetime
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .inserts import insert_lists
from .models import AuditEntry, AuditHead
from .protection import AuditKeyMissing, audit_key, audit_key_id, keyed_hash

GENESIS = "0" * 64
# The entry that switches the chain's MAC: ``after["profile"]`` and ``after["audit_key"]``
# name the profile and key of every entry after it (``rotate_keys`` records it, alone in
# its transaction; switches from before audit keys were rotated name no key: it stays).
SWITCH = "crypto.switch"
FIRST_PROFILE = "intl"
# A MAC of the chain: (profile, audit key id).
Mac = tuple[str, str]


_ENCODER = DjangoJSONEncoder()
_NATIVE = (str, int, float, bool, type(None))
_EXACT = frozenset(_NATIVE)


def normalise(data: Any) -> Any:
    """``data`` as the database will hand it back, so that hashes survive a round trip:
    what ``json.loads(json.dumps(data, cls=DjangoJSONEncoder))`` gives, without writing and
    reading the text (an import records hundreds of thousands of states)."""
    # The common case first, by exact type (a str enum member goes the longer way below).
    kind = type(data)
    if kind in _EXACT:
        return data
    if kind is dict and all(type(key) is str for key in data):
        return {
            key: value if type(value) in _EXACT else normalise(value) for key, value in data.items()
        }
    if isinstance(data, _NATIVE):
        return data
    if isinstance(data, dict):
        if all(type(key) is str for key in data):
            return {key: normalise(value) for key, value in data.items()}
        return json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    if isinstance(data, list | tuple):
        return [normalise(value) for value in data]
    return normalise(_ENCODER.default(data))


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A record's field values for before/after (foreign keys as their ids)."""
    concrete = {f.name: f for f in instance._meta.concrete_fields}
    names = list(fields) if fields is not None else list(concrete)
    values = {name: getattr(instance, concrete[name].attname) for name in names}
    # A stored file is recorded by its name: the file itself is not the record.
    return normalise(
        {name: v.name if isinstance(v, FieldFile) else v for name, v in values.items()}
    )


def snapshot_row(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """``snapshot`` of a record held as its values by attribute name (``household_id``; as
    ``inserts.full_rows`` gives them, with its key), not as an instance; not yet normalised
    (``record_many`` normalises what it records)."""
    return {f.name: values[f.attname] for f in model._meta.concrete_fields}


def _digest(entry: AuditEntry, mac: Mac) -> str:
    return _chain_hash([getattr(entry, name) for name in _CHAINED], mac)


def _mac_after(action: str, after: Any, mac: Mac) -> Mac:
    """The MAC of the entries after one with ``action`` and ``after``."""
    if action != SWITCH:
        return mac
    return after["profile"], after.get("audit_key", mac[1])


def locked_head() -> AuditHead:
    """The chain's head, locked for an append; a new chain begins under the current key."""
    kid = audit_key_id()
    head, _created = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"key": kid, "first_key": kid}
    )
    return head


# What an entry's hash covers, in this order: every column but the hash itself.
_CHAINED = [
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "region_code",
    "before",
    "after",
    "prev_hash",
]


def _chain_hash(values: list[Any], mac: Mac) -> str:
    """The hash of an entry's ``_CHAINED`` values (``at`` an aware datetime) under ``mac``
    (``AuditKeyMissing`` if the settings lack its key)."""
    seq, at, *rest = values
    payload = json.dumps(
        [seq, at.astimezone(datetime.UTC).isoformat(), *rest],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    profile, kid = mac
    return keyed_hash(profile, audit_key(kid), payload)


@dataclass(frozen=True)
class Change:
    """One write to append with ``record_many`` (bulk services: imports, transfers)."""

    action: str
    object_type: str
    object_id: str
    region_code: str = ""
    before: Any = None
    after: Any = None


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry. Must run inside the service's transaction, so both land or neither."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    change = Change(action, object_type, str(object_id), region_code, before, after)
    return AuditEntry(*_append(actor, [change])[0])  # type: ignore[misc]  # the columns


def record_many(*, actor, changes: Iterable[Change]) -> None:
    """Append entries for several writes of one service call, chained in order, in one insert."""
    _append(actor, changes)


def _append(actor, changes: Iterable[Change]) -> list[list[Any]]:
    """Append the entries; answers their columns (a first rule run appends hundreds of
    thousands, and making a model instance of each, which only ``record`` hands back, was a
    part of their time worth saving)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit entries must be written inside the service's transaction")
    head = locked_head()
    # Microseconds are dropped so the timestamp hashes the same after any database round trip.
    at = timezone.now().replace(microsecond=0)
    actor_id = getattr(actor, "pk", None)
    # No actor: the system's own work; an anonymous visitor (a public page): "anonymous".
    actor_name = "system" if actor is None else (actor.get_username() or "anonymous")
    rows: list[list[Any]] = []
    seq, prev_hash, mac = head.last_seq, head.last_hash or GENESIS, (head.profile, head.key)
    for change in changes:
        seq += 1
        # The columns in the model's order (``_CHAINED``, then the hash), as plain values:
        # an import or a first rule run appends hundreds of thousands, and making a model
        # instance of each to insert it was a large part of their time.
        row = [
            seq,
            at,
            actor_id,
            actor_name,
            change.action,
            change.object_type,
            change.object_id,
            change.region_code or "",
            normalise(change.before),
            normalise(change.after),
            prev_hash,
        ]
        prev_hash = _chain_hash(row, mac)
        row.append(prev_hash)
        mac = _mac_after(change.action, row[9], mac)
        rows.append(row)
    if rows:
        insert_lists(AuditEntry, rows)
        head.last_seq, head.last_hash, (head.profile, head.key) = seq, prev_hash, mac
        head.save(update_fields=["last_seq", "last_hash", "profile", "key"])
    return rows


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str

    def __str__(self) -> str:
        return _("Audit entry %(seq)d: %(reason)s") % {
            "seq": self.seq,
            "reason": self.reason,
        }


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain() -> tuple[int, BrokenLink | None]:
    """Walk the chain from the start; return how many entries held and the first broken link.

    Each entry is checked under the MAC its chain says: the first profile under the key the
    chain began with, then the ones each verified ``crypto.switch`` names. Nothing outside
    the authenticated chain can say so, so a profile or key left behind cannot forge an
    entry after the switch, nor change one before it without breaking the link after it."""
    head = AuditHead.objects.filter(pk=1).first()
    last_seq, last_hash, last_mac = (
        (head.last_seq, head.last_hash, (head.profile, head.key))
        if head
        else (0, "", (FIRST_PROFILE, audit_key_id()))
    )
    mac = (FIRST_PROFILE, head.first_key if head else audit_key_id())
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for entry in _entries():
        if entry.seq != expected_seq:
            return checked, BrokenLink(
                expected_seq,
                _("missing (deleted); the next entry present is %(seq)d") % {"seq": entry.seq},
            )
        if entry.prev_hash != prev_hash:
            return checked, BrokenLink(
                entry.seq,
                _("does not follow the entry before it (inserted or replaced)"),
            )
        try:
            digest = _digest(entry, mac)
        except AuditKeyMissing as missing:
            return checked, BrokenLink(
                entry.seq,
                _(
                    "is keyed with audit key %(key)s, which the settings do not give: set "
                    "BANGFU_AUDIT_KEY to it or add it to BANGFU_AUDIT_KEYS_PREVIOUS"
                )
                % {"key": missing.kid},
            )
        if entry.hash != digest:
            return checked, BrokenLink(entry.seq, _("its content was changed after it was written"))
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
        mac = _mac_after(entry.action, entry.after, mac)
    if checked < last_seq:
        return checked, BrokenLink(checked + 1, _("missing (deleted from the end of the log)"))
    if checked > last_seq:
        return last_seq, BrokenLink(
            last_seq + 1, _("lies past the recorded end of the log (added out of band)")
        )
    if checked and prev_hash != last_hash:
        return checked - 1, BrokenLink(checked, _("is not the entry recorded as the last one"))
    if last_mac != mac:
        return checked, BrokenLink(
            checked + 1,
            _(
                "is to be chained under another cryptography profile or audit key than the "
                "last switch named"
            ),
        )
    return checked, None


# What people read for the codes entries carry: the audit log page and its download show
# these labels and keep the codes beside them for machines. Every action a service records
# (``action=`` of ``record``, the first field of ``Change``) and every kind of record a
# project model is (``audit.record`` derives ``object_type`` from the model) has one here;
# ``tests/core/test_audit_labels.py`` fails on one without, so a new app adds its own.
ACTIONS: dict[str, Promise] = {
    # accounts
    "user.sign_in": gettext_lazy("Signed in"),
    "user.create": gettext_lazy("Created a user"),
    "user.bootstrap": gettext_lazy("Created the first administrator"),
    "user.update": gettext_lazy("Changed a user"),
    "user.set_password": gettext_lazy("Set a password"),
    "api_token.create": gettext_lazy("Issued an API token"),
    "api_token.revoke": gettext_lazy("Revoked an API token"),
    # core
    "region.create": gettext_lazy("Added a place"),
    "region.update": gettext_lazy("Changed a place"),
    "policy.set": gettext_lazy("Set a rule"),
    "policy.withdraw": gettext_lazy("Withdrew a rule"),
    "code.add": gettext_lazy("Added a code-list entry"),
    "code.update": gettext_lazy("Changed a code-list entry"),
    "data_issue.raise": gettext_lazy("Recorded a data issue"),
    "data_issue.resolve": gettext_lazy("Resolved a data issue"),
    # registry
    "household.register": gettext_lazy("Registered a household"),
    "household.update": gettext_lazy("Changed a household"),
    "household.status_change": gettext_lazy("Changed a household's status"),
    "household.income_record": gettext_lazy("Recorded a year's income"),
    "household.split": gettext_lazy("Split a household"),
    "household.merge": gettext_lazy("Merged households"),
    "household.import": gettext_lazy("Imported a household"),
    "member.add": gettext_lazy("Added a member"),
    "member.update": gettext_lazy("Changed a member"),
    "member.move": gettext_lazy("Moved a member"),
    "member.leave": gettext_lazy("Recorded a member leaving"),
    "member.id_numbers_revealed": gettext_lazy("Viewed full ID numbers"),
    # pairing
    "unit.create": gettext_lazy("Added an assistance unit"),
    "unit.update": gettext_lazy("Changed an assistance unit"),
    "helper.create": gettext_lazy("Added a helper"),
    "helper.update": gettext_lazy("Changed a helper"),
    "helper.leave": gettext_lazy("Recorded a helper leaving"),
    "pairing.start": gettext_lazy("Started a pairing"),
    "pairing.end": gettext_lazy("Ended a pairing"),
    "responsibility.set": gettext_lazy("Named who answers for a level"),
    # visits
    "visit.record": gettext_lazy("Recorded a visit"),
    "visit.update": gettext_lazy("Corrected a visit"),
    "visit.delete": gettext_lazy("Deleted a visit"),
    "visit.photo_add": gettext_lazy("Added a visit photo"),
    "problem.solve": gettext_lazy("Solved a follow-up problem"),
    "reminder.send": gettext_lazy("Sent visit reminders"),
    # teams
    "team.create": gettext_lazy("Registered a resident work team"),
    "team.update": gettext_lazy("Changed a resident work team"),
    "team_member.add": gettext_lazy("Put a member on a team"),
    "team_member.end": gettext_lazy("Ended a team member's term"),
    "leave.request": gettext_lazy("Asked for leave"),
    "leave.decide": gettext_lazy("Decided a leave request"),
    "leave.cancel": gettext_lazy("Cancelled leave"),
    "leave.return": gettext_lazy("Recorded a return from leave"),
    "team_reminder.send": gettext_lazy("Sent a residence-days reminder"),
    "meeting.record": gettext_lazy("Recorded a team meeting"),
    "meeting_task.done": gettext_lazy("Marked a meeting task done"),
    "work_report.submit": gettext_lazy("Submitted a team's work report"),
    "discipline.record": gettext_lazy("Recorded a discipline matter"),
    "check_in.record": gettext_lazy("Checked in at the village"),
    "check_in.photo_add": gettext_lazy("Added a check-in photo"),
    "register.keep": gettext_lazy("Kept the attendance register"),
    # health
    "doctor_contract.sign": gettext_lazy("Recorded a family-doctor contract"),
    "checkup.record": gettext_lazy("Recorded a health check-up"),
    "condition.record": gettext_lazy("Recorded an illness under management"),
    "follow_up.record": gettext_lazy("Recorded a health follow-up"),
    "medical_cost.record": gettext_lazy("Recorded large medical costs"),
    "health_activity.record": gettext_lazy("Recorded a health activity"),
    # the health bureau's sheets: a row of a record on file that says something else
    "doctor_contract.update": gettext_lazy("Changed a family-doctor contract from a sheet"),
    "checkup.update": gettext_lazy("Changed a health check-up from a sheet"),
    "follow_up.update": gettext_lazy("Changed a health follow-up from a sheet"),
    # plans
    "measure.add": gettext_lazy("Added a measure to a household's plan"),
    "measure.update": gettext_lazy("Changed a measure of a household's plan"),
    "effect.record": gettext_lazy("Recorded a plan's effect for a year"),
    "acknowledgement.add": gettext_lazy("Recorded a household's acknowledgement of its plan"),
    # monitoring
    "alert.raise": gettext_lazy("Raised an alert about a household"),
    "alert.close": gettext_lazy("Closed an alert with its outcome"),
    "self_check_report.submit": gettext_lazy("Submitted a village's self-check report"),
    "self_report.submit": gettext_lazy("Received a self-report from the public page"),
    "self_report.raise_alert": gettext_lazy("Raised an alert from a self-report"),
    "self_report.close": gettext_lazy("Closed a self-report: not at risk"),
    "procedure.start": gettext_lazy("Started a monitoring procedure"),
    "procedure.step": gettext_lazy("Recorded a step of a monitoring procedure"),
    "income_check.record": gettext_lazy("Recorded an income check of a household"),
    "monitoring.rules_run": gettext_lazy("Ran the early-warning rules"),
    "member_event.record": gettext_lazy("Imported a department's record about a member"),
    "member_event.update": gettext_lazy("Changed a department's record about a member"),
    "disaster.record": gettext_lazy("Recorded a disaster"),
    "disaster.update": gettext_lazy("Changed a disaster's record"),
    "medical_cost.update": gettext_lazy("Changed large medical costs"),
    # checks
    "snapshot.compare": gettext_lazy("Compared a national system snapshot with the records"),
    "difference.find": gettext_lazy("Found a difference from the national system"),
    "difference.fix": gettext_lazy("Closed a difference: the records and the system now agree"),
    # checks: differences and problem lists
    "difference.classify": gettext_lazy("Classified a difference from the national system"),
    "difference.close": gettext_lazy("Closed a difference from the national system by hand"),
    "problem_list.import": gettext_lazy("Imported a problem data list"),
    "snapshot.store": gettext_lazy("Stored a national system snapshot"),
    "project.import": gettext_lazy("Imported a project of the library from a sheet"),
    "ledger.import": gettext_lazy("Imported a project's ledger entries from a finance sheet"),
    "snapshot.replace": gettext_lazy("Replaced a national system snapshot with another export"),
    # projects: the project library
    "project.add": gettext_lazy("Put a project in the project library"),
    "project.update": gettext_lazy("Changed a project's details"),
    "project.advance": gettext_lazy("Took a project to its next stage"),
    "project.beneficiary_set": gettext_lazy("Named a household a project benefits"),
    "project.beneficiary_remove": gettext_lazy("Took a household off a project's beneficiaries"),
    "project.output": gettext_lazy("Recorded a project's output"),
    "project.file_add": gettext_lazy("Kept a file with a project"),
    "project.progress_note": gettext_lazy("Recorded a project's progress in a month"),
    # projects: assets, donations, consumption assistance, collective income
    "asset.register": gettext_lazy("Registered a project asset"),
    "asset.update": gettext_lazy("Changed a project asset's maintainer or value"),
    "donation.record": gettext_lazy("Recorded a donation"),
    "agreement.record": gettext_lazy("Recorded a purchase agreement"),
    "sale.record": gettext_lazy("Recorded a consumption assistance sale"),
    "collective_income.record": gettext_lazy("Recorded a village's collective income"),
    # projects: the funds ledger
    "ledger.allocate": gettext_lazy("Recorded funds allocated to a project"),
    "ledger.pay": gettext_lazy("Recorded a payment from a project's funds"),
    "ledger.reverse": gettext_lazy("Reversed an entry of a project's funds ledger"),
    # supervision: inspection rounds, their samples, findings and their rectification
    "inspection.plan": gettext_lazy("Planned an inspection round"),
    "inspection.update": gettext_lazy("Changed an inspection round"),
    "inspection.close": gettext_lazy("Closed an inspection round"),
    "sample.draw": gettext_lazy("Drew an inspection's sample"),
    "sample.redraw": gettext_lazy("Drew an inspection's sample again"),
    "finding.record": gettext_lazy("Recorded a finding"),
    "finding.from_survey": gettext_lazy("Recorded a finding from a survey's answers"),
    "finding.evidence_add": gettext_lazy("Kept evidence with a finding"),
    "rectification.start": gettext_lazy("Started a rectification"),
    "rectification.submit": gettext_lazy("Submitted a rectification"),
    "rectification.close": gettext_lazy("Verified and closed a rectification"),
    "rectification.return": gettext_lazy("Returned a rectification"),
    # supervision: questionnaires and household surveys
    "questionnaire.create": gettext_lazy("Made a questionnaire"),
    "questionnaire.retire": gettext_lazy("Retired a questionnaire"),
    "question.add": gettext_lazy("Added a question"),
    "question.update": gettext_lazy("Changed a question"),
    "question.retire": gettext_lazy("Retired a question"),
    "survey.record": gettext_lazy("Recorded a household survey"),
    # supervision: scoring schemes, scores, hygiene, bulletins
    "scheme.create": gettext_lazy("Made a scoring scheme"),
    "scheme.update": gettext_lazy("Changed a scoring scheme"),
    "item_score.set": gettext_lazy("Scored an item"),
    "scores.publish": gettext_lazy("Published a month's scores"),
    "hygiene.score": gettext_lazy("Scored a household's hygiene"),
    "bulletin.create": gettext_lazy("Drafted a bulletin"),
    "bulletin.update": gettext_lazy("Changed a bulletin's draft"),
    "bulletin.publish": gettext_lazy("Published a bulletin"),
    # reports, exchange
    "handbook.request": gettext_lazy("Asked for handbooks"),
    "import.upload": gettext_lazy("Uploaded a file to import"),
    "import.commit": gettext_lazy("Imported a file"),
    "synonym.add": gettext_lazy("Taught a column name"),
    "export.request": gettext_lazy("Asked for an export"),
    "export.full_ids": gettext_lazy("Exported full ID numbers"),
    "import.errors_full_ids": gettext_lazy("Downloaded an import's errors with full ID numbers"),
    # core.protection: manage.py rotate_keys
    "crypto.reseal": gettext_lazy("Re-sealed personal data under the keys in force"),
    "crypto.switch": gettext_lazy("Switched the cryptography profile or keys"),
}

OBJECT_TYPES: dict[str, Promise] = {
    "core.region": gettext_lazy("Place"),
    "core.policy": gettext_lazy("Rule value"),
    "core.code": gettext_lazy("Code-list entry"),
    "core.dataissue": gettext_lazy("Data issue"),
    "core.auditentry": gettext_lazy("Audit entry"),
    "core.audithead": gettext_lazy("Audit chain head"),
    "core.workerbeat": gettext_lazy("Background worker heartbeat"),
    "accounts.user": gettext_lazy("User"),
    "accounts.rolegrant": gettext_lazy("Role held"),
    "accounts.apitoken": gettext_lazy("API token"),
    "registry.household": gettext_lazy("Registered household"),
    "registry.member": gettext_lazy("Household member"),
    "registry.statuschange": gettext_lazy("Status change"),
    "registry.annualincome": gettext_lazy("Annual income"),
    "registry.membermove": gettext_lazy("Member move"),
    "pairing.unit": gettext_lazy("Assistance unit"),
    "pairing.helper": gettext_lazy("Helper"),
    "pairing.pairing": gettext_lazy("Pairing"),
    "pairing.responsibility": gettext_lazy("Level of responsibility"),
    "visits.visit": gettext_lazy("Visit"),
    "visits.problem": gettext_lazy("Follow-up problem"),
    "visits.visitphoto": gettext_lazy("Visit photo"),
    "visits.visitflag": gettext_lazy("Visit flag"),
    "visits.visitmonth": gettext_lazy("Household's month of visits"),
    "visits.remindersent": gettext_lazy("Reminder sent"),
    "teams.team": gettext_lazy("Resident work team"),
    "teams.teammember": gettext_lazy("Team member's term"),
    "teams.checkin": gettext_lazy("Check-in"),
    "teams.checkinflag": gettext_lazy("Check-in flag"),
    "teams.registerentry": gettext_lazy("Attendance register entry"),
    "teams.leaverequest": gettext_lazy("Leave request"),
    "teams.leavedecision": gettext_lazy("Leave decision"),
    "teams.membermonth": gettext_lazy("Member's month of residence"),
    "teams.meeting": gettext_lazy("Team meeting"),
    "teams.meetingtask": gettext_lazy("Meeting task"),
    "teams.workreport": gettext_lazy("Work report"),
    "teams.disciplinerecord": gettext_lazy("Discipline record"),
    "teams.memberreminder": gettext_lazy("Residence-days reminder sent"),
    "health.doctorcontract": gettext_lazy("Family-doctor contract"),
    "health.checkup": gettext_lazy("Health check-up"),
    "health.condition": gettext_lazy("Illness under management"),
    "health.followup": gettext_lazy("Health follow-up"),
    "health.medicalcost": gettext_lazy("Large medical costs"),
    "health.activity": gettext_lazy("Health activity"),
    "plans.measure": gettext_lazy("Plan measure"),
    "plans.effect": gettext_lazy("Plan effect"),
    "plans.acknowledgement": gettext_lazy("Plan acknowledgement"),
    "monitoring.alert": gettext_lazy("Monitoring alert"),
    "monitoring.procedure": gettext_lazy("Monitoring procedure"),
    "monitoring.step": gettext_lazy("Step of a monitoring procedure"),
    "monitoring.incomecheck": gettext_lazy("Income check of a household"),
    "monitoring.selfreport": gettext_lazy("Self-report of hardship"),
    "monitoring.memberevent": gettext_lazy("Department record about a member"),
    "monitoring.disaster": gettext_lazy("Disaster"),
    "monitoring.rulerun": gettext_lazy("Run of the early-warning rules"),
    "monitoring.firedrecord": gettext_lazy("Record that fired a rule"),
    "checks.snapshot": gettext_lazy("National system snapshot"),
    "checks.snapshothousehold": gettext_lazy("Household in a national system snapshot"),
    "checks.snapshotmember": gettext_lazy("Member in a national system snapshot"),
    "checks.difference": gettext_lazy("Difference from the national system"),
    "checks.problemlist": gettext_lazy("Problem data list"),
    "checks.selfcheckreport": gettext_lazy("Self-check report"),
    "projects.project": gettext_lazy("Project"),
    "projects.projectstep": gettext_lazy("Step of a project"),
    "projects.plannedfund": gettext_lazy("Planned funds of a project"),
    "projects.beneficiaryvillage": gettext_lazy("Village a project benefits"),
    "projects.beneficiaryhousehold": gettext_lazy("Household a project benefits"),
    "projects.output": gettext_lazy("Project output"),
    "projects.projectfile": gettext_lazy("Project file"),
    "projects.progressnote": gettext_lazy("Project progress note"),
    "projects.ledgerentry": gettext_lazy("Funds ledger entry"),
    "projects.asset": gettext_lazy("Project asset"),
    "projects.donation": gettext_lazy("Donation"),
    "projects.purchaseagreement": gettext_lazy("Purchase agreement"),
    "projects.sale": gettext_lazy("Consumption assistance sale"),
    "projects.collectiveincome": gettext_lazy("Village collective income"),
    "supervision.inspectionround": gettext_lazy("Inspection round"),
    "supervision.sampledraw": gettext_lazy("Sample draw"),
    "supervision.sampleitem": gettext_lazy("Sampled record"),
    "supervision.finding": gettext_lazy("Finding"),
    "supervision.rectificationstep": gettext_lazy("Rectification step"),
    "supervision.evidence": gettext_lazy("Evidence of a finding"),
    "supervision.questionnaire": gettext_lazy("Questionnaire"),
    "supervision.question": gettext_lazy("Question"),
    "supervision.survey": gettext_lazy("Household survey"),
    "supervision.answer": gettext_lazy("Survey answer"),
    "supervision.scoringscheme": gettext_lazy("Scoring scheme"),
    "supervision.schemeitem": gettext_lazy("Scoring scheme item"),
    "supervision.itemscore": gettext_lazy("Item score"),
    "supervision.scoresheet": gettext_lazy("Published scores"),
    "supervision.score": gettext_lazy("Score"),
    "supervision.bulletin": gettext_lazy("Bulletin"),
    "supervision.supervisionmonth": gettext_lazy("Place's month of supervision figures"),
    "reports.placestock": gettext_lazy("Place figures"),
    "reports.placemonth": gettext_lazy("Place's month of figures"),
    "reports.placehelper": gettext_lazy("Helper serving a place"),
    "reports.rolluphead": gettext_lazy("Figures catch-up mark"),
    "reports.handbookjob": gettext_lazy("Handbook job"),
    "exchange.headersynonym": gettext_lazy("Column name"),
    "exchange.importjob": gettext_lazy("Import"),
    "exchange.importproblem": gettext_lazy("Import problem"),
    "exchange.exportjob": gettext_lazy("Export"),
}


def action_label(code: str) -> str:
    """What an action code means to people (the code itself for one recorded before its
    label existed, or by a newer version: a log is never unreadable)."""
    return str(ACTIONS[code]) if code in ACTIONS else code


def object_label(code: str) -> str:
    return str(OBJECT_TYPES[code]) if code in OBJECT_TYPES else code
