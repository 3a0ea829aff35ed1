"""An `EventSink` that keeps what it is given, for tests that check recorded events."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedEvent:
    kind: str
    user_id: int | None
    duration_ms: float | None
    properties: dict[str, Any] = field(default_factory=dict)


class RecordingEvents:
    def __init__(self) -> None:
        self.events: list[RecordedEvent] = []
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
            self.events.append(RecordedEvent(kind, user_id, duration_ms, properties))

    def api_calls(self, **wanted: Any) -> list[dict[str, Any]]:
        """Properties of the `api_call` events whose properties include `wanted`."""
        with self._lock:
            calls = [e.properties for e in self.events if e.kind == "api_call"]
        return [c for c in calls if all(c.get(k) == v for k, v in wanted.items())]
