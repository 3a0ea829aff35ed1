"""The structured-output schema is generated from the pydantic model (decision 57) and keeps
what OpenAI's strict mode needs."""

from __future__ import annotations

from typing import Any

from reelmatch.llm.output import parse_picks
from reelmatch.llm.prompts import PICKS_SCHEMA

NULLABLE_INT = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
#: What was written by hand before, in the form pydantic writes nullable types.
EXPECTED = {
    "type": "object",
    "properties": {
        "picks": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "tmdb_id": {**NULLABLE_INT, "description": "the candidate's tmdb_id"},
                    "title": {"type": "string"},
                    "year": NULLABLE_INT,
                    "reason": {"type": "string", "description": "one sentence: why this fits them"},
                },
                "required": ["tmdb_id", "title", "year", "reason"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["picks"],
    "additionalProperties": False,
}


def _objects(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [o for item in node for o in _objects(item)]
    if not isinstance(node, dict):
        return []
    found = [node] if node.get("type") == "object" else []
    return found + [o for value in node.values() for o in _objects(value)]


def test_the_generated_schema_is_the_strict_one() -> None:
    assert PICKS_SCHEMA == EXPECTED


def test_every_object_is_closed_with_every_property_required() -> None:
    objects = _objects(PICKS_SCHEMA)
    assert len(objects) == 2
    for node in objects:
        assert node["additionalProperties"] is False
        assert node["required"] == list(node["properties"])
    assert "$defs" not in PICKS_SCHEMA  # references inlined


def test_an_answer_in_the_schema_parses() -> None:
    answer = '{"picks": [{"tmdb_id": 550, "title": "Fight Club", "year": 1999, "reason": "Dark."}]}'
    (pick,) = parse_picks(answer)
    assert pick.title == "Fight Club"
