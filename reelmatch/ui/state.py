"""The services object, built once per Streamlit process."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services, build_services, setup_observability


@st.cache_resource(show_spinner=False)
def get_services() -> Services:
    """The app's services (database, catalog, …), shared by every session of this process."""
    services = build_services()
    setup_observability(services.settings)
    return services
