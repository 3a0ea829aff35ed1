"""What services and clients use to record analytics events, without knowing where they go.

The batching recorder that writes them to the `events` table lives in
`reelmatch.services.event_recorder`; everything below the services depends only on this
protocol. Record through a service or client, never from a page.

Event kinds and the properties each one carries (pass them as keyword arguments to
`record`; anything not listed is kept in the event's JSON `properties`):

| kind | properties | duration_ms |
|---|---|---|
| `login` | | |
| `page_view` | `page` | render time |
| `search` | `query_length`, `results` (the query text is not kept) | |
| `rating_set` | `movie_id`, `rating` | |
| `rating_cleared` | `movie_id` | |
| `watchlist_add` | `movie_id` | |
| `watch_logged` | `movie_id` | |
| `import_done` | `source` (letterboxd, imdb, ...) and its counts (below) | import time |
| `recommendation_shown` | `engine`, `movie_id`, `run_id` | |
| `recommendation_clicked` | `engine`, `movie_id`, `run_id` | |
| `recommendation_feedback` | `engine`, `movie_id`, `feedback` (up, down, ...) | |
| `recommendation_converted` | `engine`, `movie_id`, `how` (watchlisted, rated, watched) | |
| `api_call` | `service` (tmdb, openai), `endpoint`, `status`, `cache`, `outcome` | latency |
| `error` | `where`, `type` | |
| `ai_usage` | `model`, `tokens` (or `prompt_tokens` + `completion_tokens`), `cost_usd` | |

`endpoint` is the route template (`/movie/{id}`), never a URL with ids or keys in it;
`cache` is hit, miss or stale. An `api_call` with `status` 0 means no response; its
`outcome` says why (`timeout`, `connection_error`). A response that could not be read keeps
its own HTTP status, with `outcome` `invalid_response`. The counts of `import_done` are
`rated`, `watchlisted`, `diary_entries` and `unmatched`. An `error` is a typed error shown
to someone: `where` is the page or area, `type` the error's class name (never its message).
`latency_ms` and `render_ms` are accepted as aliases of `duration_ms`. Properties never hold
secrets.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

LOGIN = "login"
PAGE_VIEW = "page_view"
SEARCH = "search"
RATING_SET = "rating_set"
RATING_CLEARED = "rating_cleared"
WATCHLIST_ADD = "watchlist_add"
WATCH_LOGGED = "watch_logged"
IMPORT_DONE = "import_done"
RECOMMENDATION_SHOWN = "recommendation_shown"
RECOMMENDATION_CLICKED = "recommendation_clicked"
RECOMMENDATION_FEEDBACK = "recommendation_feedback"
RECOMMENDATION_CONVERTED = "recommendation_converted"
API_CALL = "api_call"
ERROR = "error"
AI_USAGE = "ai_usage"

#: Every kind the analytics understand (others are stored but not charted).
KINDS: tuple[str, ...] = (
    LOGIN,
    PAGE_VIEW,
    SEARCH,
    RATING_SET,
    RATING_CLEARED,
    WATCHLIST_ADD,
    WATCH_LOGGED,
    IMPORT_DONE,
    RECOMMENDATION_SHOWN,
    RECOMMENDATION_CLICKED,
    RECOMMENDATION_FEEDBACK,
    RECOMMENDATION_CONVERTED,
    API_CALL,
    ERROR,
    AI_USAGE,
)

#: Values of the `cache` property of `api_call`.
CACHE_HIT, CACHE_MISS, CACHE_STALE = "hit", "miss", "stale"


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


@contextmanager
def timed_event(
    sink: EventSink,
    kind: str,
    *,
    user_id: int | None = None,
    unless: tuple[type[BaseException], ...] = (),
    **properties: Any,
) -> Iterator[dict[str, Any]]:
    """Record `kind` with the time the block took as `duration_ms` (also when it raises,
    except for the exception types in `unless`: a run cut short to start over is not one).
    The yielded dict takes properties learned inside the block. The hook for page views:
    `with timed_event(events, PAGE_VIEW, user_id=user.id, page="Discover"): render()`."""
    extra: dict[str, Any] = {}
    start = time.perf_counter()
    try:
        yield extra
    except unless:
        raise
    except BaseException:
        _record_elapsed(sink, kind, start, user_id=user_id, properties={**properties, **extra})
        raise
    _record_elapsed(sink, kind, start, user_id=user_id, properties={**properties, **extra})


def _record_elapsed(
    sink: EventSink, kind: str, start: float, *, user_id: int | None, properties: dict[str, Any]
) -> None:
    elapsed = (time.perf_counter() - start) * 1000
    sink.record(kind, user_id=user_id, duration_ms=elapsed, **properties)
