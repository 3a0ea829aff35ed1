"""The OpenAI client wrapper: prompts, structured output, cost accounting.

Import from here; the submodules are an implementation detail. This package never imports the
catalog, the store or the recommenders: grounding picks against the catalog is a service's job
(`reelmatch.services.ai_grounding`).
"""

from reelmatch.llm.client import MAX_CANDIDATES, MAX_K, OpenAIClient, OpenAIConfig
from reelmatch.llm.errors import AiRefused
from reelmatch.llm.pricing import DEFAULT_PRICES, PriceTable
from reelmatch.llm.retry import RetryPolicy
from reelmatch.llm.types import (
    AiPick,
    AiPicks,
    Candidate,
    DiaryNote,
    RatedTitle,
    TasteProfile,
    TokenUsage,
)

__all__ = [
    "DEFAULT_PRICES",
    "MAX_CANDIDATES",
    "MAX_K",
    "AiPick",
    "AiPicks",
    "AiRefused",
    "Candidate",
    "DiaryNote",
    "OpenAIClient",
    "OpenAIConfig",
    "PriceTable",
    "RatedTitle",
    "RetryPolicy",
    "TasteProfile",
    "TokenUsage",
]
