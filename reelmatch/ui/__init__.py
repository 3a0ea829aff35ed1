"""Streamlit helpers shared by the pages: the services accessor, error display, layout."""

from reelmatch.ui.errors import guarded, show_error
from reelmatch.ui.layout import footer
from reelmatch.ui.state import get_services

__all__ = ["footer", "get_services", "guarded", "show_error"]
