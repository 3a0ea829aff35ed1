"""The rollups' sets of ids (decision 91), one per hour and per UTC day, so distinct counts
over any range are the size of a union, exact, read and merged in milliseconds whatever the
number of events.

Two encodings, each the compact one for what it holds:
- users: a Roaring bitmap (pyroaring) of user ids, a few KB for thousands of users;
- watchlisted (user, movie) pairs, `user_id << 32 | movie_id`: a sorted array of unique
  64-bit ints (Roaring keeps one container per user for such keys, ~5x larger and slower).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
from pyroaring import BitMap

__all__ = ["ACTIVE_USERS", "CODECS", "PAIRS", "USERS", "WATCHLISTED", "BitMap", "Codec", "Pairs"]

S = TypeVar("S")

#: The set names in `rollup_sets_hourly` / `rollup_sets_daily`.
ACTIVE_USERS = "active_users"
WATCHLISTED = "watchlisted"
PAIR_SHIFT = 32
_PAIRS = np.dtype("<i8")


def users_of(users: Iterable[int]) -> BitMap:
    """A bitmap of user ids; a numpy array of them is sorted and copied in as one buffer,
    six times faster than from a list of Python ints (Roaring inserts sorted values at the
    end of a container instead of shifting it). Ids are 32-bit, as the tables' are."""
    if isinstance(users, np.ndarray):
        return BitMap(array("I", np.sort(users.astype(np.uint32)).tobytes()))
    return BitMap(users)


def pack_users(users: Iterable[int]) -> bytes:
    return bytes((users if isinstance(users, BitMap) else BitMap(users)).serialize())


def unpack_users(packed: bytes) -> BitMap:
    return BitMap.deserialize(packed)


def union_users(sets: Sequence[BitMap]) -> BitMap:
    found = list(sets)
    return BitMap.union(*found) if found else BitMap()


Pairs = np.ndarray


def pairs_of(keys: Iterable[int]) -> Pairs:
    if isinstance(keys, np.ndarray):
        return sorted_unique(keys.astype(_PAIRS))
    return sorted_unique(np.fromiter(keys, dtype=_PAIRS))


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """`np.unique` by sorting (numpy 2's hashing `unique` is ~4x slower on these arrays)."""
    ordered = np.sort(values)
    unique: np.ndarray = ordered[firsts_of_runs(ordered)]
    return unique


def firsts_of_runs(ordered: np.ndarray) -> np.ndarray:
    """Which values of sorted `ordered` differ from the one before (the first of each run of
    equal values), as a mask."""
    firsts = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=firsts[1:])
    return firsts


def runs(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal values in sorted `ordered` starts, and how long it is."""
    starts = np.flatnonzero(firsts_of_runs(ordered))
    return starts, np.diff(np.append(starts, len(ordered)))


def pack_pairs(pairs: Pairs) -> bytes:
    return pairs.astype(_PAIRS).tobytes()


def unpack_pairs(packed: bytes) -> Pairs:
    return np.frombuffer(packed, dtype=_PAIRS)


def member_of(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Which `values` are in `members` (sorted and unique), by binary search."""
    if not len(members):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(members, values), len(members) - 1)
    found: np.ndarray = members[at] == values
    return found


def union_pairs(sets: Sequence[Pairs]) -> Pairs:
    if len(sets) == 1:
        return sets[0]  # already sorted and unique
    return sorted_unique(np.concatenate(sets)) if sets else np.empty(0, dtype=_PAIRS)


@dataclass(frozen=True)
class Codec(Generic[S]):
    """How one kind of set is made, stored and merged."""

    of: Callable[[Iterable[int]], S]
    pack: Callable[[S], bytes]
    unpack: Callable[[bytes], S]
    union: Callable[[Sequence[S]], S]


USERS: Codec[BitMap] = Codec(users_of, pack_users, unpack_users, union_users)
PAIRS: Codec[Pairs] = Codec(pairs_of, pack_pairs, unpack_pairs, union_pairs)
CODECS: dict[str, Codec[Any]] = {ACTIVE_USERS: USERS, WATCHLISTED: PAIRS}
