"""When a household's survey answers contradict the records (答卷与台账不符), one pure function a
rule, so that each is tested with planted cases and the survey service only gathers the
figures:

- ``visits_contradicted``: the household counts fewer home visits this month than are logged
  for it, by at least ``supervision.visit_gap`` (a household forgets one; "never" against
  four logged is records false, 记录不实);
- ``helper_unknown``: the household says it does not know its helper's name, or names
  someone who is none of its current helpers (群众不知晓帮扶干部).

Names are compared as people write them down: spaces anywhere, full-width letters and the
traditional form of a character (王幫扶) are no difference: ``core.text.key``, the form sheets'
headers are read in.
"""

from collections.abc import Iterable

from bangfu.core import text


def visits_contradicted(said: int, logged: int, gap: int) -> bool:
    """The household's count of this month's home visits is below the logged count by at
    least ``gap``."""
    return logged - said >= gap


def helper_unknown(knows: bool | None, name_given: str, helper_names: Iterable[str]) -> bool:
    """The household does not know its helper: it says so (``knows`` False), or the name it
    gives is none of its current helpers'. Nothing said either way contradicts nothing; a
    household with no helper has none to know."""
    names = {text.key(name) for name in helper_names if text.key(name)}
    if not names:
        return False
    if knows is False:
        return True
    given = text.key(name_given)
    return bool(given) and given not in names
