from __future__ import annotations

import pytest

from reelmatch.config import TokenPrice, load_settings
from reelmatch.errors import InvalidInput
from reelmatch.llm import OpenAIConfig, PriceTable, TokenUsage

USAGE = TokenUsage(prompt_tokens=1_000_000, completion_tokens=1_000_000)


@pytest.mark.parametrize(
    ("model", "dollars"),
    [
        ("gpt-4o-mini", 0.15 + 0.60),
        ("gpt-4o", 2.50 + 10.00),
        ("gpt-4o-mini-2024-07-18", 0.15 + 0.60),  # not the gpt-4o price
        ("gpt-4o-2024-08-06", 2.50 + 10.00),
    ],
)
def test_default_prices(model: str, dollars: float) -> None:
    assert PriceTable().cost(model, USAGE) == pytest.approx(dollars)


def test_unknown_models_have_no_price() -> None:
    assert PriceTable().cost("gpt-4omni", USAGE) is None
    assert PriceTable().cost("llama3", USAGE) is None


def test_overrides_replace_and_extend_the_defaults() -> None:
    table = PriceTable(
        {"gpt-4o-mini": TokenPrice(input=1, output=2), "llama3": TokenPrice(input=0, output=0)}
    )
    assert table.cost("gpt-4o-mini", TokenUsage(prompt_tokens=500_000, completion_tokens=0)) == 0.5
    assert table.cost("llama3", USAGE) == 0
    assert table.cost("gpt-4o", USAGE) == pytest.approx(12.5)


def test_settings_read_prices_timeout_and_retries_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    monkeypatch.setenv("OPENAI_PRICES", '{"my-model": {"input": 1.5, "output": 3}}')
    monkeypatch.setenv("OPENAI_TIMEOUT", "7.5")
    monkeypatch.setenv("OPENAI_MAX_RETRIES", "4")
    monkeypatch.setenv("OPENAI_MODEL", "my-model")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")

    config = OpenAIConfig.from_settings(load_settings())

    assert (config.model, config.timeout, config.retry.max_retries) == ("my-model", 7.5, 4)
    assert config.base_url == "http://127.0.0.1:1/v1"
    assert config.api_key.get_secret_value() == "sk-x"
    assert config.prices.cost("my-model", USAGE) == pytest.approx(4.5)
    assert config.prices.cost("gpt-4o-mini", USAGE) == pytest.approx(0.75)


def test_default_settings() -> None:
    settings = load_settings()
    assert (settings.openai_timeout, settings.openai_max_retries) == (20.0, 2)
    assert settings.openai_prices == {}
    with pytest.raises(InvalidInput, match="OPENAI_API_KEY"):
        OpenAIConfig.from_settings(settings)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("OPENAI_PRICES", "{not json"),
        ("OPENAI_PRICES", '{"m": {"input": -1, "output": 1}}'),
        ("OPENAI_PRICES", '{"m": {"input": 1}}'),
        ("OPENAI_PRICES", '{"m": {"input": 1, "output": 1, "cached": 1}}'),
        ("OPENAI_TIMEOUT", "0"),
        ("OPENAI_TIMEOUT", "soon"),
        ("OPENAI_MAX_RETRIES", "-1"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidInput, match=variable):
        load_settings()


def test_no_key_means_no_client_and_a_key_builds_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from reelmatch.llm import OpenAIClient

    assert OpenAIClient.from_settings(load_settings()) is None
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    monkeypatch.setenv("OPENAI_MODEL", "gpt-4o")
    client = OpenAIClient.from_settings(load_settings())
    assert client is not None
    assert client.model == "gpt-4o"
    client.close()
