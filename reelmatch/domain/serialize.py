"""Domain values to JSON-ready data and back (for the cache, `--json` output and exports).

Pydantic's TypeAdapter does the work for dataclasses and models alike, including dates and
nested values, and validates on the way back in.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import TypeAdapter

T = TypeVar("T")


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(kind: Any) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    return adapter


def to_data(value: Any) -> Any:
    """JSON-ready data (dicts, lists, strings, numbers) for any domain value or list of them."""
    if isinstance(value, list | tuple):
        return [to_data(item) for item in value]
    return _adapter(type(value)).dump_python(value, mode="json")


def from_data(kind: type[T], data: Any) -> T:
    """The domain value of type `kind` described by `data` (validated)."""
    result: T = _adapter(kind).validate_python(data)
    return result
