"""Every CSV a page offers escapes cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from reelmatch.ui.tables import csv_bytes
from tests.conftest import ROOT

HOSTILE = ('=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\tTab")
DOWNLOAD_CALL = re.compile(r"st\.download_button\((.*?)\n\s*\)", re.S)


def test_text_cells_that_start_a_formula_are_escaped() -> None:
    frame = pd.DataFrame(
        {"title": [*HOSTILE, "Amélie"], "ratings": [1, -2, 3, 4, 5, 6], "cost_usd": [0.5] * 6}
    )
    rows = list(csv.DictReader(io.StringIO(csv_bytes(frame).decode("utf-8"))))
    assert [row["title"] for row in rows] == [f"'{text}" for text in HOSTILE] + ["Amélie"]
    assert [row["ratings"] for row in rows] == ["1", "-2", "3", "4", "5", "6"]  # numbers stay
    assert rows[0]["cost_usd"] == "0.5"


def test_every_download_button_sends_escaped_bytes() -> None:
    """Each `st.download_button` in the UI is given `csv_bytes(...)` or an export's content
    (escaped by `services/exports.py`); a new button with raw bytes fails here."""
    sources = [*(ROOT / "reelmatch" / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py")]
    calls = [
        (path.name, match.group(1))
        for path in sorted(sources)
        for match in DOWNLOAD_CALL.finditer(path.read_text(encoding="utf-8"))
    ]
    assert len(calls) >= 2, "fewer download buttons than expected: the pattern is out of date"
    for name, arguments in calls:
        assert "csv_bytes(" in arguments or ".content" in arguments, (name, arguments)
