"""Import a household sheet from the command line: the same checks as the page.

    manage.py import_households FILE [--commit] [--user USERNAME]

Without --commit the file is only checked: the preview and every error are printed. With
--commit it is written in one transaction, or not at all. Exits with 1 when rows are
refused, or when --commit was asked for and nothing was written, so a script can stop. It
speaks the installation's language (``core.commands.OfficeCommand``).
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from bangfu.accounts.roles import Role
from bangfu.core.commands import OfficeCommand
from bangfu.core.models import JobState
from bangfu.exchange import selectors, services


class Command(OfficeCommand):
    def describe(self) -> str:
        return _(
            "Check a household sheet (.xlsx, .xls, .csv) with the same rules as the import "
            "page, and with --commit import it: every household or none."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar=_("file"), help=_("the sheet to import"))
        parser.add_argument(
            "--commit",
            action="store_true",
            help=_("write the households (without it the file is only checked)"),
        )
        parser.add_argument(
            "--user",
            metavar=_("account"),
            help=_("whose places and rights apply (default: the only county administrator)"),
        )

    def handle(self, *args, file: Path, commit: bool, user: str | None, **options):
        if not file.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": file})
        actor = self._actor(user)
        with file.open("rb") as handle:
            job = services.import_upload(actor=actor, file_name=file.name, chunks=iter(handle))
        job = services.import_check(job_id=job.pk, progress=self._progress)
        if job.state == JobState.CHECKED and commit:
            self.stderr.write("")
            job = services.import_commit(job_id=job.pk, progress=self._progress)
        self.stderr.write("")
        self._report(job, commit=commit)
        if job.state in (JobState.REFUSED, JobState.FAILED) or (
            commit and job.state != JobState.DONE
        ):
            sys.exit(1)

    def _actor(self, username: str | None):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(_("No active account %(name)s.") % {"name": username})
            return actor
        admins = list(users.filter(role_grants__role=Role.COUNTY_ADMIN).distinct()[:2])
        if len(admins) != 1:
            raise CommandError(_("Name the account whose places apply with --user."))
        return admins[0]

    def _progress(self, phase: str, done: int, total: int) -> None:
        # The same words as the job's page: 正在读取, 正在校验, 正在写入（一次性提交）.
        step = str(selectors.IMPORT_STEPS.get(phase, phase))
        if total:
            filled = int(30 * done / total)
            bar = "#" * filled + "." * (30 - filled)
            self.stderr.write(f"\r{step} [{bar}] {done:,}/{total:,}", ending="")
        else:
            self.stderr.write(f"\r{step} {done:,}", ending="")
        self.stderr.flush()

    def _report(self, job, *, commit: bool) -> None:
        if job.message:
            self.stdout.write(job.message)
        summary = job.summary
        if job.state == JobState.REFUSED:
            # What the file would have added does not matter: nothing was.
            self.stdout.write(
                _("%(rows)d rows read; %(refused)d households have errors (%(problems)d in all).")
                % {
                    "rows": summary.get("rows", 0),
                    "refused": summary.get("households", {}).get("refused", 0),
                    "problems": summary.get("problems", 0),
                }
            )
        elif summary and job.state in (JobState.CHECKED, JobState.DONE):
            self.stdout.write(self._counts(summary, done=job.state == JobState.DONE))
        for problem in selectors.problems_of(job)[:200]:
            where = f"{problem.sheet} {problem.row} {problem.column}"
            self.stdout.write(f"{where} «{problem.value}»: {problem.reason}")
        if job.state == JobState.DONE:
            self.stdout.write(_("Imported."))
            return
        if commit:
            self.stdout.write(_("Nothing was written: --commit was not carried out."))
        elif job.state == JobState.CHECKED:
            self.stdout.write(_("Checked; nothing written. Run again with --commit to import."))
        else:
            self.stdout.write(_("Checked; nothing written."))
        if job.state == JobState.REFUSED:
            self.stdout.write(_("Fix the errors above, then run again."))

    def _counts(self, summary: dict, *, done: bool) -> str:
        h, m = summary.get("households", {}), summary.get("members", {})
        counts = {
            "rows": summary.get("rows", 0),
            "new": h.get("new", 0),
            "changed": h.get("changed", 0),
            "unchanged": h.get("unchanged", 0),
            "mnew": m.get("new", 0),
            "mchanged": m.get("changed", 0),
            "munchanged": m.get("unchanged", 0),
        }
        if done:
            return (
                _(
                    "%(rows)d rows written; households: %(new)d new, %(changed)d changed, "
                    "%(unchanged)d unchanged; members: %(mnew)d new, %(mchanged)d changed, "
                    "%(munchanged)d unchanged."
                )
                % counts
            )
        return (
            _(
                "%(rows)d rows checked; importing would make households: %(new)d new, "
                "%(changed)d changed, %(unchanged)d unchanged; members: %(mnew)d new, "
                "%(mchanged)d changed, %(munchanged)d unchanged."
            )
            % counts
        )
