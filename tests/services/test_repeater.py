"""The background loop both app threads run on: waits, wakes, stops, starts once."""

from __future__ import annotations

import threading
import time

from reelmatch.services.repeater import Repeater


def test_a_step_waits_what_it_returned_unless_woken_and_stops_cleanly() -> None:
    calls: list[float] = []
    stepped = threading.Event()

    def step() -> float:
        calls.append(time.monotonic())
        stepped.set()
        return 60.0  # far longer than the test: only wake() brings the next step

    loop = Repeater(step, name="test-repeater")
    loop.start()
    loop.start()  # once only
    assert stepped.wait(2)
    assert loop.running
    assert [t.name for t in threading.enumerate()].count("test-repeater") == 1
    stepped.clear()
    time.sleep(0.1)
    assert len(calls) == 1  # waiting its 60 s
    loop.wake()
    assert stepped.wait(2)
    assert len(calls) == 2
    loop.stop(timeout=2)
    assert not loop.running
    assert loop.sleep(10) is True  # stopping: a step's pacing returns at once


def test_the_first_step_waits_the_first_delay() -> None:
    stepped = threading.Event()
    loop = Repeater(lambda: stepped.set() or 60.0, name="test-delayed", first_delay=60.0)
    loop.start()
    assert not stepped.wait(0.2)
    loop.wake()  # a wake also cuts the first delay short
    assert stepped.wait(2)
    loop.stop(timeout=2)
