"""An `EventSink` that keeps what it is given, for tests that assert on analytics events."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordedEvent:
    kind: str
    user_id: int | None
    duration_ms: float | None
    properties: dict[str, Any] = field(default_factory=dict)


class RecordingEvents:
    def __init__(self) -> None:
        self._events: list[RecordedEvent] = []
        self._lock = threading.Lock()

    def record(
        self,
        kind: str,
        *,
        user_id: int | None = None,
        duration_ms: float | None = None,
        **properties: Any,
    ) -> None:
        with self._lock:
            self._events.append(RecordedEvent(kind, user_id, duration_ms, dict(properties)))

    @property
    def events(self) -> list[RecordedEvent]:
        with self._lock:
            return list(self._events)

    def of_kind(self, kind: str) -> list[RecordedEvent]:
        return [event for event in self.events if event.kind == kind]

    def api_calls(self, **wanted: Any) -> list[dict[str, Any]]:
        """Properties of the `api_call` events whose properties include `wanted`."""
        calls = [event.properties for event in self.of_kind("api_call")]
        return [call for call in calls if all(call.get(k) == v for k, v in wanted.items())]
