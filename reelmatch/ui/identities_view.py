"""Settings → Account: "Linked sign-in", the provider identities of this account (decision 85)."""

from __future__ import annotations

import streamlit as st

from reelmatch.config import Settings
from reelmatch.domain import User
from reelmatch.services.identities import IdentityService
from reelmatch.ui.oidc import link_button, link_problem, provider
from reelmatch.ui.text import plain


def identities_section(identities: IdentityService, settings: Settings, user: User) -> None:
    """Nothing when single sign-on is not configured."""
    chosen = provider(settings)
    if chosen is None:
        return
    st.subheader("Linked sign-in")
    if problem := link_problem():
        st.warning(problem)
    linked = identities.identities(user)
    if linked:
        for identity in linked:  # a few at most: a list reads better than a table
            st.markdown(
                f":material/link: {plain(identity.email or identity.subject)} "
                f"— {plain(identity.issuer)}"
            )
    else:
        st.caption(f"No {chosen.label} account is linked: you log in with your password.")
        link_button(settings)
