"""Inserting many rows at once, for the bulk services (imports, audit entries of imports)."""

from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, models

BATCH = 500  # rows a statement: well under SQLite's limit of bound parameters


def _batches(objects: list) -> Iterator[list]:
    for start in range(0, len(objects), BATCH):
        yield objects[start : start + BATCH]


def _fields(model: type[models.Model]) -> list[models.Field]:
    # The database numbers an automatic key; a key the code sets (an audit entry's seq) is
    # written like any other field.
    return [
        f for f in model._meta.concrete_fields if not isinstance(f, models.fields.AutoFieldMixin)
    ]


def _insert(
    model: type[models.Model], fields: list[models.Field], rows: list[list[Any]], returning: bool
) -> list[Any]:
    """The rows (values in ``fields``' order, ready for the driver) in statements of
    ``BATCH``; with ``returning``, their primary keys in the VALUES order."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    keys: list[Any] = []
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
                + ", ".join([row] * len(batch))
                + tail,
                [value for values in batch for value in values],
            )
            if returning:
                keys += [pk for (pk,) in cursor.fetchall()]
    return keys


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """What turns a field's Python value into the driver's: the driver adapts str, int, bool,
    Decimal and date itself (Django registers the SQLite adapters); datetimes and JSON go
    through the database's own adaptation (None stays NULL)."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: None if value is None else ops.adapt_json_value(value, encoder)
    if isinstance(field, models.DateTimeField):
        return _same_as_last(ops.adapt_datetimefield_value)
    return None


def _same_as_last(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``adapt``, not redone for the very value of the row before: a bulk write stamps its
    rows with one moment."""
    last: list[Any] = [object(), None]

    def adapted(value: Any) -> Any:
        if value is not last[0]:
            last[:] = [value, adapt(value)]
        return last[1]

    return adapted


def insert_rows(model: type[models.Model], objects: list, *, returning: bool = False) -> None:
    """``bulk_create`` less its preparation of every value, which is most of its time at
    hundreds of thousands of rows. With ``returning``, each object gets its primary key, in
    the VALUES order (as ``bulk_create`` relies on too)."""
    fields = _fields(model)
    stamped = [
        f for f in fields if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    through_field = {f for f in fields if isinstance(f, models.DateTimeField | models.JSONField)}
    rows = []
    for obj in objects:
        for f in stamped:
            f.pre_save(obj, add=True)
        rows.append(
            [
                f.get_db_prep_save(getattr(obj, f.attname), connection)
                if f in through_field
                else getattr(obj, f.attname)
                for f in fields
            ]
        )
    keys = _insert(model, fields, rows, returning)
    if returning:
        for obj, pk in zip(objects, keys, strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias


def insert_lists(
    model: type[models.Model], rows: list[list[Any]], *, returning: bool = False
) -> list[Any]:
    """Rows given as plain values in the order of the model's columns (its automatic key
    left out), without making a model instance of each: for the largest writes (a first rule
    run over a province, the audit entries of an import), where building the instances was
    most of the time. Answers the primary keys, in order, with ``returning``."""
    fields = _fields(model)
    adapters = [(i, adapt) for i, f in enumerate(fields) if (adapt := _adapter(f)) is not None]
    if adapters:
        rows = [list(row) for row in rows]
        for row in rows:
            for i, adapt in adapters:
                row[i] = adapt(row[i])
    return _insert(model, fields, rows, returning)


def full_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row's values by attribute name (``household_id``), a field left out given its
    default (the automatic key left out)."""
    fields = _fields(model)
    defaults = {f.attname: f.get_default() for f in fields if not callable(f.default)}
    made = [f for f in fields if callable(f.default)]
    full = []
    for given in rows:
        values = {**defaults, **given}
        for f in made:
            if f.attname not in given:
                values[f.attname] = f.get_default()
        full.append(values)
    return full


def insert_values(
    model: type[models.Model], rows: list[dict[str, Any]], *, returning: bool = False
) -> list[Any]:
    """``insert_lists`` with each row's values by attribute name; a field left out takes
    its default."""
    names = [f.attname for f in _fields(model)]
    return insert_lists(
        model,
        [[values[name] for name in names] for values in full_rows(model, rows)],
        returning=returning,
    )
