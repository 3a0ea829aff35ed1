"""The "For you" page's pieces: engine switch, filters, recommendation cards with feedback and
"why this?", and the movie night tab. Logic lives in `RecommendationService`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Protocol

import streamlit as st

from reelmatch.domain import (
    ImageConfig,
    MovieNightPick,
    Recommendation,
    RecommendationFilters,
    RecommendationsResult,
    User,
)
from reelmatch.services.discovery import DiscoveryService
from reelmatch.services.library import LibraryService
from reelmatch.services.recommendations import RecommendationOptions, RecommendationService
from reelmatch.ui.cards import watchlist_button
from reelmatch.ui.feedback import on_click
from reelmatch.ui.posters import poster_src
from reelmatch.ui.routing import MOVIE, SETTINGS, link, movie_link
from reelmatch.ui.text import plain

PAGE_SIZE = 12
COLUMNS = 4
YEARS = (1900, date.today().year + 1)
NEWCOMER = (
    "These are popular picks. Rate a few movies (open any movie from Discover or Search and "
    "give it some stars) and they become yours."
)
RATE_FIRST = (
    "Rate a few movies and your picks appear here: open any movie from Discover or Search "
    "and give it some stars."
)
#: What each feedback button does, word for word true to `FeedbackRecorder`.
FEEDBACK_HELP = {
    "up": "Good pick: it stays in your list and counts as a good pick for this engine",
    "down": "Bad pick: never show it again, and record that this pick was wrong",
    "not_interested": "Not interested: never show it again (the pick is not judged bad)",
    "seen": "Seen it: never show it again; optionally log a watch today",
}
SOURCES = {
    "ai": "AI pick",
    "local": "Local pick",
    "popular": "Popular pick",
    "movie-night": "Movie night",
}


class ForYouServices(Protocol):
    """What the "For you" page uses."""

    @property
    def recommendations(self) -> RecommendationService: ...
    @property
    def discovery(self) -> DiscoveryService: ...
    @property
    def library(self) -> LibraryService: ...


def picks_tab(services: ForYouServices, user: User) -> None:
    recs = services.recommendations
    options = recs.options(user)
    engine = engine_switch(options, admin=user.is_admin)
    filters = picks_filters(options, genres=[genre.name for genre in services.discovery.genres()])
    result = recs.recommend(user, engine=engine, k=PAGE_SIZE, filters=filters)
    if result.notice:
        st.info(plain(result.notice), icon=":material/info:")
    if not options.has_ratings and result.items:
        st.info(NEWCOMER, icon=":material/star:")
    if not result.items:
        empty_state(options, filtered=filters != RecommendationFilters())
        return
    recommendation_grid(result, services=services, user=user)
    st.caption(run_caption(result))


def engine_switch(options: RecommendationOptions, *, admin: bool) -> str:
    """The AI toggle, or why it is off. Without an OpenAI key on the server the reason is an
    operator's ("set OPENAI_API_KEY"): admins read it, everyone else sees no AI switch."""
    status = options.ai
    if not status.configured and not admin:
        return "local"
    use_ai = st.toggle(
        "AI picks",
        key="recs-ai",
        disabled=not status.available,
        help="An OpenAI model re-ranks the local engine's picks and says why, in one sentence.",
    )
    if not status.available:
        st.caption(plain(status.reason or "AI picks are not available."))
        return "local"
    if use_ai and status.left_today is not None:
        st.caption(f"{status.left_today} AI requests left today.")
    return "ai" if use_ai else "local"


def picks_filters(options: RecommendationOptions, *, genres: list[str]) -> RecommendationFilters:
    with st.expander("Filters", icon=":material/tune:"):
        left, right = st.columns(2)
        chosen = left.multiselect("Genres", sorted(genres), key="recs-genres")
        years = right.slider("Released", *YEARS, value=YEARS, key="recs-years")
        only_mine = False
        if options.streaming_filter:
            only_mine = st.toggle("Only on my services", key="recs-mine")
        else:
            st.caption(
                "Set your region and streaming services in Settings (live TMDB) to filter by them."
            )
    return RecommendationFilters(
        genres=tuple(chosen),
        year_from=years[0] if years[0] > YEARS[0] else None,
        year_to=years[1] if years[1] < YEARS[1] else None,
        only_my_services=only_mine,
    )


def empty_state(options: RecommendationOptions, *, filtered: bool) -> None:
    if filtered:
        st.info(
            "No movie matches these filters. Try a wider year range or fewer genres.",
            icon=":material/filter_alt_off:",
        )
    elif not options.has_ratings:
        st.info(RATE_FIRST, icon=":material/star:")
    else:
        st.info("Nothing left to recommend right now.", icon=":material/movie:")


def recommendation_grid(
    result: RecommendationsResult, *, services: ForYouServices, user: User
) -> None:
    images = services.discovery.images()
    states = services.discovery.states(user, [i.movie.id for i in result.items])
    for start in range(0, len(result.items), COLUMNS):
        row = st.columns(COLUMNS, gap="small")
        for column, item in zip(row, result.items[start : start + COLUMNS], strict=False):
            with column:
                state = states.get(item.movie.id)
                recommendation_card(
                    item,
                    services=services,
                    user=user,
                    run_id=result.run_id,
                    images=images,
                    on_watchlist=bool(state and state.on_watchlist),
                )


