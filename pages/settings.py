"""Settings: profile, preferences, import, export and the account."""

import streamlit as st

from reelmatch.ui.auth import require_user
from reelmatch.ui.settings_view import account, export, preferences, profile

user = require_user()
st.title("Settings")
profile_tab, preferences_tab, export_tab, account_tab = st.tabs(
    ["Profile", "Preferences", "Export", "Account"]
)
with profile_tab:
    profile(user)
with preferences_tab:
    preferences(user)
with export_tab:
    export(user)
with account_tab:
    account(user)
