"""The theme in .streamlit/config.toml: readable button text, and charts in its colours."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT

THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
WHITE = "#ffffff"


def luminance(colour: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    low, high = sorted((luminance(a), luminance(b)))
    return (high + 0.05) / (low + 0.05)


def test_white_button_text_on_the_primary_colour_is_readable() -> None:
    # Streamlit draws primary buttons' text in white, whatever the primary colour.
    assert contrast(WHITE, THEME["primaryColor"]) >= 4.5


def test_links_read_on_the_page() -> None:
    assert contrast(THEME["linkColor"], THEME["backgroundColor"]) >= 4.5


def test_charts_use_the_themes_colours() -> None:
    colours = THEME["chartCategoricalColors"]
    assert colours[0] == THEME["linkColor"]  # the brand yellow for single-series charts
    assert all(contrast(c, THEME["backgroundColor"]) >= 3 for c in colours)