def recommendation_card(
    item: Recommendation,
    *,
    services: ForYouServices,
    user: User,
    run_id: int | None,
    images: ImageConfig,
    on_watchlist: bool,
) -> None:
    movie = item.movie
    with st.container(border=True, key=f"card-rec-{movie.id}"):
        st.image(poster_src(images, movie), width="stretch")
        if st.button(
            plain(movie.label),
            key=f"rec-open-{movie.id}",
            type="tertiary",
            width="stretch",
            help=movie.label,
        ):
            services.recommendations.clicked(user, movie.id, run_id=run_id)
            st.switch_page(link(MOVIE), query_params={"id": str(movie.id)})
        first_reason = plain(item.reasons[0]) if item.reasons else ""
        st.caption(f"{SOURCES.get(item.source, item.source)} · {first_reason}")
        with st.expander("Why this?"):
            for reason in item.reasons:
                st.markdown(f"- {plain(reason)}")
        feedback_buttons(movie.id, recs=services.recommendations, user=user, run_id=run_id)
        watchlist_button(
            movie.id,
            library=services.library,
            user=user,
            on_watchlist=on_watchlist,
            key=f"rec-{movie.id}",
        )


def feedback_buttons(
    movie_id: int, *, recs: RecommendationService, user: User, run_id: int | None
) -> None:
    """Icon buttons, each saying in its tooltip what it does (services/recommendations/
    feedback.py): 👍 keeps the pick and counts it as a good one; 👎 and ⊘ both hide the movie
    for good, 👎 recording that the pick was bad, ⊘ only that you are not interested; "seen
    it" hides it (and can log a watch). None of them retrains the engine by itself."""
    up, down, hide, seen = st.columns(4, gap="small")
    choices = (
        (up, ":material/thumb_up:", "up", FEEDBACK_HELP["up"], "Thanks: counted as a good pick."),
        (down, ":material/thumb_down:", "down", FEEDBACK_HELP["down"], "Hidden: a bad pick."),
        (hide, ":material/block:", "not_interested", FEEDBACK_HELP["not_interested"], "Hidden."),
    )
    for column, icon, kind, help_text, done in choices:
        column.button(
            "",
            icon=icon,
            key=f"fb-{kind}-{movie_id}",
            help=help_text,
            on_click=on_click(
                partial(recs.feedback, user, movie_id, kind, run_id=run_id), done=done
            ),
        )
    with seen.popover("", icon=":material/visibility:", help=FEEDBACK_HELP["seen"]):
        st.button(
            "Seen it: hide",
            key=f"fb-seen-{movie_id}",
            on_click=on_click(
                partial(recs.feedback, user, movie_id, "seen", run_id=run_id),
                done="Marked as seen.",
            ),
        )
        st.button(
            "Seen it: log a watch today",
            key=f"fb-seen-log-{movie_id}",
            on_click=on_click(
                partial(recs.feedback, user, movie_id, "seen", run_id=run_id, log_watch=True),
                done="Logged in your diary.",
            ),
        )


def group_score(score: float) -> str:
    """The score movie night sorts by (0..1: everyone's list, weighted towards the least
    keen member), out of 100."""
    return f"Group score {round(score * 100)}/100"


def run_caption(result: RecommendationsResult) -> str:
    parts = [SOURCES.get(result.engine, result.engine).replace(" pick", " engine")]
    parts.append(f"{result.latency_ms:.0f} ms")
    if result.model:
        parts.append(result.model)
    if result.cost_usd is not None:
        parts.append(f"AI cost ${result.cost_usd:.4f}")
    if result.from_cache:
        parts.append("from cache")
    if result.hallucinations:
        parts.append(f"{result.hallucinations} AI suggestions dropped (not real or not new)")
    return " · ".join(parts)


# Movie night -------------------------------------------------------------------------------

NIGHT_KEY = "_movie_night_result"


def movie_night_tab(services: ForYouServices, user: User) -> None:
    recs = services.recommendations
    members = recs.movie_night_members(user)
    if user.id not in {m.id for m in members}:
        st.info(
            "Movie night finds films for 2–6 people at once, scored so nobody hates the pick. "
            "Everyone taking part opts in under Settings → “Let others on this server include "
            "me in Movie night picks”.",
            icon=":material/groups:",
        )
        st.page_link(link(SETTINGS), label="Open Settings", icon=":material/settings:")
        return
    if len(members) < 2:
        st.info(
            "You are in, but nobody else has opted in yet. Ask a friend on this server to turn "
            "on Movie night in their Settings.",
            icon=":material/groups:",
        )
        return
    names = {m.username: m.display_name for m in members}
    chosen = st.multiselect(
        "Who's watching?",
        list(names),
        default=[user.username],
        format_func=names.__getitem__,
        max_selections=6,
        key="night-members",
    )
    if st.button("Find movies for us", type="primary", disabled=len(chosen) < 2):
        st.session_state[NIGHT_KEY] = recs.movie_night(user, chosen, k=8)
    night = st.session_state.get(NIGHT_KEY)
    if night is not None:
        movie_night_picks(night.picks, members=night.members, images=services.discovery.images())


def movie_night_picks(
    picks: Sequence[MovieNightPick], *, members: Sequence[str], images: ImageConfig
) -> None:
    if not picks:
        st.info("No movie suits everyone yet. Try again after a few more ratings.")
        return
    st.subheader(f"For {', '.join(plain(m) for m in members)}")
    for start in range(0, len(picks), COLUMNS):
        row = st.columns(COLUMNS, gap="small")
        for column, pick in zip(row, picks[start : start + COLUMNS], strict=False):
            with column, st.container(border=True, key=f"card-night-{pick.movie.id}"):
                st.image(poster_src(images, pick.movie), width="stretch")
                movie_link(
                    pick.movie.id,
                    plain(pick.movie.label),
                    key=f"night-{pick.movie.id}",
                    help=pick.movie.label,
                )
                st.caption(group_score(pick.score))
                for reason in pick.reasons:
                    st.caption(plain(reason))
