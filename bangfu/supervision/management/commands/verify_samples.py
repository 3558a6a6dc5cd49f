from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.supervision.selectors.rounds import check_draw, draws_of_month


class Command(BaseCommand):
    help = (
        "Draw every inspection sample again from its recorded seed (of one month with "
        "--month YYYY-MM) and exit non-zero if any draw does not give the sample stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="the rounds' month, YYYY-MM (default: every month)")

    def handle(self, *args, **options):
        month = None
        if options["month"]:
            try:
                month = params.month(options["month"])
            except params.BadParameter as bad:
                raise CommandError(bad.message) from None
        checked, failed = 0, []
        for draw in draws_of_month(month).iterator():
            check = check_draw(draw)
            checked += 1
            if check.matches:
                continue
            inspection = draw.round
            where = _("%(place)s %(month)s round %(round)d, draw %(number)d") % {
                "place": inspection.region.name,
                "month": inspection.month.strftime("%Y-%m"),
                "round": inspection.pk,
                "number": draw.number,
            }
            if not check.found:
                failed.append(_("%(where)s: its audit entry is missing.") % {"where": where})
                continue
            for kind in check.kinds:
                if not kind.matches:
                    failed.append(
                        _("%(where)s: the %(kind)s drawn again differ from those stored.")
                        % {"where": where, "kind": kind.label}
                    )
        for line in failed:
            self.stderr.write(line)
        if failed:
            raise CommandError(
                _("%(failed)d of %(checked)d samples do not reproduce from their seeds.")
                % {"failed": len(failed), "checked": checked}
            )
        self.stdout.write(
            _("Every sample reproduces from its seed: %(n)d draws checked.") % {"n": checked}
        )
