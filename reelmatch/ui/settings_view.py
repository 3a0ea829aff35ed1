"""The Settings page's sections: profile, preferences, export and the account."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

import streamlit as st

from reelmatch.domain import Preferences, User
from reelmatch.services.discovery import DiscoveryService
from reelmatch.services.users import UserService
from reelmatch.ui.auth import end_session
from reelmatch.ui.errors import guarded
from reelmatch.ui.layout import end_page

REGIONS = [
    "",
    "US",
    "GB",
    "CA",
    "AU",
    "IE",
    "DE",
    "AT",
    "CH",
    "FR",
    "BE",
    "NL",
    "ES",
    "IT",
    "PT",
    "SE",
    "NO",
    "DK",
    "FI",
    "PL",
    "CZ",
    "BR",
    "MX",
    "AR",
    "IN",
    "JP",
    "KR",
    "NZ",
]
OFFLINE_LANGUAGE = "The offline catalog (no TMDB key) is English-only: titles stay in English."
LANGUAGES = ["", "en", "de", "fr", "es", "it", "pt", "nl", "sv", "ja", "ko", "zh", "hi"]


def profile(users: UserService, user: User, *, keep_session: str | None) -> None:
    """Name, e-mail and password; a new password logs out every other browser (all sessions
    but `keep_session`, this one's)."""
    with st.form("profile"):
        st.subheader("Profile")
        name = st.text_input("Display name", value=user.display_name, max_chars=100)
        email = st.text_input("Email", value=user.email or "")
        if st.form_submit_button("Save profile"):
            with guarded():
                users.update_profile(user, display_name=name, email=email or None)
                st.success("Profile saved.")
    if user.is_sandbox:
        return  # a demo sandbox has no password to change: "Keep this account" sets one
    with st.form("password", clear_on_submit=True):
        st.subheader("Password")
        current = st.text_input("Current password", type="password")
        new = st.text_input("New password", type="password", help="At least 8 characters")
        repeat = st.text_input("Repeat new password", type="password")
        if st.form_submit_button("Change password"):
            if new != repeat:
                st.warning("The two new passwords differ.")
            else:
                with guarded():
                    users.change_password(user, current=current, new=new, keep_session=keep_session)
                    st.success("Password changed. Every other browser is logged out.")


@cache
def time_zones() -> list[str]:
    """Every IANA zone, sorted (read from disk once per process, not on every run)."""
    return sorted(available_timezones())


def preferences(user: User, *, users: UserService, discovery: DiscoveryService) -> None:
    saved = users.preferences(user)
    genres = [genre.name for genre in discovery.genres()]
    with st.form("preferences"):
        st.subheader("Preferences")
        favourite = st.multiselect(
            "Favourite genres", genres, default=[g for g in saved.favourite_genres if g in genres]
        )
        avoided = st.multiselect(
            "Genres to avoid in recommendations",
            genres,
            default=[g for g in saved.avoided_genres if g in genres],
        )
        left, right = st.columns(2)
        region = left.selectbox(
            "Region (for where to watch)",
            REGIONS,
            index=REGIONS.index(saved.region) if saved.region in REGIONS else 0,
            format_func=lambda r: r or "Not set",
        )
        language = right.selectbox(
            "Language",
            LANGUAGES,
            index=LANGUAGES.index(saved.language or ""),
            format_func=lambda lang: lang or "Not set",
            help="Movie titles and overviews from TMDB in this language.",
        )
        if not discovery.live:
            right.caption(OFFLINE_LANGUAGE)
        zones = time_zones()
        timezone = st.selectbox(
            "Time zone",
            zones,
            index=zones.index(saved.timezone) if saved.timezone in zones else zones.index("UTC"),
        )
        services_offered = {p.id: p.name for p in discovery.providers(saved.region)}
        streaming = st.multiselect(
            "My streaming services",
            list(services_offered),
            default=[s for s in saved.streaming_services if s in services_offered],
            format_func=services_offered.__getitem__,
            help="Used by “only on my services” in Discover and Recommendations.",
            disabled=not services_offered,
            placeholder="Set your region first (live TMDB only)"
            if not services_offered
            else "Choose your services",
        )
        hide_adult = st.checkbox("Hide adult titles", value=saved.hide_adult)
        movie_night = st.checkbox(
            "Let others on this server include me in Movie night picks",
            value=saved.movie_night_opt_in,
        )
        if st.form_submit_button("Save preferences", type="primary"):
            with guarded():
                users.save_preferences(
                    user,
                    Preferences(
                        favourite_genres=tuple(favourite),
                        avoided_genres=tuple(avoided),
                        region=region or None,
                        language=language or None,
                        hide_adult=hide_adult,
                        streaming_services=tuple(streaming)
                        if services_offered
                        else saved.streaming_services,
                        movie_night_opt_in=movie_night,
                        timezone=timezone,
                    ),
                )
                st.success("Preferences saved.")


def account(user: User, *, users: UserService) -> None:
    """Deleting the account (a demo sandbox's keep and reset are in `sandbox_view`)."""
    st.subheader("Delete my account")
    st.write(
        "This deletes your account and everything in it: ratings, watchlist, diary, "
        "preferences and recommendations. It cannot be undone."
    )
    with st.form("delete-account"):
        typed = st.text_input(f"Type your username ({user.username}) to confirm")
        if st.form_submit_button("Delete my account and all my data", type="primary"):
            if typed.strip().lower() != user.username:
                st.warning("The username you typed does not match.")
                return
            with guarded():
                users.delete_user(user)
                end_session()
                st.success("Your account and all its data are deleted.")
                end_page()
