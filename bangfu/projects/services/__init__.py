"""Writes of the projects app, one module a part of the work (each named here)."""

from .sheets import FundRow, FundsImport, ProjectRow, funds_import, projects_apply

__all__ = ["FundRow", "FundsImport", "ProjectRow", "funds_import", "projects_apply"]
