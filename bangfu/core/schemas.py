"""API schemas made from the services' input dataclasses, so a field is declared once."""

import dataclasses

import pydantic
from ninja import Schema


def schema_from(source: type, name: str) -> type[Schema]:
    """A ninja Schema with the fields, types and defaults of the dataclass ``source``."""
    fields = {}
    for field in dataclasses.fields(source):
        if field.default is not dataclasses.MISSING:
            fields[field.name] = (field.type, field.default)
        elif field.default_factory is not dataclasses.MISSING:
            fields[field.name] = (field.type, pydantic.Field(default_factory=field.default_factory))
        else:
            fields[field.name] = (field.type, ...)
    return pydantic.create_model(name, __base__=Schema, **fields)
