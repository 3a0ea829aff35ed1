"""Preferences found in an old browser-app export, checked and merged into the user's own.

Genres may be names, TMDB genre ids or {id, name} objects; unknown genres are dropped. Fields
that fail validation are left out with a notice, the rest still apply."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from reelmatch.domain import Genre, Preferences


def merge_preferences(
    found: dict[str, Any] | None,
    *,
    current: Preferences,
    genres: Iterable[Genre],
    notices: list[str],
) -> Preferences | None:
    """`current` updated with the usable fields of `found`; None when nothing changes."""
    if not found:
        return None
    names = {genre.id: genre.name for genre in genres}
    update = _candidate_values(found, names)
    accepted: dict[str, Any] = {}
    for name, value in update.items():
        try:
            Preferences.model_validate({**current.model_dump(), **accepted, name: value})
        except ValidationError:
            notices.append(
                f"The imported preference {name.replace('_', ' ')} is not valid; skipped."
            )
            continue
        accepted[name] = value
    merged = Preferences.model_validate({**current.model_dump(), **accepted})
    return None if merged == current else merged


def _candidate_values(found: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("favourite_genres", "avoided_genres"):
        if name in found:
            values[name] = tuple(_genre_names(found[name], names))
    for name in ("region", "language"):
        if isinstance(found.get(name), str):
            text = found[name].strip()
            values[name] = text.upper() if name == "region" else text
    if isinstance(found.get("hide_adult"), bool):
        values["hide_adult"] = found["hide_adult"]
    elif isinstance(found.get("include_adult"), bool):
        values["hide_adult"] = not found["include_adult"]
    if isinstance(found.get("streaming_services"), list):
        services = [s for s in found["streaming_services"] if _is_id(s)]
        values["streaming_services"] = tuple(dict.fromkeys(services))
    return values


def _genre_names(value: Any, names: dict[int, str]) -> list[str]:
    if not isinstance(value, list):
        return []
    known = {name.casefold(): name for name in names.values()}
    picked = []
    for item in value:
        if isinstance(item, dict):
            item = item.get("name", item.get("id"))
        if _is_id(item) and item in names:
            picked.append(names[item])
        elif isinstance(item, str) and item.strip().casefold() in known:
            picked.append(known[item.strip().casefold()])
    return list(dict.fromkeys(picked))


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31
