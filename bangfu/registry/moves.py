"""Records of the apps above the registry that keep a copy of their household's place
(pairings, visits, follow-ups…), so that scoping reads them by index. When a household moves
to another village or group, they move with it, in the registry's transaction: the new
village's staff see the household's whole history, and the old village's no longer do.

The registry may not import those apps; each registers, when Django starts
(``AppConfig.ready``), a function that moves its records of one household.
"""

from collections.abc import Callable

Follower = Callable[[int, str], None]  # (household id, its new place's code)
FOLLOWERS: list[Follower] = []


def follow(move: Follower) -> None:
    if move not in FOLLOWERS:
        FOLLOWERS.append(move)


def household_moved(household_id: int, region_code: str) -> None:
    """Called by the registry's services, inside their transaction, after a move."""
    for move in FOLLOWERS:
        move(household_id, region_code)


# Records of one person (health records, departments' records…) follow the person to another
# household: a move, a split or a merge.
MemberFollower = Callable[[int, int, str], None]  # (member id, new household id, its place)
MEMBER_FOLLOWERS: list[MemberFollower] = []


def follow_member(move: MemberFollower) -> None:
    if move not in MEMBER_FOLLOWERS:
        MEMBER_FOLLOWERS.append(move)


def member_moved(member_id: int, household_id: int, region_code: str) -> None:
    """Called by the registry's services, inside their transaction (audited there), when a
    member joins another household, at its place or another."""
    for move in MEMBER_FOLLOWERS:
        move(member_id, household_id, region_code)
