"""Reads of projects and funds, one module per part: ``library`` (the project library)."""

from .library import (
    actions_for,
    household_by_number,
    planned_funds_of,
    project_detail,
    project_file_for,
    project_for,
    projects_of,
)

__all__ = [
    # library
    "actions_for",
    "household_by_number",
    "planned_funds_of",
    "project_detail",
    "project_file_for",
    "project_for",
    "projects_of",
]
