"""When to try an OpenAI request again, and how long to wait first.

The SDK can retry by itself, but it honours a `Retry-After` of up to two minutes and retries
timeouts, so one page view could hang for minutes. We switch it off (`max_retries=0`) and use
tenacity with our own rules: retry 408, 429, 5xx and connection failures with exponential
back-off and jitter; follow `Retry-After` only up to `max_retry_after` (longer means "give up
now, say when to come back"); never retry a timeout (it already cost the full timeout).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import openai
from tenacity import RetryCallState, wait_exponential_jitter

from reelmatch.domain.retry_after import retry_after

TRANSIENT_STATUSES = frozenset({408, 429})


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    max_retries: int = 2
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 10.0


def is_transient(error: BaseException) -> bool:
    """A failure that may well succeed on a second try."""
    if isinstance(error, openai.APITimeoutError):
        return False
    if isinstance(error, openai.APIConnectionError):
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code in TRANSIENT_STATUSES or error.status_code >= 500
    return False


def retry_after_seconds(error: BaseException) -> float | None:
    """The server's requested delay (`retry-after-ms`, `retry-after` in seconds or as an HTTP
    date), or None when it gave none."""
    if not isinstance(error, openai.APIStatusError):
        return None
    return retry_after(error.response.headers)


def wait_strategy(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    """The server's `Retry-After` when it sent one, else exponential back-off with jitter."""
    backoff = wait_exponential_jitter(
        multiplier=policy.backoff_initial, max=policy.backoff_max, jitter=policy.backoff_initial
    )

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(error) if error else None
        return asked if asked is not None else float(backoff(state))

    return wait


def stop_strategy(policy: RetryPolicy) -> Callable[[RetryCallState], bool]:
    """Stop after `max_retries` retries, or at once when told to wait too long."""

    def stop(state: RetryCallState) -> bool:
        if state.attempt_number > policy.max_retries:
            return True
        error = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(error) if error else None
        return asked is not None and asked > policy.max_retry_after

    return stop
