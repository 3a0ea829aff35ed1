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
from reelmatch.store.rollup_plan import Interval, merge
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
    cohort, first = _first_days(per_day, days)
    cohort, first = _of_existing_users(sets, cohort, first)
    if not len(cohort):
        return 0, 0
    last = days.bounds[-1].day + timedelta(days=window_days)
    keys, watched_on = _watches(sets, days.bounds[0].day, last)
    at = np.minimum(np.searchsorted(cohort, keys), len(cohort) - 1)
    watched = cohort[at] == keys  # diary entries of pairs in the cohort
    keys, since = keys[watched], first[at[watched]]
    on = watched_on[watched]
    converted = keys[(on >= since) & (on <= since + window_days)]
    return len(cohort), len(id_sets.sorted_unique(converted))


def _first_days(per_day: Sequence[Pairs], days: LocalDays) -> tuple[Pairs, np.ndarray]:
    """The union of the days' pairs, sorted, and the day (since 1970) each was first in.
    One stable sort of all the days' pairs in day order puts each pair's first day first
    (a sort per day of what was left cost more)."""
    every = np.concatenate([np.empty(0, dtype=np.int64), *per_day])
    day_numbers = np.array([(b.day - EPOCH).days for b in days.bounds], dtype=np.int64)
    on_day = np.repeat(day_numbers, [len(pairs) for pairs in per_day])
    order = np.argsort(every, kind="stable")
    ordered = every[order]
    firsts = id_sets.firsts_of_runs(ordered)
    return ordered[firsts], on_day[order[firsts]]


def _of_existing_users(
    sets: RolledSets, cohort: Pairs, first: np.ndarray
) -> tuple[Pairs, np.ndarray]:
    """The pairs of accounts that still exist (a deleted account's events went with it).
    The cohort is sorted, so each user's pairs are a run: users are looked up once each."""
    if not len(cohort):
        return cohort, first
    users = cohort >> PAIR_SHIFT
    starts, lengths = id_sets.runs(users)
    existing = np.array(sets.existing_users().to_array(), dtype=np.int64)
    alive = id_sets.member_of(users[starts], existing)
    if alive.all():
        return cohort, first
    keep = np.repeat(alive, lengths)
    return cohort[keep], first[keep]


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
        pieces=merge(pieces),
    )
    found: dict[int, list[int]] = defaultdict(list)
    for i, pair in sets.connection.execute(select(rows.c.i, rows.c.pair).distinct()).all():
        found[int(i)].append(int(pair))
    return {i: [id_sets.pairs_of(keys)] for i, keys in found.items()}


def _watches(sets: RolledSets, first: date, last: date) -> tuple[Pairs, np.ndarray]:
    """The diary between `first` and `last`: (pair, day since 1970) per entry. Each column
    is joined on its own (both aggregates see the rows in the same order): SQLite spent a
    third of the time building one "pair,day" string per row."""
    pair = pair_key(WatchRow.user_id, WatchRow.movie_id)
    day = epoch_day(WatchRow.watched_on, sets.connection.dialect.name)
    query = select(joined_ints(pair), joined_ints(day)).where(
        WatchRow.watched_on >= first, WatchRow.watched_on <= last
    )
    pairs, days = sets.connection.execute(query).one()
    return split_ints(pairs)[:, 0], split_ints(days)[:, 0]
