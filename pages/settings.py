"""Settings: profile, preferences, import, export and the account."""

import streamlit as st

from reelmatch.ui.auth import require_user
from reelmatch.ui.settings_view import account, preferences, profile
from reelmatch.ui.transfer_view import export_section, import_section

user = require_user()
st.title("Settings")
profile_tab, preferences_tab, import_tab, export_tab, account_tab = st.tabs(
    ["Profile", "Preferences", "Import", "Export", "Account"]
)
with profile_tab:
    profile(user)
with preferences_tab:
    preferences(user)
with import_tab:
    import_section(user)
with export_tab:
    export_section(user)
with account_tab:
    account(user)
