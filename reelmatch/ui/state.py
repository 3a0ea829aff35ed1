"""The services object, built once per Streamlit process."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services, build_services


def _release(services: Services) -> None:
    services.close()


@st.cache_resource(show_spinner=False, on_release=_release)
def get_services() -> Services:
    """The app's services (database, catalog, …), shared by every session of this process;
    closed (connections, threads) when the cache lets go of them."""
    return build_services()
