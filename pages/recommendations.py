"""Recommendations for the acting user."""

import streamlit as st

from reelmatch.ui.auth import require_user

user = require_user()
st.title("For you")
