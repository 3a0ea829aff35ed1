"""The OpenAI client against a loopback OpenAI-compatible server, through the real SDK."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import pytest

from reelmatch.errors import InvalidInput, RateLimited, UpstreamUnavailable
from reelmatch.llm import (
    MAX_CANDIDATES,
    AiPick,
    AiRefused,
    Candidate,
    DiaryNote,
    OpenAIClient,
    RatedTitle,
    TasteProfile,
    TokenUsage,
)
from reelmatch.llm.prompts import PICKS_SCHEMA, SYSTEM_PROMPT
from tests.llm.conftest import TEST_KEY
from tests.support.events import RecordingEvents
from tests.support.fake_openai import FakeOpenAI

PROFILE = TasteProfile(
    loved=(RatedTitle(title="Heat", year=1995, stars=5.0),),
    disliked=(RatedTitle(title="Cats", year=2019, stars=0.5),),
    favourite_genres=("Crime",),
    avoided_genres=("Horror",),
    recent_diary=(
        DiaryNote(title="Collateral", year=2004, watched_on=date(2024, 5, 1), note="Tense!"),
    ),
)
CANDIDATES = (
    Candidate(tmdb_id=603, title="The Matrix", year=1999, genres=("Action", "Science Fiction")),
    Candidate(tmdb_id=680, title="Pulp Fiction", year=1994, genres=("Thriller", "Crime")),
)
MATRIX = {"tmdb_id": 603, "title": "The Matrix", "year": 1999, "reason": "Sleek action."}
PULP = {"tmdb_id": 680, "title": "Pulp Fiction", "year": 1994, "reason": "Crime, like Heat."}


def test_structured_output_round_trip(client: OpenAIClient, fake_openai: FakeOpenAI) -> None:
    fake_openai.push(fake_openai.picks([PULP, MATRIX]))

    result = client.pick_movies(PROFILE, CANDIDATES, k=2)

    assert result.picks == (
        AiPick(tmdb_id=680, title="Pulp Fiction", year=1994, reason="Crime, like Heat."),
        AiPick(tmdb_id=603, title="The Matrix", year=1999, reason="Sleek action."),
    )
    assert result.model == "gpt-4o-mini"
    assert result.attempts == 1
    assert result.latency_ms > 0
    [request] = fake_openai.requests
    body = request.body
    assert request.path == "/v1/chat/completions"
    assert body["model"] == "gpt-4o-mini"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "movie_picks", "strict": True, "schema": PICKS_SCHEMA},
    }
    assert body["max_completion_tokens"] > 0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"


def test_the_prompt_carries_profile_and_candidates_as_data(
    client: OpenAIClient, fake_openai: FakeOpenAI
) -> None:
    client.pick_movies(PROFILE, CANDIDATES, k=2)

    request = fake_openai.requests[0]
    assert request.message("system") == SYSTEM_PROMPT.format(k=2, words=25)
    document = request.data_document()
    assert document["profile"]["loved"] == [{"title": "Heat", "year": 1995, "stars": 5.0}]
    assert document["profile"]["disliked"] == [{"title": "Cats", "year": 2019, "stars": 0.5}]
    assert document["profile"]["avoided_genres"] == ["Horror"]
    assert document["profile"]["recent_diary"] == [
        {"title": "Collateral", "year": 2004, "watched_on": "2024-05-01", "note": "Tense!"}
    ]
    assert [c["tmdb_id"] for c in document["candidates"]] == [603, 680]
    assert document["candidates"][1]["genres"] == ["Thriller", "Crime"]


def test_the_configured_model_is_sent(
    make_client: Callable[..., OpenAIClient], fake_openai: FakeOpenAI
) -> None:
    make_client(model="my-local-llama").pick_movies(PROFILE, CANDIDATES, k=1)
    assert fake_openai.requests[0].body["model"] == "my-local-llama"


def test_cost_comes_from_the_price_table(client: OpenAIClient, fake_openai: FakeOpenAI) -> None:
    fake_openai.push(fake_openai.picks([MATRIX], prompt_tokens=2000, completion_tokens=500))

    result = client.pick_movies(PROFILE, CANDIDATES, k=1)

    assert result.usage == TokenUsage(prompt_tokens=2000, completion_tokens=500)
    # gpt-4o-mini: $0.15 per 1M input, $0.60 per 1M output
    assert result.cost_usd == pytest.approx((2000 * 0.15 + 500 * 0.60) / 1_000_000)


def test_a_dated_snapshot_is_priced_as_its_model(
    client: OpenAIClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.push(
        fake_openai.picks(
            [MATRIX], prompt_tokens=1_000_000, completion_tokens=0, model="gpt-4o-2024-08-06"
        )
    )
    result = client.pick_movies(PROFILE, CANDIDATES, k=1)
    assert result.model == "gpt-4o-2024-08-06"
    assert result.cost_usd == pytest.approx(2.50)


def test_an_unpriced_model_has_no_cost_but_counts_tokens(
    client: OpenAIClient, fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.push(fake_openai.picks([MATRIX], model="llama3.1:8b", prompt_tokens=10))
    with caplog.at_level(logging.WARNING, logger="reelmatch.llm"):
        result = client.pick_movies(PROFILE, CANDIDATES, k=1)
    assert result.cost_usd is None
    assert result.usage.prompt_tokens == 10
    assert "OPENAI_PRICES" in caplog.text


# Retries ------------------------------------------------------------------------------------


def test_retries_a_429_honouring_retry_after_then_succeeds(
    client: OpenAIClient, fake_openai: FakeOpenAI, events: RecordingEvents
) -> None:
    fake_openai.push(fake_openai.rate_limited(retry_after="1"), fake_openai.picks([MATRIX]))

    result = client.pick_movies(PROFILE, CANDIDATES, k=1)

    assert [p.tmdb_id for p in result.picks] == [603]
    assert result.attempts == 2
    assert fake_openai.request_count == 2
    assert [e.properties["status"] for e in events.of_kind("api_call")] == [429, 200]
    # both attempts carried the same prompt
    assert fake_openai.requests[0].body == fake_openai.requests[1].body


def test_retries_500s_with_backoff_then_succeeds(
    client: OpenAIClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.push(fake_openai.error(500), fake_openai.error(503), fake_openai.picks([PULP]))
    result = client.pick_movies(PROFILE, CANDIDATES, k=1)
    assert [p.tmdb_id for p in result.picks] == [680]
    assert fake_openai.request_count == 3


def test_gives_up_on_500_after_max_retries(client: OpenAIClient, fake_openai: FakeOpenAI) -> None:
    fake_openai.default = fake_openai.error(500)
    with pytest.raises(UpstreamUnavailable, match="HTTP 500") as caught:
        client.pick_movies(PROFILE, CANDIDATES, k=1)
    assert not isinstance(caught.value, RateLimited)
    assert "after 3 attempts" in caught.value.message
    assert fake_openai.request_count == 3  # 1 + max_retries (2)


def test_persistent_429_is_rate_limited_with_retry_after(
    client: OpenAIClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = fake_openai.error(429, headers={"retry-after-ms": "20"})
    with pytest.raises(RateLimited) as caught:
        client.pick_movies(PROFILE, CANDIDATES, k=1)
    assert caught.value.retry_after == pytest.approx(0.02)
    assert fake_openai.request_count == 3


def test_a_long_retry_after_fails_at_once_saying_when(
    client: OpenAIClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.push(fake_openai.rate_limited(retry_after="60"))
    with pytest.raises(RateLimited, match="try again in 60 s") as caught:
        client.pick_movies(PROFILE, CANDIDATES, k=1)
    assert caught.value.retry_after == 60
    assert fake_openai.request_count == 1


def test_a_timeout_is_upstream_unavailable_without_waiting_for_the_answer(
    make_client: Callable[..., OpenAIClient], fake_openai: FakeOpenAI, events: RecordingEvents
) -> None:
    fake_openai.push(fake_openai.slow(30, fake_openai.picks([MATRIX])))
    client = make_client(timeout=0.3)

    with pytest.raises(UpstreamUnavailable, match=r"did not answer within 0\.3 s"):
        client.pick_movies(PROFILE, CANDIDATES, k=1)

    # The server is still "thinking" (30 s) when the client has already given up, and a
    # timeout is not retried (it already cost the whole timeout).
    [request] = fake_openai.requests
    assert request.answered is False
    [call] = events.api_calls()
    assert (call["status"], call["outcome"]) == (0, "timeout")  # status 0: no response


def test_a_rejected_key_is_not_retried(client: OpenAIClient, fake_openai: FakeOpenAI) -> None:
    fake_openai.default = fake_openai.error(
        401, message="Incorrect API key provided", type_="invalid_request_error"
    )
    with pytest.raises(UpstreamUnavailable, match="OPENAI_API_KEY"):
        client.pick_movies(PROFILE, CANDIDATES, k=1)
    assert fake_openai.request_count == 1


def test_an_unreachable_server_is_upstream_unavailable(
    make_client: Callable[..., OpenAIClient], events: RecordingEvents
) -> None:
    from tests.support.net import free_port

    client = make_client(base_url=f"http://127.0.0.1:{free_port()}/v1")
    with pytest.raises(UpstreamUnavailable, match="could not be reached"):
        client.pick_movies(PROFILE, CANDIDATES, k=1)
    calls = events.api_calls()
    assert calls
    assert {(c["status"], c["outcome"]) for c in calls} == {(0, "connection_error")}


# Malformed answers and refusals -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"picks": [{"tmdb_id": 603, "title": "The Ma', "not valid JSON"),
        ("Sure! Here are some movies: The Matrix, Heat.", "not valid JSON"),
        ("", "empty answer"),
        ('{"movies": []}', "wrong shape"),
        ('{"picks": [{"tmdb_id": "603", "title": "X", "year": 1999, "reason": "r"}]}', "picks.0"),
        ('{"picks": [{"tmdb_id": 603, "title": "X", "year": "1999", "reason": "r"}]}', "year"),
        ('{"picks": [{"tmdb_id": 603, "title": "X", "year": 1999}]}', "reason"),
        ('{"picks": [{"tmdb_id": 1, "title": "X", "year": 1, "reason": "r", "x": 1}]}', "x"),
        ('{"picks": [{"tmdb_id": 1, "title": "  ", "year": 1999, "reason": "r"}]}', "title"),
        ('{"picks": [{"tmdb_id": true, "title": "X", "year": 1999, "reason": "r"}]}', "tmdb_id"),
        ('[{"tmdb_id": 603, "title": "X", "year": 1999, "reason": "r"}]', "wrong shape"),
    ],
)
def test_malformed_content_is_upstream_unavailable(
    client: OpenAIClient, fake_openai: FakeOpenAI, content: str, message: str
) -> None:
    fake_openai.push(fake_openai.completion(content=content))
    with pytest.raises(UpstreamUnavailable, match=message) as caught:
        client.pick_movies(PROFILE, CANDIDATES, k=1)
    assert not isinstance(caught.value, AiRefused)


@pytest.mark.parametrize(
    "body",
    [b"<html><body>Bad gateway</body></html>", b'{"id": "chatcmpl-1"}', b'{"choices": []}'],
)
def test_a_body_that_is_not_a_chat_completion_is_upstream_unavailable(
    client: OpenAIClient, fake_openai: FakeOpenAI, body: bytes
) -> None:
    fake_openai.push(fake_openai.raw(body, content_type="application/json"))
    with pytest.raises(UpstreamUnavailable, match=r"could not be read|not a chat completion"):
        client.pick_movies(PROFILE, CANDIDATES, k=1)


def test_invalid_json_body_is_upstream_unavailable(
    client: OpenAIClient, fake_openai: FakeOpenAI, events: RecordingEvents
) -> None:
    fake_openai.push(fake_openai.raw(b"{truncated", status=203, content_type="application/json"))
    with pytest.raises(UpstreamUnavailable, match="could not be read"):
        client.pick_movies(PROFILE, CANDIDATES, k=1)
    [call] = events.api_calls()
    assert (call["status"], call["outcome"]) == (203, "invalid_response")  # the real status


def test_a_refusal_is_recognised(client: OpenAIClient, fake_openai: FakeOpenAI) -> None:
    fake_openai.push(fake_openai.refusal())
    with pytest.raises(AiRefused, match="declined"):
        client.pick_movies(PROFILE, CANDIDATES, k=1)


def test_a_content_filter_stop_is_a_refusal(client: OpenAIClient, fake_openai: FakeOpenAI) -> None:
    fake_openai.push(fake_openai.completion(content=None, finish_reason="content_filter"))
    with pytest.raises(AiRefused, match="content filter"):
        client.pick_movies(PROFILE, CANDIDATES, k=1)


def test_a_cut_off_answer_is_upstream_unavailable(
    client: OpenAIClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.push(fake_openai.completion(content='{"picks": [', finish_reason="length"))
    with pytest.raises(UpstreamUnavailable, match="cut off"):
        client.pick_movies(PROFILE, CANDIDATES, k=1)


def test_reasons_are_one_clean_line_of_bounded_length(
    client: OpenAIClient, fake_openai: FakeOpenAI
) -> None:
    long_reason = "Because\nyou\tloved Heat " + "and crime " * 60
    fake_openai.push(fake_openai.picks([{**MATRIX, "reason": long_reason}]))
    [pick] = client.pick_movies(PROFILE, CANDIDATES, k=1).picks
    assert pick.reason.startswith("Because you loved Heat and crime")
    assert "\n" not in pick.reason
    assert len(pick.reason) <= 240
    assert pick.reason.endswith("…")


# Input checks, events, logs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidates", "k", "message"),
    [
        (CANDIDATES, 0, "between 1 and 30"),
        (CANDIDATES, 31, "between 1 and 30"),
        ((), 5, "at least one candidate"),
        (CANDIDATES * (MAX_CANDIDATES // 2 + 1), 5, "At most 100"),
    ],
)
def test_bad_requests_are_refused_before_any_upstream_call(
    client: OpenAIClient,
    fake_openai: FakeOpenAI,
    candidates: tuple[Candidate, ...],
    k: int,
    message: str,
) -> None:
    with pytest.raises(InvalidInput, match=message):
        client.pick_movies(PROFILE, candidates, k=k)
    assert fake_openai.request_count == 0


def test_events_record_each_attempt_and_the_usage(
    client: OpenAIClient, fake_openai: FakeOpenAI, events: RecordingEvents
) -> None:
    fake_openai.push(
        fake_openai.error(502), fake_openai.picks([MATRIX], prompt_tokens=300, completion_tokens=40)
    )

    result = client.pick_movies(PROFILE, CANDIDATES, k=1, user_id=7)

    calls = events.of_kind("api_call")
    assert [(e.user_id, e.properties["service"], e.properties["endpoint"]) for e in calls] == [
        (7, "openai", "chat.completions")
    ] * 2
    assert [e.properties["status"] for e in calls] == [502, 200]
    assert all(e.properties["latency_ms"] >= 0 and e.duration_ms is not None for e in calls)
    [usage] = events.of_kind("ai_usage")
    assert usage.user_id == 7
    assert usage.properties == {
        "model": "gpt-4o-mini",
        "prompt_tokens": 300,
        "completion_tokens": 40,
        "cost_usd": result.cost_usd,
    }
    assert usage.properties["cost_usd"] == pytest.approx((300 * 0.15 + 40 * 0.6) / 1e6)


def test_no_usage_event_when_the_call_fails(
    client: OpenAIClient, fake_openai: FakeOpenAI, events: RecordingEvents
) -> None:
    fake_openai.push(fake_openai.refusal())
    with pytest.raises(AiRefused):
        client.pick_movies(PROFILE, CANDIDATES, k=1)
    assert events.of_kind("ai_usage") == []
    assert len(events.of_kind("api_call")) == 1


def test_one_log_line_per_request_and_never_the_key(
    client: OpenAIClient, fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.push(fake_openai.error(500), fake_openai.picks([MATRIX]), fake_openai.refusal())
    with caplog.at_level(logging.DEBUG):  # every logger, the SDK's and httpx2's included
        client.pick_movies(PROFILE, CANDIDATES, k=1)
        with pytest.raises(AiRefused):
            client.pick_movies(PROFILE, CANDIDATES, k=1)

    ours = [r for r in caplog.records if r.getMessage().startswith("openai_request ")]
    assert len(ours) == 2
    assert "outcome=ok attempts=2" in ours[0].getMessage()
    assert "prompt_tokens=1000 completion_tokens=200" in ours[0].getMessage()
    assert ours[0].cost_usd == pytest.approx(0.00027)  # type: ignore[attr-defined]
    assert "status=200" in ours[1].getMessage()
    assert "outcome=AiRefused" in ours[1].getMessage()
    assert fake_openai.requests[0].headers["authorization"] == f"Bearer {TEST_KEY}"
    everything = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert TEST_KEY not in everything
    assert "Heat" not in "\n".join(r.getMessage() for r in ours)  # no user data either


def test_a_retry_after_date_far_ahead_fails_at_once(
    client: OpenAIClient, fake_openai: FakeOpenAI
) -> None:
    from email.utils import formatdate
    from time import time

    fake_openai.push(fake_openai.rate_limited(retry_after=formatdate(time() + 3600, usegmt=True)))
    with pytest.raises(RateLimited) as caught:
        client.pick_movies(PROFILE, CANDIDATES, k=1)
    assert caught.value.retry_after == pytest.approx(3600, abs=5)
    assert fake_openai.request_count == 1


def test_never_asks_for_more_picks_than_there_are_candidates(
    client: OpenAIClient, fake_openai: FakeOpenAI
) -> None:
    client.pick_movies(PROFILE, CANDIDATES, k=10)
    request = fake_openai.requests[0]
    assert request.message("system") == SYSTEM_PROMPT.format(k=2, words=25)
    small = request.body["max_completion_tokens"]
    client.pick_movies(PROFILE, CANDIDATES * 5, k=10)
    assert fake_openai.requests[1].body["max_completion_tokens"] > small
