"""What a request cost: tokens times a per-model price table (USD per million tokens).

The built-in prices are OpenAI's list prices for standard (non-batch) chat completions; set
`OPENAI_PRICES` to add models or override them. Cached prompt tokens are billed at the full
input price here, so a figure can only be an over-estimate, never an under-estimate.
"""

from __future__ import annotations

from collections.abc import Mapping

from reelmatch.config import TokenPrice
from reelmatch.llm.types import TokenUsage

TOKENS_PER_PRICE_UNIT = 1_000_000

DEFAULT_PRICES: Mapping[str, TokenPrice] = {
    "gpt-4o-mini": TokenPrice(input=0.15, output=0.60),
    "gpt-4o": TokenPrice(input=2.50, output=10.00),
    "gpt-4.1-nano": TokenPrice(input=0.10, output=0.40),
    "gpt-4.1-mini": TokenPrice(input=0.40, output=1.60),
    "gpt-4.1": TokenPrice(input=2.00, output=8.00),
}


class PriceTable:
    """Prices by model name. A dated snapshot ("gpt-4o-mini-2024-07-18") is priced as the
    longest listed name it extends, so "gpt-4o-mini-…" never gets the "gpt-4o" price."""

    def __init__(self, overrides: Mapping[str, TokenPrice] | None = None) -> None:
        self._prices = {**DEFAULT_PRICES, **(overrides or {})}

    def price(self, model: str) -> TokenPrice | None:
        if model in self._prices:
            return self._prices[model]
        extended = [name for name in self._prices if model.startswith(f"{name}-")]
        return self._prices[max(extended, key=len)] if extended else None

    def cost(self, model: str, usage: TokenUsage) -> float | None:
        """Cost in USD, or None when the model is not in the table."""
        price = self.price(model)
        if price is None:
            return None
        dollars = usage.prompt_tokens * price.input + usage.completion_tokens * price.output
        return dollars / TOKENS_PER_PRICE_UNIT
