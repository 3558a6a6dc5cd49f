"""The sample of an inspection round (抽样): the records a round of a place draws from
(``candidates_of``) and the draw itself (``draw_sample``), a pure function of a seed and those
records, so that the same seed over the same records draws the same sample, on any machine.

Households are the open households in the programme (registered or monitored: those a helper
is paired with, ``pairing.selectors.NEEDS_HELPER``) under the place; helpers, those with a
current pairing with such a household; units, those helpers' units and units paired with a
household themselves; teams, the resident work teams in post stationed in a village under it.
Each kind is drawn with ``random.Random`` seeded by the round's seed and the kind, from its
candidates sorted by id; drawn township by township, the size is shared in proportion to each
township's candidates (``allocation``).
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import QuerySet

from bangfu.core.models import Region
from bangfu.core.regions import code_range, township_code
from bangfu.core.scoping import ranges_q
from bangfu.pairing.models import Pairing
from bangfu.pairing.selectors import NEEDS_HELPER
from bangfu.registry.models import Household
from bangfu.teams.models import Team
from bangfu.teams.selectors.admin import in_post

from ..models import SampleKind

# -- the draw ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A record a sample may pick: its id, the place its sampled row is read at, and the
    township it is drawn in when the sample is drawn township by township."""

    pk: int
    region: str
    stratum: str


def kind_seed(seed: int, kind: str) -> str:
    """What each kind's draw is seeded with: the round's seed and the kind (``123:household``),
    so that households and helpers of equal numbers are not picked at the same positions.
    ``random.Random`` hashes a text seed with SHA-512: the same in every Python since 3.2."""
    return f"{seed}:{kind}"


def allocation(counts: dict[str, int], size: int) -> dict[str, int]:
    """How many of ``size`` each stratum gives, in proportion to its candidates (``counts``):
    each takes the whole part of its quota, the rest go one each to the largest remainders
    (ties: more candidates, then the lower code). When the size allows one per stratum, a
    stratum left with none takes one from the stratum that has two or more and stands most
    above its quota (ties: the lower code). Never more than a stratum holds."""
    total = sum(counts.values())
    size = min(size, total)
    if size <= 0:
        return dict.fromkeys(counts, 0)
    quotas = {key: Fraction(size * n, total) for key, n in counts.items()}
    given = {key: int(quota) for key, quota in quotas.items()}
    left = size - sum(given.values())
    by_remainder = sorted(counts, key=lambda k: (-(quotas[k] - given[k]), -counts[k], k))
    for key in by_remainder[:left]:
        given[key] += 1
    if size >= len(counts):
        for key in sorted(counts):
            if given[key] == 0 and counts[key] > 0:
                donor = min(
                    (k for k in sorted(counts) if given[k] >= 2),
                    key=lambda k: (-(given[k] - quotas[k]), k),
                )
                given[donor] -= 1
                given[key] += 1
    return given


def draw_sample(
    seed: int | str,
    candidates: Iterable[Candidate],
    size: int,
    stratify_by: Callable[[Candidate], str] | None = None,
) -> list[Candidate]:
    """``size`` of ``candidates`` (all of them when there are fewer), in the order drawn,
    by ``random.Random(seed).sample`` over the candidates sorted by id. With ``stratify_by``,
    the size is shared among the strata (``allocation``) and each stratum, in the order of its
    key, is drawn from with the same generator. The same seed and candidates give the same
    sample, whatever order the candidates come in."""
    rng = random.Random(seed)
    ordered = sorted(candidates, key=lambda candidate: candidate.pk)
    if stratify_by is None:
        return rng.sample(ordered, min(size, len(ordered)))
    strata: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in ordered:
        strata[stratify_by(candidate)].append(candidate)
    shares = allocation({key: len(rows) for key, rows in strata.items()}, size)
    drawn: list[Candidate] = []
    for key in sorted(strata):
        drawn += rng.sample(strata[key], shares[key])
    return drawn


def by_township(candidate: Candidate) -> str:
    return candidate.stratum


# -- the records a round draws from ---------------------------------------------------------


def _under(region: Region, field: str):
    return ranges_q([code_range(region.code, region.level)], field)


