"""Status (admins): what this installation is running on."""

import streamlit as st

from reelmatch.ui import get_services, guarded
from reelmatch.ui.auth import require_admin
from reelmatch.ui.status import status_rows

require_admin()
st.title("Status")

with guarded():
    services = get_services()
    st.subheader("This installation")
    for check in status_rows(services):
        icon = ":material/check_circle:" if check.ok else ":material/error:"
        st.markdown(f"{icon} **{check.name.title()}** — {check.detail}")
