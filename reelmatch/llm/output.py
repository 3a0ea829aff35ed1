"""Turning a chat completion into validated picks, or a typed error saying why not.

The schema is enforced upstream (strict structured output), but OpenAI-compatible servers do
not all honour it and a truncated answer is not valid JSON, so the content is validated again
here: strict types (no "1999" for 1999), no extra keys, non-empty title and reason.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reelmatch.errors import UpstreamUnavailable
from reelmatch.llm.errors import AiRefused
from reelmatch.llm.types import AiPick, TokenUsage

MAX_PICKS = 50
MAX_REASON_CHARS = 240
MAX_TITLE_CHARS = 300


class _Pick(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    # range and existence are grounding's business, not the shape's
    tmdb_id: int | None = Field(description="the candidate's tmdb_id")
    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS)
    year: int | None
    reason: str = Field(min_length=1, description="one sentence: why this fits them")

    @field_validator("title", "reason")
    @classmethod
    def _one_line(cls, value: str) -> str:
        """Control characters and line breaks have no place on a card."""
        cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())
        if not cleaned:
            raise ValueError("must not be blank")
        return cleaned


class _Answer(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    picks: list[_Pick] = Field(max_length=MAX_PICKS)


#: Keywords pydantic writes that OpenAI's strict mode does not take (the bounds are checked
#: here, on the way in).
_NOT_STRICT = frozenset({"title", "minLength", "maxLength", "maxItems"})


def picks_schema() -> dict[str, Any]:
    """The structured-output schema, generated from the model that validates the answer:
    references inlined, every object closed (`additionalProperties: false`) with every
    property required, as OpenAI's strict mode asks."""
    generated = _Answer.model_json_schema()
    definitions = generated.pop("$defs", {})

    def strict(node: Any) -> Any:
        if isinstance(node, list):
            return [strict(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return strict(definitions[node["$ref"].rsplit("/", 1)[-1]])
        out = {key: strict(value) for key, value in node.items() if key not in _NOT_STRICT}
        if "properties" in node:  # property names are not keywords: keep a field called title
            out["properties"] = {name: strict(sub) for name, sub in node["properties"].items()}
        if out.get("type") == "object":
            out["required"] = list(out.get("properties", {}))
            out["additionalProperties"] = False
        return out

    result: dict[str, Any] = strict(generated)
    return result


def parse_picks(content: str | None) -> tuple[AiPick, ...]:
    """Validated picks from the message content, or `UpstreamUnavailable` naming the problem."""
    if content is None or not content.strip():
        raise UpstreamUnavailable("The AI service sent an empty answer.")
    try:
        data: Any = json.loads(content)
    except json.JSONDecodeError:
        raise UpstreamUnavailable("The AI service sent an answer that is not valid JSON.") from None
    try:
        answer = _Answer.model_validate(data)
    except ValidationError as error:
        where = ".".join(str(part) for part in error.errors()[0]["loc"]) or "the answer"
        raise UpstreamUnavailable(
            f"The AI service sent picks in the wrong shape (problem at {where})."
        ) from None
    return tuple(
        AiPick(
            tmdb_id=pick.tmdb_id,
            title=pick.title,
            year=pick.year,
            reason=_shorten(pick.reason, MAX_REASON_CHARS),
        )
        for pick in answer.picks
    )


def check_finish(*, finish_reason: str | None, refusal: str | None) -> None:
    """Raise when the completion did not end normally: refused, filtered, or cut off."""
    if refusal:
        raise AiRefused("The AI service declined to recommend movies for this request.")
    if finish_reason == "content_filter":
        raise AiRefused("The AI service's content filter blocked the answer.")
    if finish_reason == "length":
        raise UpstreamUnavailable("The AI service's answer was cut off before it was complete.")


def usage_from(raw: Any) -> TokenUsage:
    """Token counts from the `usage` object; servers that send none count as zero."""
    if raw is None:
        return TokenUsage()
    prompt = getattr(raw, "prompt_tokens", 0)
    completion = getattr(raw, "completion_tokens", 0)
    if not isinstance(prompt, int) or not isinstance(completion, int):
        raise UpstreamUnavailable("The AI service sent token counts that are not numbers.")
    return TokenUsage(prompt_tokens=max(prompt, 0), completion_tokens=max(completion, 0))


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"
