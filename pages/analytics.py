"""Analytics (admins): engagement, recommendations, cost and health over a date range."""

import streamlit as st

from reelmatch.ui import get_services, guarded
from reelmatch.ui.analytics_view import analytics_controls, dashboard_sections
from reelmatch.ui.auth import require_admin
from reelmatch.ui.kpi_tiles import kpi_tiles

admin = require_admin()
st.title("Analytics")

with guarded():
    controls = analytics_controls(admin)
    if controls is not None:
        board = get_services().analytics.dashboard(admin, controls.period)
        kpi_tiles(admin, board.period, board.kpis, options=controls.options)
        dashboard_sections(board, compare=controls.options.compare)
