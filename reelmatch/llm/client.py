"""The one OpenAI client of the app: chat completions with structured output, retries,
cost accounting, analytics events and one log line per request.

Works with any OpenAI-compatible server (`OPENAI_BASE_URL`). Tests point it at the loopback
fake in `tests/support/fake_openai.py` through the real SDK.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from pydantic import SecretStr
from tenacity import Retrying, retry_if_exception

from reelmatch.config import Settings
from reelmatch.errors import InvalidInput, ReelmatchError, UpstreamUnavailable
from reelmatch.events import DiscardEvents, EventSink
from reelmatch.llm.errors import translate_sdk_error
from reelmatch.llm.output import check_finish, parse_picks, usage_from
from reelmatch.llm.pricing import PriceTable
from reelmatch.llm.prompts import build_messages, response_format
from reelmatch.llm.retry import RetryPolicy, is_transient, stop_strategy, wait_strategy
from reelmatch.llm.types import AiPicks, Candidate, TasteProfile
from reelmatch.observability import log_request

log = logging.getLogger(__name__)

ENDPOINT = "chat.completions"
MAX_K = 30
MAX_CANDIDATES = 100
TOKENS_PER_PICK = 80  # a pick with a one-sentence reason is ~40-60 tokens of JSON
TOKENS_OVERHEAD = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenAIConfig:
    """How to reach the model. `from_settings` reads the `OPENAI_*` settings."""

    api_key: SecretStr
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    timeout: float = 20.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    prices: PriceTable = field(default_factory=PriceTable)

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIConfig:
        if settings.openai_api_key is None:
            raise InvalidInput("AI recommendations need OPENAI_API_KEY to be set.")
        return cls(
            api_key=settings.openai_api_key,
            model=settings.openai_model,
            base_url=settings.openai_base_url,
            timeout=settings.openai_timeout,
            retry=RetryPolicy(max_retries=settings.openai_max_retries),
            prices=PriceTable(settings.openai_prices),
        )


class OpenAIClient:
    """Thread-safe (the SDK client is); build one per process and share it."""

    def __init__(
        self,
        config: OpenAIConfig,
        *,
        events: EventSink | None = None,
        http_client: httpx2.Client | None = None,
    ) -> None:
        self._config = config
        self._events: EventSink = events or DiscardEvents()
        self._sdk = openai.OpenAI(
            api_key=config.api_key.get_secret_value(),
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,  # retries are ours: see reelmatch.llm.retry
            http_client=http_client,
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, *, events: EventSink | None = None
    ) -> OpenAIClient | None:
        """The client the settings describe, or None when no `OPENAI_API_KEY` is set (the app
        then runs the local engine only)."""
        if not settings.openai_enabled:
            return None
        return cls(OpenAIConfig.from_settings(settings), events=events)

    @property
    def model(self) -> str:
        return self._config.model

    def close(self) -> None:
        self._sdk.close()

    def check_model(self) -> str:
        """One cheap request that spends no tokens: is the key accepted and the model there?
        Returns the model's id; raises like `pick_movies` does (`doctor --deep`)."""
        try:
            return self._sdk.models.retrieve(self._config.model, timeout=10.0).id
        except openai.OpenAIError as error:
            raise translate_sdk_error(error, attempts=1, timeout=10.0) from None

    def pick_movies(
        self,
        profile: TasteProfile,
        candidates: Sequence[Candidate],
        *,
        k: int,
        user_id: int | None = None,
    ) -> AiPicks:
        """Ask the model to re-rank `candidates` for `profile`: up to `k` picks, best first,
        each with a one-sentence reason. The picks are validated for shape only; ground them
        (`reelmatch.services.ai_grounding.ground_picks`) before showing them.

        `user_id` only labels the analytics events; it is never sent upstream.
        Raises `InvalidInput` for a bad `k` or candidate list, `RateLimited` when the server
        keeps answering 429, `AiRefused` on a refusal, `UpstreamUnavailable` otherwise.
        """
        _check_request(candidates, k=k)
        wanted = min(k, len(candidates))  # "pick 10" from 4 candidates invites inventions
        messages = build_messages(profile, candidates, k=wanted)
        started = time.perf_counter()
        outcome = _Outcome()
        try:
            completion = self._complete(messages, k=wanted, user_id=user_id, outcome=outcome)
            result = self._result(completion, started=started, attempts=outcome.attempts)
        except ReelmatchError as error:
            self._log_failure(error, outcome=outcome, started=started)
            raise
        self._record_usage(result, user_id=user_id)
        self._log_success(result, candidates=len(candidates), k=k)
        return result

    # One request, with retries ----------------------------------------------------------------

    def _complete(
        self,
        messages: list[ChatCompletionMessageParam],
        *,
        k: int,
        user_id: int | None,
        outcome: _Outcome,
    ) -> ChatCompletion:
        policy = self._config.retry
        retrying = Retrying(
            stop=stop_strategy(policy),
            wait=wait_strategy(policy),
            retry=retry_if_exception(is_transient),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    outcome.attempts = attempt.retry_state.attempt_number
                    return self._send(messages, k=k, user_id=user_id, outcome=outcome)
        except openai.OpenAIError as error:
            raise translate_sdk_error(
                error, attempts=outcome.attempts, timeout=self._config.timeout
            ) from None
        except ValueError:  # the SDK could not decode a 200 body that claimed to be JSON
            raise UpstreamUnavailable(
                "The AI service sent an answer that could not be read."
            ) from None
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    def _send(
        self,
        messages: list[ChatCompletionMessageParam],
        *,
        k: int,
        user_id: int | None,
        outcome: _Outcome,
    ) -> ChatCompletion:
        """One HTTP request; records an `api_call` event whatever happens. `status` is the
        HTTP status, 0 when no response came back (the analytics count both as failures);
        `outcome` says why a request failed without an HTTP error status."""
        started = time.perf_counter()
        status: int = 0
        reason: str | None = "error"  # what an unexpected exception leaves
        try:
            raw = self._sdk.chat.completions.with_raw_response.create(
                model=self._config.model,
                messages=messages,
                response_format=response_format(),
                max_completion_tokens=TOKENS_OVERHEAD + TOKENS_PER_PICK * k,
            )
            status = raw.status_code
            completion = raw.parse()
            reason = None
            return completion
        except openai.APIStatusError as error:
            status, reason = error.status_code, None
            raise
        except openai.APITimeoutError:
            reason = "timeout"
            raise
        except openai.APIConnectionError:
            reason = "connection_error"
            raise
        except ValueError:  # a body that is not JSON: the status is the response's own
            reason = "invalid_response"
            raise
        finally:
            outcome.status, outcome.reason = status, reason
            self._record_call(status, reason, started=started, user_id=user_id)

    # Results, events, logs ---------------------------------------------------------------------

    def _record_call(
        self, status: int, reason: str | None, *, started: float, user_id: int | None
    ) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        why: dict[str, Any] = {"outcome": reason} if reason else {}
        self._events.record(
            "api_call",
            user_id=user_id,
            duration_ms=elapsed,
            service="openai",
            endpoint=ENDPOINT,
            status=status,
            latency_ms=round(elapsed, 1),
            **why,
        )

    def _result(self, completion: ChatCompletion, *, started: float, attempts: int) -> AiPicks:
        try:
            choice = completion.choices[0]
            message = choice.message
            check_finish(finish_reason=choice.finish_reason, refusal=message.refusal)
            picks = parse_picks(message.content)
            usage = usage_from(completion.usage)
            model = completion.model if isinstance(completion.model, str) else ""
        except (AttributeError, IndexError, TypeError):
            raise UpstreamUnavailable(
                "The AI service sent an answer that is not a chat completion."
            ) from None
        model = model or self._config.model
        return AiPicks(
            picks=picks,
            usage=usage,
            cost_usd=self._config.prices.cost(model, usage),
            model=model,
            latency_ms=(time.perf_counter() - started) * 1000,
            attempts=attempts,
        )

    def _record_usage(self, result: AiPicks, *, user_id: int | None) -> None:
        self._events.record(
            "ai_usage",
            user_id=user_id,
            duration_ms=result.latency_ms,
            model=result.model,
            prompt_tokens=result.usage.prompt_tokens,
            completion_tokens=result.usage.completion_tokens,
            cost_usd=result.cost_usd,
        )

    def _log_success(self, result: AiPicks, *, candidates: int, k: int) -> None:
        log_request(
            log,
            service="openai",
            endpoint=ENDPOINT,
            status=200,
            latency_ms=result.latency_ms,
            model=result.model,
            outcome="ok",
            attempts=result.attempts,
            prompt_tokens=result.usage.prompt_tokens,
            completion_tokens=result.usage.completion_tokens,
            cost_usd=result.cost_usd,
            candidates=candidates,
            k=k,
            picks=len(result.picks),
        )
        if result.cost_usd is None:
            log.warning("no price for model %r: set OPENAI_PRICES to count its cost", result.model)

    def _log_failure(self, error: ReelmatchError, *, outcome: _Outcome, started: float) -> None:
        log_request(
            log,
            service="openai",
            endpoint=ENDPOINT,
            status=outcome.status if outcome.status is not None else "none",
            latency_ms=(time.perf_counter() - started) * 1000,
            level=logging.WARNING,
            model=self._config.model,
            outcome=type(error).__name__,
            reason=outcome.reason,
            attempts=outcome.attempts,
        )


@dataclass(slots=True)
class _Outcome:
    """What the retry loop learnt, for the log line."""

    attempts: int = 0
    status: int | None = None
    reason: str | None = None


def _check_request(candidates: Sequence[Candidate], *, k: int) -> None:
    if not 1 <= k <= MAX_K:
        raise InvalidInput(f"Ask for between 1 and {MAX_K} AI picks, not {k}.")
    if not candidates:
        raise InvalidInput("AI picks need at least one candidate movie to choose from.")
    if len(candidates) > MAX_CANDIDATES:
        raise InvalidInput(f"At most {MAX_CANDIDATES} candidates fit in one AI request.")
