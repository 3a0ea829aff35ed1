"""Failures recorded by the clients reach the Analytics numbers, on SQLite and PostgreSQL:
an OpenAI request that got no answer counts in the API error rate (status 0, not a string
that the `events` table cannot hold)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from reelmatch.bootstrap import Services
from reelmatch.errors import UpstreamUnavailable
from reelmatch.llm import OpenAIClient, OpenAIConfig, RetryPolicy
from reelmatch.llm.types import Candidate, TasteProfile
from reelmatch.services.analytics import Period
from tests.support.fake_openai import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def test_an_openai_timeout_is_an_api_error(services: Services, fake_openai: FakeOpenAI) -> None:
    admin = services.users.create_user(username="boss", password="boss-password", role="admin")
    config = OpenAIConfig(
        api_key=SecretStr("sk-test-0123456789abcdef"),
        base_url=fake_openai.base_url,
        timeout=0.3,
        retry=RetryPolicy(max_retries=0),
    )
    client = OpenAIClient(config, events=services.events)
    fake_openai.push(fake_openai.slow(5, fake_openai.picks([])))
    candidate = Candidate(tmdb_id=603, title="The Matrix", year=1999, genres=("Action",))
    try:
        with pytest.raises(UpstreamUnavailable):
            client.pick_movies(TasteProfile(), [candidate], k=1)
    finally:
        client.close()
    services.events.flush()

    kpis = {k.key: k.value for k in services.analytics.kpis(admin, Period.last(2))}
    assert kpis["api_calls"] == 1
    assert kpis["api_error_rate"] == 1.0
    [row] = services.analytics.api_latency(admin, Period.last(2)).to_dict("records")
    assert (row["service"], row["failed"]) == ("openai", 1)
