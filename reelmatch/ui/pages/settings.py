"""Settings: profile, preferences, import, export and the account."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui.auth import session_cookie
from reelmatch.ui.identities_view import identities_section
from reelmatch.ui.sandbox_view import sandbox_section
from reelmatch.ui.sessions_view import sessions_section
from reelmatch.ui.settings_view import account, preferences, profile
from reelmatch.ui.transfer_view import export_section, import_section


def render(services: Services, user: User) -> None:
    st.title("Settings")
    profile_tab, preferences_tab, import_tab, export_tab, account_tab = st.tabs(
        ["Profile", "Preferences", "Import", "Export", "Account"]
    )
    with profile_tab:
        profile(services.users, user, keep_session=services.sessions.current_id(session_cookie()))
    with preferences_tab:
        preferences(user, users=services.users, discovery=services.discovery)
    with import_tab:
        import_section(
            user, imports=services.imports, max_upload_mb=services.settings.max_upload_mb
        )
    with export_tab:
        export_section(user, exports=services.exports)
    with account_tab:
        sandbox_section(services.demo, user)
        sessions_section(services.sessions, user)
        identities_section(services.identities, services.settings, user)
        account(user, users=services.users)
