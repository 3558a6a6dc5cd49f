"""Columns that the apps built on the registry add to the household list (三色码…).

The registry may not import the apps above it; each of them registers, when Django starts
(``AppConfig.ready``), a header, a cell template and a function that gives the cells' values
for the households on one page, in a constant number of queries (never one per household).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ListColumn:
    key: str
    header: Any  # a lazy translation
    template: str  # the cell's content, given ``value``
    # (user, the page's households) → {household id: value}, in a constant number of queries
    values: Callable[[Any, Sequence[Any]], dict[int, Any]]
    # The list may be narrowed by the column's value (``HouseholdFilters.risk`` for the risk
    # code): the values offered (value, label) and (households, value) → those with it.
    choices: Sequence[tuple[str, Any]] = ()
    narrow: Callable[[Any, str], Any] | None = None


COLUMNS: dict[str, ListColumn] = {}


def register(column: ListColumn) -> None:
    COLUMNS[column.key] = column


def columns() -> list[ListColumn]:
    return list(COLUMNS.values())


def cells_for(user, households: Sequence[Any]) -> None:
    """Give each household of a page its ``extra_cells``: (template, value) of every registered
    column, in the order apps registered them."""
    found = [(column, column.values(user, households)) for column in COLUMNS.values()]
    for household in households:
        household.extra_cells = [
            (column.template, values.get(household.pk)) for column, values in found
        ]


def filter_by(key: str) -> ListColumn | None:
    """The registered column whose value the list may be narrowed by, if one is."""
    column = COLUMNS.get(key)
    return column if column is not None and column.narrow is not None else None
