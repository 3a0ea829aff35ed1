"""Tables of chart data with a CSV download, formatted by what each column holds."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from reelmatch.services.exports import escape_cell


def column_formats(frame: pd.DataFrame) -> dict[str, Any]:
    """Percentages for rates, dollars for costs, milliseconds for latencies."""
    config: dict[str, Any] = {}
    for name in frame.columns:
        if name.endswith("rate") or name == "hit_rate":
            config[name] = st.column_config.NumberColumn(name, format="percent")
        elif name.endswith("usd"):
            config[name] = st.column_config.NumberColumn(name, format="$%.4f")
        elif name.endswith("_ms"):
            config[name] = st.column_config.NumberColumn(name, format="%.0f ms")
        elif name == "average_rating":
            config[name] = st.column_config.NumberColumn(name, format="%.2f ★")
    return config


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV, text cells escaped like the exports' (titles and names come from
    TMDB, which anyone can edit: `=HYPERLINK(…)` must not run in a spreadsheet)."""
    safe = frame.copy()
    for name in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[name]):
            safe[name] = safe[name].map(lambda v: escape_cell(v) if isinstance(v, str) else v)
    return safe.to_csv(index=False).encode("utf-8")


def frame_table(frame: pd.DataFrame, *, name: str, period: tuple[date, date] | None = None) -> None:
    """`frame` in a collapsed "Data" section with a CSV download named after `name` and the
    period (downloading does not rerun the page)."""
    suffix = f"-{period[0].isoformat()}-{period[1].isoformat()}" if period else ""
    with st.expander("Data", icon=":material/table:"):
        st.dataframe(frame, hide_index=True, width="stretch", column_config=column_formats(frame))
        st.download_button(
            "Download CSV",
            csv_bytes(frame),
            file_name=f"reelmatch-{name}{suffix}.csv",
            mime="text/csv",
            key=f"csv-{name}",
            on_click="ignore",
            icon=":material/download:",
        )
