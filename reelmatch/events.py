"""What services and clients use to record analytics events, without knowing where they go.

The batching recorder that writes them to the `events` table lives in `reelmatch.services`;
everything below the services depends only on this protocol.
"""

from __future__ import annotations

from typing import Any, Protocol


class EventSink(Protocol):
    def record(
        self,
        kind: str,
        *,
        user_id: int | None = None,
        duration_ms: float | None = None,
        **properties: Any,
    ) -> None:
        """Queue one event; must return quickly and never raise."""


class DiscardEvents:
    """An `EventSink` for tools that do not record analytics (migrations, benchmarks)."""

    def record(
        self,
        kind: str,
        *,
        user_id: int | None = None,
        duration_ms: float | None = None,
        **properties: Any,
    ) -> None:
        return None
