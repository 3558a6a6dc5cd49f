"""Apps above the registry that keep something to be looked at again when a household's
records change (the monthly check's open differences, which a registry edit may settle).

The registry may not import those apps; each registers, when Django starts
(``AppConfig.ready``), a function taking the ids of the households edited. The registry's
services call ``households_edited`` inside their transaction, after the edit (an import's
commit once, for all the households it wrote), so what the watcher writes lands with it.
"""

from collections.abc import Callable, Iterable

Watcher = Callable[[Iterable[int]], object]  # (ids of the households edited)
WATCHERS: list[Watcher] = []


def watch(watcher: Watcher) -> None:
    if watcher not in WATCHERS:
        WATCHERS.append(watcher)


def households_edited(household_ids: Iterable[int]) -> None:
    """Called by the registry's services, inside their transaction, after an edit of these
    households' own fields, members, incomes or status."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    for watcher in WATCHERS:
        watcher(ids)
