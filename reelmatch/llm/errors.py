"""The errors the AI client raises, in the app's own types (`reelmatch.errors`).

Messages are shown to people as they are: they name the problem and what to check, never the
server's raw text, the prompt or the key.
"""

from __future__ import annotations

import openai

from reelmatch.errors import RateLimited, ReelmatchError, UpstreamUnavailable
from reelmatch.llm.retry import retry_after_seconds


class AiRefused(UpstreamUnavailable):
    """The model declined to answer (a refusal or a content filter), so there are no picks."""


def translate_sdk_error(
    error: openai.OpenAIError, *, attempts: int, timeout: float
) -> ReelmatchError:
    """A user-facing error for an SDK failure after `attempts` tries."""
    tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
    if isinstance(error, openai.RateLimitError):
        wait = retry_after_seconds(error)
        when = f"; try again in {wait:.0f} s" if wait is not None else ""
        return RateLimited(
            f"The AI service is rate limiting requests ({tries}){when}.", retry_after=wait
        )
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return UpstreamUnavailable(
            f"The AI service rejected the API key (HTTP {error.status_code}); check OPENAI_API_KEY."
        )
    if isinstance(error, openai.APIStatusError):
        if error.status_code >= 500 or error.status_code == 408:
            what = f"is unavailable (HTTP {error.status_code}, {tries})"
        else:
            what = f"refused the request (HTTP {error.status_code})"
        return UpstreamUnavailable(f"The AI service {what}.")
    if isinstance(error, openai.APITimeoutError):
        return UpstreamUnavailable(f"The AI service did not answer within {timeout:g} s.")
    if isinstance(error, openai.APIConnectionError):
        return UpstreamUnavailable(f"The AI service could not be reached ({tries}).")
    return UpstreamUnavailable("The AI service sent an answer that could not be read.")
