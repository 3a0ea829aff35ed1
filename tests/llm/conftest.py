from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from reelmatch.llm import OpenAIClient, OpenAIConfig, RetryPolicy
from tests.support.events import RecordingEvents
from tests.support.fake_openai import FakeOpenAI

TEST_KEY = "sk-test-0123456789abcdef"
FAST_RETRIES = RetryPolicy(max_retries=2, backoff_initial=0.01, backoff_max=0.05)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def events() -> RecordingEvents:
    return RecordingEvents()


@pytest.fixture
def make_client(
    fake_openai: FakeOpenAI, events: RecordingEvents
) -> Iterator[Callable[..., OpenAIClient]]:
    """Builds clients against the fake: fast back-off, 2 s timeout unless overridden."""
    built: list[OpenAIClient] = []

    def make(**overrides: Any) -> OpenAIClient:
        options: dict[str, Any] = {
            "api_key": SecretStr(TEST_KEY),
            "base_url": fake_openai.base_url,
            "timeout": 2.0,
            "retry": FAST_RETRIES,
        }
        options.update(overrides)
        client = OpenAIClient(OpenAIConfig(**options), events=events)
        built.append(client)
        return client

    yield make
    for client in built:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., OpenAIClient]) -> OpenAIClient:
    return make_client()
