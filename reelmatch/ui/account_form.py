"""The fields of a new account, shared by sign-up and "Keep this account" (a demo sandbox)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True, slots=True)
class NewAccount:
    username: str
    password: str
    display_name: str | None
    email: str | None


def new_account_form(
    form: str, *, prefix: str, submit: str, title: str | None = None, ask_email: bool = False
) -> NewAccount | None:
    """Username, display name, (e-mail,) password twice, keyed `prefix-…`. The values once
    submitted with both passwords alike; None before that, or with a warning when they
    differ. The service checks the rest (name rules, length, taken names)."""
    with st.form(form, clear_on_submit=False):
        if title:
            st.subheader(title)
        username = st.text_input(
            "Username",
            help="3–32 letters, digits, dot, dash or underscore",
            key=f"{prefix}-username",
        )
        display_name = st.text_input("Display name (optional)", key=f"{prefix}-display-name")
        email = st.text_input("Email (optional)", key=f"{prefix}-email") if ask_email else ""
        password = st.text_input(
            "Password", type="password", help="At least 8 characters", key=f"{prefix}-password"
        )
        repeat = st.text_input("Repeat password", type="password", key=f"{prefix}-repeat")
        submitted = st.form_submit_button(submit, type="primary", key=f"{prefix}-submit")
    if not submitted:
        return None
    if password != repeat:
        st.warning("The two passwords differ.")
        return None
    return NewAccount(username, password, display_name or None, email or None)
