"""The installation status shown on the Status page (cached briefly: it touches the database)."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.services.health import Check, run_checks


@st.cache_data(ttl=30, show_spinner=False)
def _checks(_services: Services, key: str) -> list[Check]:
    return run_checks(
        _services.settings,
        _services.database,
        events=_services.event_queue_health(),  # the app's own queue: `doctor` sees only its own
        models=_services.recommendations.keeper.store,
    )


def status_rows(services: Services) -> list[Check]:
    return _checks(services, services.settings.effective_database_url)
