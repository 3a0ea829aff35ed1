"""Poster images, and the designed placeholder drawn when a movie has none (always offline)."""

from __future__ import annotations

import base64
import hashlib
import textwrap
from functools import lru_cache
from html import escape
from typing import Literal

from reelmatch.domain import ImageConfig, Movie

_PALETTE = (
    ("#1f2a44", "#3a506b"),
    ("#2d1e2f", "#6b2d5c"),
    ("#1b3a2f", "#2f6d55"),
    ("#3b2416", "#8a4b24"),
    ("#162b3b", "#1f6e8c"),
    ("#2e2a17", "#7a6a1f"),
)


@lru_cache(maxsize=4096)
def placeholder_poster(title: str, year: int | None) -> str:
    """A 2:3 SVG poster with the title set in type, as a data URI. The colours come from the
    title, so a movie always gets the same one."""
    digest = hashlib.sha256(title.encode()).digest()
    top, bottom = _PALETTE[digest[0] % len(_PALETTE)]
    lines = textwrap.wrap(title, width=14)[:5] or ["Untitled"]
    start = 150 - 14 * (len(lines) - 1)
    text = "".join(
        f'<text x="100" y="{start + 28 * i}" text-anchor="middle" font-size="22" '
        f'font-family="Georgia, serif" fill="#f5f0e6">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="300" viewBox="0 0 200 300">'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" '
        f'stop-color="{top}"/><stop offset="1" stop-color="{bottom}"/></linearGradient></defs>'
        '<rect width="200" height="300" fill="url(#g)"/>'
        '<rect x="10" y="10" width="180" height="280" fill="none" stroke="#f5c518" '
        'stroke-opacity="0.5"/>'
        # a strip of film: three perforated frames
        '<g fill="none" stroke="#f5c518" stroke-opacity="0.8" stroke-width="2">'
        '<rect x="70" y="40" width="60" height="36" rx="3"/>'
        '<line x1="90" y1="40" x2="90" y2="76"/><line x1="110" y1="40" x2="110" y2="76"/></g>'
        f"{text}"
        f'<text x="100" y="270" text-anchor="middle" font-size="16" '
        f'font-family="Helvetica, sans-serif" fill="#d9d2c3">{year or ""}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


#: The table thumbnail for movies without a poster: one tiny shared image (a per-title poster
#: for each of a thousand rows would put megabytes into every Library run).
THUMBNAIL_PLACEHOLDER = (
    "data:image/svg+xml;base64,"
    + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="60" viewBox="0 0 40 60">'
        b'<rect width="40" height="60" rx="3" fill="#2a3550"/><rect x="12" y="22" width="16" '
        b'height="12" rx="1" fill="none" stroke="#f5c518" stroke-width="1.5"/></svg>'
    ).decode()
)


def poster_thumbnail(images: ImageConfig, movie: Movie) -> str:
    """A small poster for tables: the real one (smallest size) or the shared placeholder."""
    return images.poster_url(movie.poster_path, place="thumbnail") or THUMBNAIL_PLACEHOLDER


def poster_src(
    images: ImageConfig, movie: Movie, *, place: Literal["grid", "detail"] = "grid"
) -> str:
    """The poster URL, or the placeholder when there is none."""
    return images.poster_url(movie.poster_path, place=place) or placeholder_poster(
        movie.title, movie.year
    )
