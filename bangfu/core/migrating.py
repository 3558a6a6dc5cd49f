"""For migrations that add rules on values (``core.values``) to tables that hold data.

A stored value that breaks a new CHECK constraint would make the migration fail; on SQLite
some such values (1e15 in a ``decimal(8, 2)``) already make every read of their row fail.
``set_aside`` runs first: it finds each such value, keeps it as a ``DataIssue`` for the
administrators of the record's place (with the value as it was), puts the nearest value the
rule allows in its place (empty where the column may be empty, the bound otherwise, text
cut to its length), and says on the console what it did. The migration reports; it does
not fail, and every record reads again.
"""

import sys
from collections.abc import Callable

from django.db import migrations, models
from django.db.models import Q
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from . import values  # noqa: F401 — registers the length lookup the conditions use

# The part of a value kept on the issue: enough to re-enter it, not a 100 KB paste.
KEPT = 500


def _repairs(condition: Q, model) -> list[tuple[str, Q, Callable[[models.Field], object]]]:
    """(column, the rows that break this part of the rule, what to put in their place)."""
    found = []
    for lookup, bound in condition.children:
        column, _sep, test = lookup.partition("__")
        field = model._meta.get_field(column)
        clear = None if field.null else bound
        if test == "length__lte":
            found.append((column, Q(**{f"{column}__length__gt": bound}), Substr(column, 1, bound)))
        elif test == "gte":
            found.append((column, Q(**{f"{column}__lt": bound}), clear))
        elif test == "lte":
            found.append((column, Q(**{f"{column}__gt": bound}), clear))
        elif test == "in":
            outside = Q(**{f"{column}__isnull": False}) & ~Q(**{f"{column}__in": bound})
            found.append((column, outside, None if field.null else ""))
    return found


def set_aside(app_label: str, operations: list, places: dict[str, str]) -> migrations.RunPython:
    """A step to run before ``operations``' CHECK constraints are added; ``places`` names,
    per model, the path to its place code (``"household__region_id"``); a model that is no
    place's (a code list) is left out, and its issues go to the top administrators."""
    checks = [
        (operation.model_name, operation.constraint)
        for operation in operations
        if isinstance(operation, migrations.AddConstraint)
        and isinstance(operation.constraint, models.CheckConstraint)
    ]

    def run(apps, schema_editor):
        issues = apps.get_model("core", "DataIssue")
        now = timezone.now()
        for model_name, constraint in checks:
            model = apps.get_model(app_label, model_name)
            for column, broken, replacement in _repairs(constraint.condition, model):
                place = places.get(model_name)
                rows = [
                    (pk, was, row[0] if row else "")
                    for pk, was, *row in model.objects.filter(broken)
                    .annotate(was=Cast(column, models.TextField()))
                    .values_list("pk", "was", *([place] if place else []))
                ]
                for pk, was, region in rows:
                    issues.objects.create(
                        kind="set_aside",
                        region_code=region or "",
                        object_type=f"{app_label}.{model_name}",
                        object_id=str(pk),
                        field=column,
                        detail={"was": (was or "")[:KEPT], "length": len(was or "")},
                        raised_at=now,
                    )
                    sys.stdout.write(
                        f"\n  {app_label}.{model_name} {pk}: {column} broke "
                        f"{constraint.name} and was set aside ({(was or '')[:40]!r})"
                    )
                if rows:
                    model.objects.filter(pk__in=[pk for pk, _was, _region in rows]).update(
                        **{column: replacement}
                    )

    return migrations.RunPython(run, migrations.RunPython.noop)
