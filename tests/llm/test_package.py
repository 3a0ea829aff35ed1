from __future__ import annotations

import types

import reelmatch.llm


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(reelmatch.llm).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(reelmatch.llm.__all__) == public
