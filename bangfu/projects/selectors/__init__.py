"""Reads of the projects app, one module a part of the work (each named here)."""

from .sheets import (
    ProjectRef,
    ledger_rows,
    library_rows,
    planned_of,
    projects_by_county_number,
    projects_by_number,
)

__all__ = [
    "ProjectRef",
    "ledger_rows",
    "library_rows",
    "planned_of",
    "projects_by_county_number",
    "projects_by_number",
]
