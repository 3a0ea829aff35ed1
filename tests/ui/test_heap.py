"""The heap keeper: long-lived objects leave the per-run collection, garbage is never kept."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from reelmatch.ui.heap import HeapKeeper


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector can free it


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture
def keeper() -> Iterator[HeapKeeper]:
    made = HeapKeeper(threshold=5_000)
    yield made
    made.close()


def test_the_first_run_settles(keeper: HeapKeeper) -> None:
    keeper.after_run()
    assert keeper.stats.settles == 1
    keeper.after_run()
    assert keeper.stats.settles == 1


def test_settle_freezes_what_is_alive(keeper: HeapKeeper) -> None:
    alive = [Node() for _ in range(100)]
    keeper.settle()
    assert gc.get_freeze_count() >= len(alive)
    assert keeper.stats.settles == 1
    assert not [obj for obj in gc.get_objects() if obj is alive[0]]  # frozen: not tracked


def test_garbage_is_collected_before_freezing(keeper: HeapKeeper) -> None:
    garbage = Node()
    collected = weakref.ref(garbage)
    del garbage
    keeper.settle()
    assert collected() is None


def test_frozen_objects_that_die_are_reclaimed_when_a_settle_thaws(keeper: HeapKeeper) -> None:
    node = Node()
    gone = weakref.ref(node)
    keeper.settle()
    del node
    gc.collect()
    assert gone() is not None  # frozen: a plain collection does not see it
    keeper.settle(thaw=False)
    assert gone() is not None  # a cheap settle walks only what is not frozen
    keeper.settle(thaw=True)
    assert gone() is None


def test_every_nth_settle_thaws() -> None:
    keeper = HeapKeeper(thaw_every=3)
    try:
        for _ in range(7):
            keeper.settle()
        assert (keeper.stats.settles, keeper.stats.thaws) == (7, 3)  # the 1st, 4th and 7th
    finally:
        keeper.close()


def test_after_run_settles_only_when_long_lived_objects_grew(keeper: HeapKeeper) -> None:
    keeper.settle()
    temporaries = [Node() for _ in range(6_000)]
    keeper.after_run()  # a run's own objects, before the post-run collection: no settle
    assert keeper.stats.settles == 1
    del temporaries
    gc.collect()  # Streamlit's post-run collection: nothing new survived
    keeper.after_run()
    assert keeper.stats.settles == 1
    kept = [Node() for _ in range(6_000)]
    gc.collect()  # these survive it: long-lived
    keeper.after_run()
    assert keeper.stats.settles == 2
    assert kept
