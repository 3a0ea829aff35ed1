"""Showing text that came from users or TMDB: never let it turn into markup."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def plain(text: str) -> str:
    """`text` with every Markdown-significant character escaped (also `:` so it cannot form
    emoji or icon shortcodes): a diary note with `![x](http://…)` stays text."""
    return _MARKDOWN.sub(r"\\\1", text)
