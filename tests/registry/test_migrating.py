"""A migration that adds value rules sets aside stored values that break them, reports them,
and leaves every record readable (core.migrating)."""

import importlib
from contextlib import contextmanager
from decimal import Decimal

from django.apps import apps
from django.db import connection, migrations
from django.db.migrations.executor import MigrationExecutor

from bangfu.core.migrating import set_aside
from bangfu.core.models import DataIssue
from bangfu.registry.models import Household

VALUE_RULES_MIGRATIONS = [
    "bangfu.core.migrations.0004_value_rules",
    "bangfu.accounts.migrations.0003_value_rules",
    "bangfu.registry.migrations.0008_value_rules",
    "bangfu.pairing.migrations.0004_value_rules",
    "bangfu.visits.migrations.0003_value_rules",
]


def rules_migration(name):
    return importlib.import_module(name).Migration


def test_each_value_rules_migration_sets_aside_before_it_constrains():
    for name in VALUE_RULES_MIGRATIONS:
        operations = rules_migration(name).operations
        assert isinstance(operations[0], migrations.RunPython), name
        assert all(isinstance(op, migrations.AddConstraint) for op in operations[1:]), name


@contextmanager
def checks_off(table, constraint):
    """Values of before the rules existed: the checks are lifted inside the test's own
    transaction (rolled back after it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                yield cursor
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            yield cursor


def test_a_stored_value_that_breaks_a_new_rule_is_set_aside_and_reported(household, capsys):
    # SQLite keeps 1e15 in a decimal(8, 2), and reading it back then fails; PostgreSQL's
    # column refuses it, so there the value breaks only the rule.
    bad = "1e15" if connection.vendor == "sqlite" else "99999"
    with checks_off("registry_household", "household_housing_area_range") as cursor:
        cursor.execute(
            f"UPDATE registry_household SET housing_area = {bad} WHERE id = %s", [household.pk]
        )
    migration = rules_migration("bangfu.registry.migrations.0008_value_rules")
    household_checks = [
        op
        for op in migration.operations
        if isinstance(op, migrations.AddConstraint) and op.model_name == "household"
    ]
    step = set_aside("registry", household_checks, {"household": "region_id"})
    # The models as the migration sees them, not as the code has them now.
    state = MigrationExecutor(connection).loader.project_state(("registry", "0008_value_rules"))
    step.code(state.apps, None)

    household = Household.objects.get(pk=household.pk)  # reads again: 1e15 did not
    assert household.housing_area is None
    issue = DataIssue.objects.get()
    assert (issue.kind, issue.field, issue.region_code) == (
        "set_aside",
        "housing_area",
        household.region_id,
    )
    assert Decimal(issue.detail["was"]) == Decimal(bad)
    assert "housing_area" in capsys.readouterr().out


def test_text_too_long_is_cut_and_kept_whole_on_the_issue(household):
    long_address = "马家寨村" * 60
    with checks_off("registry_household", "household_address_length") as cursor:
        if connection.vendor == "postgresql":  # the column's own length is the first line there
            cursor.execute("ALTER TABLE registry_household ALTER COLUMN address TYPE text")
        cursor.execute(
            "UPDATE registry_household SET address = %s WHERE id = %s", [long_address, household.pk]
        )
    address_check = [
        op
        for op in rules_migration("bangfu.registry.migrations.0008_value_rules").operations
        if isinstance(op, migrations.AddConstraint)
        and op.constraint.name == "household_address_length"
    ]
    step = set_aside("registry", address_check, {"household": "region_id"})
    step.code(apps, None)
    household.refresh_from_db()
    assert household.address == long_address[:200]
    assert DataIssue.objects.get().detail == {"was": long_address, "length": 240}
