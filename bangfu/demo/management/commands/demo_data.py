"""Fill an empty database with a demo district so that ``make run`` shows something real-shaped.

Place names are public names from seed 000 (沣西新城 and its streets and villages); the codes
are shaped like real statistical codes but are not authoritative. People are invented.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.accounts.roles import Role
from bangfu.accounts.services import administrator_bootstrap, user_create
from bangfu.core.selectors import any_places, leaf_places
from bangfu.core.services import REGION_COLUMNS, regions_import
from bangfu.core.tables import read_rows
from bangfu.demo.checks import make_checks
from bangfu.demo.health import make_health
from bangfu.demo.households import SEED_HOUSEHOLDS, make_households
from bangfu.demo.monitoring import make_monitoring
from bangfu.demo.pairings import make_pairings
from bangfu.demo.plans import make_plans
from bangfu.demo.projects_assistance import fill as fill_assistance
from bangfu.demo.projects_funds import fill as fill_funds
from bangfu.demo.projects_library import fill as fill_project_library
from bangfu.demo.supervision_bulletins import fill as fill_bulletins
from bangfu.demo.supervision_findings import fill as fill_findings
from bangfu.demo.supervision_rounds import fill as fill_rounds
from bangfu.demo.supervision_scores import fill as fill_scores
from bangfu.demo.supervision_surveys import fill as fill_surveys
from bangfu.demo.teams import make_teams
from bangfu.demo.visits import make_visits

REGIONS_FILE = Path(__file__).resolve().parents[2] / "data" / "regions.csv"
DEMO_PASSWORD = "bangfu-demo-2026"
COUNTY = "611103000000"

# username, full name, places, roles; the first is the administrator, who opens the others.
DEMO_PEOPLE = [
    ("county_admin", "赵建国", [COUNTY], [Role.COUNTY_ADMIN]),
    ("township_staff", "钱丽华", ["611103002000"], [Role.TOWNSHIP_STAFF]),
    ("work_team", "孙志强", ["611103002201"], [Role.WORK_TEAM]),
    ("helper_wang", "王明远", ["611103002201"], [Role.PAIR_HELPER]),
    ("inspector", "周敏", [COUNTY], [Role.INSPECTOR]),
    ("leader", "吴海波", [COUNTY], [Role.LEADER]),
]


class Command(BaseCommand):
    help = "Load the demo district (places and one account per role)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--households",
            type=int,
            default=SEED_HOUSEHOLDS,
            help="How many households to register (default: seed 000's 370).",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds places (for make run).",
        )

    def handle(self, *args, if_empty: bool, households: int, seed: int, **options):
        if if_empty and any_places():
            self.stdout.write(_("The database already holds data; demo data not loaded again."))
        else:
            self._load(households, seed)
        self.stdout.write(_("Demo logins (password %(password)s):") % {"password": DEMO_PASSWORD})
        for username, full_name, _places, roles in DEMO_PEOPLE:
            self.stdout.write(f"  {username:<16} {full_name}  {Role(roles[0]).label}")

    def _load(self, households: int, seed: int) -> None:
        with transaction.atomic():
            regions_import(actor=None, rows=read_rows(REGIONS_FILE, REGION_COLUMNS))
            username, full_name, places, _roles = DEMO_PEOPLE[0]
            admin = administrator_bootstrap(
                username=username, full_name=full_name, password=DEMO_PASSWORD, place_code=places[0]
            )
            people = {}
            for username, full_name, places, roles in DEMO_PEOPLE[1:]:
                people[username] = user_create(
                    actor=admin,
                    username=username,
                    full_name=full_name,
                    password=DEMO_PASSWORD,
                    place_codes=places,
                    roles=roles,
                )
            leaves = leaf_places(admin)
            make_households(actor=admin, villages=leaves, count=households, seed=seed)
            paired = make_pairings(
                actor=admin,
                seed=seed,
                today=datetime.date(2026, 6, 30),
                helper_login=people["helper_wang"],
            )
            visits = make_visits(actor=admin, seed=seed, today=timezone.localdate())
            teams = make_teams(
                actor=admin,
                seed=seed,
                today=timezone.localdate(),
                work_team_login=people["work_team"],
            )
            measures = make_plans(
                actor=admin,
                seed=seed,
                today=timezone.localdate(),
                helper_login=people["helper_wang"],
            )
            health = make_health(actor=admin, seed=seed, today=timezone.localdate())
            alerts = make_monitoring(
                actor=admin,
                today=timezone.localdate(),
                helper_login=people["helper_wang"],
                township_login=people["township_staff"],
            )
            check = make_checks(
                actor=admin,
                today=timezone.localdate(),
                work_team_login=people["work_team"],
                township_login=people["township_staff"],
            )
            # projects: the library first, then what hangs on its projects
            projects = fill_project_library(
                actor=admin, today=timezone.localdate(), township_login=people["township_staff"]
            )
            assistance = fill_assistance(
                actor=admin,
                today=timezone.localdate(),
                seed=seed,
                township_login=people["township_staff"],
                work_team_login=people["work_team"],
            )
            ledger_entries = fill_funds(
                actor=admin,
                seed=seed,
                today=timezone.localdate(),
                township_login=people["township_staff"],
            )
            # supervision: the month's inspection rounds first, then what hangs on them
            rounds = fill_rounds(
                actor=admin,
                today=timezone.localdate(),
                seed=seed,
                inspector_login=people["inspector"],
            )
            # findings after the rounds they may belong to
            findings = fill_findings(
                actor=admin,
                today=timezone.localdate(),
                seed=seed,
                inspector_login=people["inspector"],
                township_login=people["township_staff"],
            )
            # the surveys of the rounds' samples
            surveyed = fill_surveys(
                actor=admin,
                today=timezone.localdate(),
                seed=seed,
                inspector_login=people["inspector"],
            )
            # the scores after the other supervision demos
            fill_scores(
                actor=admin,
                today=timezone.localdate(),
                seed=seed,
                inspector_login=people["inspector"],
                work_team_login=people["work_team"],
            )
            # the bulletins last, of what the other supervision demos left
            fill_bulletins(actor=admin, today=timezone.localdate())
        self.stdout.write(
            _(
                "Demo district loaded: %(n)d households in %(v)d villages and groups, "
                "%(p)d of them paired with helpers; %(visits)d visits logged; %(teams)d resident "
                "work teams."
            )
            % {"n": households, "v": len(leaves), "p": paired, "visits": visits, "teams": teams}
        )
        self.stdout.write(
            _(
                "Health: %(contracts)d family-doctor contracts, %(checkups)d check-ups, "
                "%(illnesses)d illnesses under management with %(follow_ups)d follow-ups."
            )
            % health
        )
        self.stdout.write(
            _("Household plans (一户一策): %(measures)d measures.") % {"measures": measures}
        )
        self.stdout.write(
            _("Monitoring: %(alerts)d alerts, one identification in progress.") % {"alerts": alerts}
        )
        self.stdout.write(
            _(
                "Monthly check: last month's snapshot with %(differences)d differences; "
                "%(on_time)d villages reported on time, %(late)d late."
            )
            % {
                "differences": check.differences,
                "on_time": list(check.reports.values()).count("on_time"),
                "late": list(check.reports.values()).count("late"),
            }
        )
        self.stdout.write(
            _("Project library: %(projects)d projects of the eight kinds, last year's and this.")
            % {"projects": projects}
        )
        self.stdout.write(
            _(
                "Assistance: %(assets)d project assets, %(donations)d donations, %(sales)d "
                "consumption assistance sales, %(incomes)d collective incomes recorded."
            )
            % {
                "assets": assistance.assets,
                "donations": assistance.donations,
                "sales": assistance.sales,
                "incomes": assistance.incomes,
            }
        )
        self.stdout.write(_("Funds ledgers: %(entries)d entries.") % {"entries": ledger_entries})
        self.stdout.write(
            _("Inspections: %(rounds)d rounds, last month's sample drawn again with its reason.")
            % {"rounds": rounds}
        )
        self.stdout.write(
            _("Supervision: %(findings)d findings, in every state of their rectification.")
            % {"findings": findings}
        )
        self.stdout.write(
            _("Household surveys: %(surveys)d, %(findings)d findings raised by their answers.")
            % {"surveys": surveyed.surveys, "findings": surveyed.findings}
        )
