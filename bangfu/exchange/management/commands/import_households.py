"""Import a household sheet from the command line: the same checks as the page.

    manage.py import_households FILE [--commit] [--user USERNAME]

Without --commit the file is only checked: the preview and every error are printed. With
--commit it is written in one transaction, or not at all. Exits with 1 when rows are
refused, so a script can stop.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangfu.accounts.roles import Role
from bangfu.core.models import JobState
from bangfu.exchange import selectors, services


class Command(BaseCommand):
    help = "Check, and with --commit import, a household sheet (.xlsx, .xls, .csv)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--commit", action="store_true", help="write the households")
        parser.add_argument(
            "--user",
            help="whose places and rights apply (default: the only county administrator)",
        )

    def handle(self, *args, file: Path, commit: bool, user: str | None, **options):
        if not file.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": file})
        actor = self._actor(user)
        with file.open("rb") as handle:
            job = services.import_upload(actor=actor, file_name=file.name, chunks=iter(handle))
        job = services.import_check(job_id=job.pk, progress=self._progress)
        if job.state == JobState.CHECKED and commit:
            self.stderr.write(_("committing …"))
            self.stderr.flush()
            job = services.import_commit(job_id=job.pk, progress=self._progress)
        self.stderr.write("")
        self._report(job)
        if job.state in (JobState.REFUSED, JobState.FAILED):
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
        if total:
            filled = int(30 * done / total)
            bar = "#" * filled + "." * (30 - filled)
            self.stderr.write(f"\r{phase:9} [{bar}] {done:,}/{total:,}", ending="")
        else:
            self.stderr.write(f"\r{phase:9} {done:,}", ending="")
        self.stderr.flush()

    def _report(self, job) -> None:
        summary = job.summary
        if job.message:
            self.stdout.write(job.message)
        if summary:
            h, m = summary.get("households", {}), summary.get("members", {})
            self.stdout.write(
                _(
                    "%(rows)d rows; households: %(new)d new, %(changed)d changed, "
                    "%(unchanged)d unchanged, %(refused)d refused; members: %(mnew)d new, "
                    "%(mchanged)d changed, %(munchanged)d unchanged; %(problems)d errors."
                )
                % {
                    "rows": summary.get("rows", 0),
                    "new": h.get("new", 0),
                    "changed": h.get("changed", 0),
                    "unchanged": h.get("unchanged", 0),
                    "refused": h.get("refused", 0),
                    "mnew": m.get("new", 0),
                    "mchanged": m.get("changed", 0),
                    "munchanged": m.get("unchanged", 0),
                    "problems": summary.get("problems", 0),
                }
            )
        for problem in selectors.problems_of(job)[:200]:
            where = f"{problem.sheet} {problem.row} {problem.column}"
            self.stdout.write(f"{where} «{problem.value}»: {problem.reason}")
        if job.state == JobState.DONE:
            self.stdout.write(_("Imported."))
        elif job.state == JobState.CHECKED:
            self.stdout.write(_("Checked; nothing written. Run again with --commit to import."))
