"""The services object, built once per Streamlit process. Only the shell calls `get_services`
(tests/test_layering.py): it hands the pages what they need."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services, build_services, setup_observability


def _release(services: Services) -> None:
    services.close()


@st.cache_resource(show_spinner=False, on_release=_release)
def get_services() -> Services:
    """The app's services (database, catalog, …), shared by every session of this process;
    without REDIS_URL with its background jobs running here (with it, the worker role runs
    them and this process only enqueues); closed (the in-process worker, queued events,
    connections) when the cache lets go of them."""
    services = build_services().build_all()
    setup_observability(services.settings)
    services.start_background()
    return services
