"""The services object, built once per Streamlit process."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services, build_services


def _stop_background(services: Services) -> None:
    """When the cached services are dropped (a cache clear), their thread goes too."""
    services.metadata_thread.stop()


@st.cache_resource(show_spinner=False, on_release=_stop_background)
def get_services() -> Services:
    """The app's services (database, catalog, …), shared by every session of this process,
    with its background work (the metadata refresher on live TMDB) running."""
    services = build_services()
    services.start_background()
    return services
