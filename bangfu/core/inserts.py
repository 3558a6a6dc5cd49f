"""Inserting many rows at once, for the bulk services (imports, audit entries of imports)."""

from collections.abc import Iterator
from typing import Any

from django.db import connection, models

BATCH = 500  # rows a statement: well under SQLite's limit of bound parameters


def _batches(objects: list) -> Iterator[list]:
    for start in range(0, len(objects), BATCH):
        yield objects[start : start + BATCH]


def insert_rows(model: type[models.Model], objects: list, *, returning: bool = False) -> None:
    """``bulk_create`` less its preparation of every value, which is most of its time at
    hundreds of thousands of rows: the database driver adapts str, int, bool, Decimal and
    date itself (Django registers the SQLite adapters); datetimes and JSON still go through
    their field. With ``returning``, each object gets its primary key, in the VALUES order
    (as ``bulk_create`` relies on too)."""
    # The database numbers an automatic key; a key the code sets (an audit entry's seq) is
    # written like any other field.
    fields = [
        f for f in model._meta.concrete_fields if not isinstance(f, models.fields.AutoFieldMixin)
    ]
    through_field = {f for f in fields if isinstance(f, models.DateTimeField | models.JSONField)}
    stamped = [
        f for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    with connection.cursor() as cursor:
        for batch in _batches(objects):
            params: list[Any] = []
            for obj in batch:
                for f in stamped:
                    f.pre_save(obj, add=True)
                for f in fields:
                    value = getattr(obj, f.attname)
                    params.append(
                        f.get_db_prep_save(value, connection) if f in through_field else value
                    )
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
                + ", ".join([row] * len(batch))
                + tail,
                params,
            )
            if returning:
                for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                    obj.pk = pk
                    obj._state.adding, obj._state.db = False, connection.alias
