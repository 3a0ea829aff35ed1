"""The one HTTP client for TMDB v3: auth, rate limiting, retries, error mapping, telemetry.

One `httpx.Client` (pooled connections, thread-safe) per process; base URL and transport are
injectable, so tests point it at a loopback server that speaks TMDB. Every upstream attempt
waits for the shared rate limiter, is logged as one line and recorded as an `api_call` event
(`cache="miss"`, with the `cache_kind` the caller passed). Retries use exponential backoff
with jitter on 5xx, timeouts and connection errors, and honour `Retry-After` on 429 (up to
`MAX_RETRY_AFTER`; a longer wait raises `RateLimited` at once). Errors come out typed: 401 ->
`UpstreamUnavailable` about the credentials, 404 -> `NotFound`, unusable bodies ->
`UpstreamUnavailable`. Messages never contain the key, the token or the URL.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from reelmatch.cache.ratelimit import RateLimiter
from reelmatch.domain.retry_after import parse_retry_after
from reelmatch.errors import NotFound, RateLimited, UpstreamUnavailable
from reelmatch.events import DiscardEvents, EventSink
from reelmatch.observability import log_request, scrub_logger

log = logging.getLogger("reelmatch.tmdb")

MAX_RETRY_AFTER = 10.0
DEFAULT_RETRY_AFTER = 1.0
BAD_CREDENTIALS = "TMDB rejected the credentials: check TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN."


class TmdbUnavailable(UpstreamUnavailable):
    """TMDB failed; `status` is the HTTP status, or 0 when no response came back."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class TmdbRateLimited(RateLimited):
    status = 429


class _Retryable(Exception):
    """An attempt failed in a way worth retrying; carries the error to raise if none is left."""

    def __init__(self, error: UpstreamUnavailable, *, retry_after: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


class TmdbClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None = None,
        read_token: str | None = None,
        limiter: RateLimiter | None = None,
        events: EventSink | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        concurrency: int = 20,
        backoff: float = 0.25,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not api_key and not read_token:
            raise ValueError("TmdbClient needs an API key or a read access token")
        self.concurrency = concurrency
        self._api_key = None if read_token else api_key
        self._limiter = limiter
        self._events = events or DiscardEvents()
        self._retries = retries
        self._backoff = wait_exponential_jitter(multiplier=backoff, max=8 * backoff, jitter=backoff)
        headers = {"Accept": "application/json", "User-Agent": "reelmatch/0.1"}
        if read_token:
            headers["Authorization"] = f"Bearer {read_token}"
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            transport=transport,
        )
        scrub_logger("httpx")  # it logs each request URL; the v3 key travels in the query

    def get_json(
        self,
        endpoint: str,
        params: Mapping[str, Any] | None = None,
        *,
        cache_kind: str | None = None,
    ) -> dict[str, Any]:
        """GET `endpoint` (relative to the base URL) and return its JSON object. `cache_kind`
        (list, movie, search, reference) labels the events of a request made for a cache
        miss, so hit rates can be told apart per kind."""
        retrying = Retrying(
            stop=stop_after_attempt(self._retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        try:
            result: dict[str, Any] = retrying(
                self._attempt, endpoint, dict(params or {}), cache_kind
            )
        except _Retryable as failed:
            raise failed.error from None
        return result

    def close(self) -> None:
        self._http.close()

    # One attempt ------------------------------------------------------------------------------

    def _attempt(
        self, endpoint: str, params: dict[str, Any], cache_kind: str | None
    ) -> dict[str, Any]:
        if self._limiter is not None:
            self._limiter.acquire()
        if self._api_key:
            params = {**params, "api_key": self._api_key}
        started = time.perf_counter()
        try:
            response = self._http.get(endpoint.lstrip("/"), params=params)
        except httpx.TimeoutException:
            self._report(endpoint, 0, started, cache_kind, outcome="timeout")
            raise _Retryable(TmdbUnavailable("TMDB did not answer in time.", status=0)) from None
        except httpx.TransportError as error:
            self._report(
                endpoint,
                0,
                started,
                cache_kind,
                outcome="connection_error",
                error=type(error).__name__,
            )
            raise _Retryable(TmdbUnavailable("TMDB could not be reached.", status=0)) from None
        self._report(endpoint, response.status_code, started, cache_kind)
        return _parse(response)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return error.retry_after
        return float(self._backoff(state))

    def _report(
        self,
        endpoint: str,
        status: int,
        started: float,
        cache_kind: str | None,
        *,
        outcome: str = "",
        error: str = "",
    ) -> None:
        """One log line and one `api_call` event. `status` 0 means no response came back;
        `outcome` then says why (timeout, connection_error), as the OpenAI client's events do."""
        latency_ms = round((time.perf_counter() - started) * 1000, 2)
        template = endpoint_template(endpoint)
        reason: dict[str, Any] = {"outcome": outcome} if outcome else {}
        log_request(
            log,
            service="tmdb",
            endpoint=template,
            status=status,
            latency_ms=latency_ms,
            cache="miss",
            error=error or outcome or None,
        )
        self._events.record(
            "api_call",
            duration_ms=latency_ms,
            service="tmdb",
            endpoint=template,
            status=status,
            latency_ms=latency_ms,
            cache="miss",
            cache_kind=cache_kind,
            **reason,
        )


def _parse(response: httpx.Response) -> dict[str, Any]:
    status = response.status_code
    if status == 401:
        raise TmdbUnavailable(BAD_CREDENTIALS, status=401)
    if status == 404:
        raise NotFound("TMDB has no such item.")
    if status == 429:
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        error = TmdbRateLimited("TMDB asked us to slow down; try again shortly.", retry_after=wait)
        if wait > MAX_RETRY_AFTER:
            raise error
        raise _Retryable(error, retry_after=wait)
    if status >= 500:
        raise _Retryable(TmdbUnavailable(f"TMDB is having trouble (HTTP {status}).", status=status))
    if status >= 400:
        raise TmdbUnavailable(f"TMDB refused the request (HTTP {status}).", status=status)
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise TmdbUnavailable("TMDB sent a response that is not valid JSON.", status=status)
    return data


def retry_after_seconds(header: str | None) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); TMDB's default
    when it sent none we understand."""
    seconds = parse_retry_after(header)
    return DEFAULT_RETRY_AFTER if seconds is None else seconds


_ID_SEGMENT = re.compile(r"^(?:\d+|tt\d+|nm\d+)$")


def endpoint_template(endpoint: str) -> str:
    """`movie/550` -> `movie/{id}`, so events and logs group by kind of request."""
    parts = endpoint.strip("/").split("/")
    return "/".join("{id}" if _ID_SEGMENT.match(part) else part for part in parts)
