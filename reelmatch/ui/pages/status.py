"""Status (admins): what this installation is running on."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui.auth import require_admin
from reelmatch.ui.errors import guarded
from reelmatch.ui.status import job_overview, render_jobs, status_rows


def render(services: Services, user: User) -> None:
    require_admin(user)
    st.title("Status")
    with guarded():
        st.subheader("This installation")
        for check in status_rows(services):
            icon = ":material/check_circle:" if check.ok else ":material/error:"
            st.markdown(f"{icon} **{check.name.title()}** — {check.detail}")
        render_jobs(job_overview(services))
