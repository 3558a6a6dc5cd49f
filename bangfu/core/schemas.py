"""API schemas made from the services' input dataclasses, so a field is declared once."""

import dataclasses

import pydantic
from django.db import models
from ninja import Schema

from . import values


def schema_from(
    source: type, name: str, *, rules_of: type[models.Model] | None = None
) -> type[Schema]:
    """A ninja Schema with the fields, types and defaults of the dataclass ``source``; the
    fields ``rules_of`` (a model) has value rules for state their bounds in the OpenAPI spec.

    The bounds are stated, not enforced, here: the service refuses a value out of bounds
    with the same message and field a page or an import gets."""
    rules = getattr(rules_of, "value_rules", {})
    fields = {}
    for field in dataclasses.fields(source):
        extra = (
            {"json_schema_extra": values.json_schema(rules_of, field.name)}
            if field.name in rules
            else {}
        )
        if field.default is not dataclasses.MISSING:
            fields[field.name] = (field.type, pydantic.Field(field.default, **extra))
        elif field.default_factory is not dataclasses.MISSING:
            fields[field.name] = (
                field.type,
                pydantic.Field(default_factory=field.default_factory, **extra),
            )
        else:
            fields[field.name] = (field.type, pydantic.Field(..., **extra))
    return pydantic.create_model(name, __base__=Schema, **fields)


def documented(
    model: type[models.Model], name: str, default=..., **options
) -> pydantic.fields.FieldInfo:
    """A schema field that states ``model.name``'s value rule in the OpenAPI spec."""
    return pydantic.Field(default, json_schema_extra=values.json_schema(model, name), **options)
