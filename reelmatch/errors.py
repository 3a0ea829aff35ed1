"""The error types every layer raises; `reelmatch.ui.errors` and the CLI turn them into messages.

Each error carries a message written for the person using the app: it is shown as it is,
so it never contains a secret, a SQL statement or a stack trace.
"""

from __future__ import annotations

__all__ = [
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "RateLimited",
    "ReelmatchError",
    "UpstreamUnavailable",
]


class ReelmatchError(Exception):
    """Base of every error the app expects and knows how to explain."""

    #: Exit code used by the CLI: 1 for failures, 2 for bad input.
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ReelmatchError):
    """The caller gave a value the app cannot accept (bad rating, malformed file, bad setting)."""

    exit_code = 2


class NotFound(ReelmatchError):
    """A user, movie or row does not exist (or does not belong to the acting user)."""

    exit_code = 2


class NotAllowed(ReelmatchError):
    """The acting user may not do this (not an admin, not their row, sign-up disabled)."""


class UpstreamUnavailable(ReelmatchError):
    """TMDB, OpenAI, Redis or the database failed or answered with something unusable."""


class RateLimited(UpstreamUnavailable):
    """A rate limit or budget is exhausted; `retry_after` says when trying again makes sense."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
