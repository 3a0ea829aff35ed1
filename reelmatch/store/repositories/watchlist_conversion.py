"""Watchlist → watched conversion from the rollups' sets of watchlisted (user, movie) pairs
(decision 91): the cohort is the union of the period's daily sets, each pair's first local
day the first set holding it; only the pairs with a diary entry near the period are looked
up. Same answer as the raw-event query in `AnalyticsRepository.watchlist_conversion`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select

from reelmatch.store import id_sets
from reelmatch.store.id_sets import PAIR_SHIFT, WATCHLISTED, Pairs
from reelmatch.store.models import EventRow, WatchRow
from reelmatch.store.repositories.rolled_sets import RolledSets
from reelmatch.store.repositories.rollups import pair_key, set_members
from reelmatch.store.rollup_plan import Interval, merge_intervals
from reelmatch.store.sql import LocalDays, epoch_day, joined_ints, rows_by_day, split_ints

EPOCH = date(1970, 1, 1)


def conversion(sets: RolledSets, days: LocalDays, *, window_days: int) -> tuple[int, int] | None:
    """(pairs watchlisted in `days`, of those watched within `window_days` of the local day
    they were first watchlisted); None when no day of `days` is rolled up."""
    plans = [sets.plan((b.start, b.stop)) for b in days.bounds]
    if not any(p.rolled for p in plans):
        return None
    sets.load(WATCHLISTED, plans)
    raw = _raw_pairs(sets, days, [piece for p in plans for piece in p.raw])
    per_day = [
        id_sets.union_pairs([sets.union(WATCHLISTED, p), *raw.get(i, [])])
        for i, p in enumerate(plans)
    ]
    cohort = id_sets.union_pairs(per_day)
    existing = np.array(sets.existing_users().to_array(), dtype=np.int64)
    cohort = cohort[id_sets.member_of(cohort >> PAIR_SHIFT, existing)]  # deleted accounts'
    last = days.bounds[-1].day + timedelta(days=window_days)
    keys, watched_on = _watches(sets, days.bounds[0].day, last)
    keep = id_sets.member_of(keys, cohort)
    keys, watched_on = keys[keep], watched_on[keep]
    candidates = id_sets.sorted_unique(keys)
    first = np.zeros(len(candidates), dtype=np.int64)  # each candidate's first day
    remaining = candidates
    for bound, pairs in zip(days.bounds, per_day, strict=True):
        if not len(remaining):
            break
        found = np.intersect1d(pairs, remaining, assume_unique=True)
        if len(found):
            first[np.searchsorted(candidates, found)] = (bound.day - EPOCH).days
            remaining = np.setdiff1d(remaining, found, assume_unique=True)
    since = first[np.searchsorted(candidates, keys)]
    converted = keys[(watched_on >= since) & (watched_on <= since + window_days)]
    return len(cohort), len(id_sets.sorted_unique(converted))


def _raw_pairs(
    sets: RolledSets, days: LocalDays, pieces: Sequence[Interval]
) -> dict[int, list[Pairs]]:
    """The pairs watchlisted in the raw pieces, per local day."""
    if not pieces:
        return {}
    member, where = set_members()[WATCHLISTED]
    rows = rows_by_day(
        days,
        EventRow.ts,
        member.label("pair"),
        where=where,
        dialect=sets.connection.dialect.name,
        pieces=merge_intervals(pieces),
    )
    found: dict[int, list[int]] = defaultdict(list)
    for i, pair in sets.connection.execute(select(rows.c.i, rows.c.pair).distinct()).all():
        found[int(i)].append(int(pair))
    return {i: [id_sets.pairs_of(keys)] for i, keys in found.items()}


def _watches(sets: RolledSets, first: date, last: date) -> tuple[Pairs, np.ndarray]:
    """The diary between `first` and `last`: (pair, day since 1970) per entry."""
    pair = pair_key(WatchRow.user_id, WatchRow.movie_id)
    day = epoch_day(WatchRow.watched_on, sets.connection.dialect.name)
    query = select(joined_ints(pair, day)).where(
        WatchRow.watched_on >= first, WatchRow.watched_on <= last
    )
    rows = split_ints(sets.connection.scalar(query), 2)
    return rows[:, 0], rows[:, 1]