def _household_candidates(region: Region, on: datetime.date) -> list[Candidate]:
    """Open households in the programme (registered or monitored) under the place."""
    rows = (
        Household.objects.filter(_under(region, "region_id"), closed_on=None)
        .filter(status__in=NEEDS_HELPER)
        .values_list("pk", "region_id")
    )
    return [Candidate(pk, code, township_code(code)) for pk, code in rows]


def _own_or_round(code: str, region: Region) -> str:
    """A helper's or unit's own place when it lies under the round's place (a township's
    cadre), else the round's place (a county bureau's cadre helping in a township)."""
    lo, hi = code_range(region.code, region.level)
    return code if lo <= code < hi else region.code


def _current_pairings(region: Region) -> QuerySet[Pairing]:
    return Pairing.objects.filter(
        _under(region, "region_id"), ended_on=None, household__closed_on=None
    )


def _helper_candidates(region: Region, on: datetime.date) -> list[Candidate]:
    """Helpers with a current pairing with a household under the place; drawn in the
    township of the first (lowest-coded) place they help in."""
    works: dict[int, tuple[str, str]] = {}
    rows = (
        _current_pairings(region)
        .filter(helper__isnull=False, helper__left_on=None)
        .values_list("helper_id", "helper__region_id", "region_id")
    )
    for pk, own, work in rows:
        if pk not in works or work < works[pk][1]:
            works[pk] = (own, work)
    return [
        Candidate(pk, _own_or_round(own, region), township_code(work))
        for pk, (own, work) in works.items()
    ]


def _unit_candidates(region: Region, on: datetime.date) -> list[Candidate]:
    """Units whose helpers have a current pairing under the place, and units paired with a
    household there themselves (企业结对); drawn in the township of the first place helped."""
    works: dict[int, tuple[str, str]] = {}
    pairings = _current_pairings(region)
    rows = list(
        pairings.filter(helper__isnull=False, helper__left_on=None).values_list(
            "helper__unit_id", "helper__unit__region_id", "region_id"
        )
    ) + list(
        pairings.filter(unit__isnull=False).values_list("unit_id", "unit__region_id", "region_id")
    )
    for pk, own, work in rows:
        if pk not in works or work < works[pk][1]:
            works[pk] = (own, work)
    return [
        Candidate(pk, _own_or_round(own, region), township_code(work))
        for pk, (own, work) in works.items()
    ]


def _team_candidates(region: Region, on: datetime.date) -> list[Candidate]:
    """Resident work teams in post, stationed in a village under the place."""
    rows = Team.objects.filter(_under(region, "region_id")).filter(in_post(on))
    return [
        Candidate(pk, code, township_code(code)) for pk, code in rows.values_list("pk", "region_id")
    ]


CANDIDATES: dict[str, Callable[[Region, datetime.date], list[Candidate]]] = {
    SampleKind.HOUSEHOLD: _household_candidates,
    SampleKind.HELPER: _helper_candidates,
    SampleKind.UNIT: _unit_candidates,
    SampleKind.TEAM: _team_candidates,
}


def candidates_of(region: Region, kind: str, on: datetime.date) -> list[Candidate]:
    """The records of ``kind`` a round of ``region`` draws from on day ``on``, by id."""
    return sorted(CANDIDATES[kind](region, on), key=lambda candidate: candidate.pk)


def by_stratum(candidates: Iterable[Candidate]) -> dict[str, list[int]]:
    """The candidates' ids township by township, as a draw's audit entry keeps them."""
    kept: dict[str, list[int]] = defaultdict(list)
    for candidate in sorted(candidates, key=lambda c: c.pk):
        kept[candidate.stratum].append(candidate.pk)
    return dict(sorted(kept.items()))


def drawn_again(
    seed: int, kept: dict[str, list[int]], size: int, stratified: bool, kind: str
) -> list[int]:
    """The ids a draw picks from the candidates an audit entry kept (``by_stratum``)."""
    candidates = [Candidate(pk, "", key) for key, ids in kept.items() for pk in ids]
    picked = draw_sample(
        kind_seed(seed, kind), candidates, size, by_township if stratified else None
    )
    return [candidate.pk for candidate in picked]
