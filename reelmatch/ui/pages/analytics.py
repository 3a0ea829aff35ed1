"""Analytics (admins): engagement, recommendations, cost and health over a date range."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui.analytics_view import analytics_controls, dashboard_sections
from reelmatch.ui.auth import require_admin
from reelmatch.ui.errors import guarded
from reelmatch.ui.kpi_tiles import kpi_tiles
from reelmatch.ui.zones import user_timezone


def render(services: Services, user: User) -> None:
    require_admin(user)
    st.title("Analytics")
    with guarded():
        controls = analytics_controls(user_timezone(services.users, user))
        if controls is None:
            return
        board = services.analytics.dashboard(user, controls.period)
        kpi_tiles(
            user,
            board.period,
            board.kpis,
            analytics=services.analytics,
            options=controls.options,
        )
        dashboard_sections(board, compare=controls.options.compare)
