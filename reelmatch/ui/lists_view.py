"""Movie lists on screen: a list's items (read-only for a shared link), the owner's controls,
and the "Add to list" control the movie page and Library call."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

import streamlit as st

from reelmatch.domain import User
from reelmatch.services.lists import ListItem, ListService, MovieList, SharedList
from reelmatch.ui.errors import guarded
from reelmatch.ui.feedback import on_click
from reelmatch.ui.text import plain

#: The query parameter of a shared list's link: /?shared_list=<token>.
SHARED_PARAM = "shared_list"


def share_link(token: str) -> str:
    """The list's public link on this server (a relative link when the URL is unknown)."""
    try:
        url = st.context.url or ""
    except Exception:  # outside a browser session (AppTest)
        url = ""
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return f"{base}/?{SHARED_PARAM}={token}"


def shared_token() -> str | None:
    """The token when this run is a shared list's link, else None."""
    token = st.query_params.get(SHARED_PARAM)
    return token or None


def _label(item: ListItem, ranked: bool) -> str:
    year = f" ({item.movie.year})" if item.movie.year else ""
    prefix = f"**{item.position}.** " if ranked else "• "  # bold: not a Markdown list
    return f"{prefix}{plain(item.movie.title)}{year}"


def items_read_only(items: tuple[ListItem, ...], *, ranked: bool) -> None:
    if not items:
        st.caption("No movies on this list yet.")
    for item in items:
        st.markdown(_label(item, ranked))
        if item.note:
            st.caption(plain(item.note))


def shared_list_page(lists: ListService, token: str) -> None:
    """A public list by its link, for anyone, logged in or not: the list and nothing else."""
    with guarded():
        shared: SharedList = lists.shared(token)
        st.title(plain(shared.name))
        if shared.description:
            st.write(plain(shared.description))
        items_read_only(shared.items, ranked=shared.ranked)


def items_editor(lists: ListService, user: User, movie_list: MovieList) -> None:
    """The owner's items with move up / move down / remove buttons."""
    if not movie_list.items:
        st.caption("No movies on this list yet: add them from a movie's page or the Library.")
    last = len(movie_list.items)
    for item in movie_list.items:
        movie_id = item.movie.id
        text, up, down, remove = st.columns([8, 1, 1, 1], vertical_alignment="center")
        text.markdown(_label(item, movie_list.ranked))
        up.button(
            "↑",
            key=f"list-up-{movie_id}",
            disabled=item.position == 1,
            help="Move up",
            on_click=on_click(partial(lists.move_up, user, movie_list.id, movie_id)),
        )
        down.button(
            "↓",
            key=f"list-down-{movie_id}",
            disabled=item.position == last,
            help="Move down",
            on_click=on_click(partial(lists.move_down, user, movie_list.id, movie_id)),
        )
        remove.button(
            "✕",
            key=f"list-remove-{movie_id}",
            help="Remove from the list",
            on_click=on_click(
                partial(lists.remove_movie, user, movie_list.id, movie_id),
                done=f"Removed {item.movie.title} from the list.",
            ),
        )


def add_to_list(lists: ListService, user: User, movie_id: int, *, key: str) -> None:
    """A small "Add to list" control: pick one of the user's lists, add the movie."""
    with guarded():
        mine = lists.lists(user)
        if not mine:
            st.caption("Make a list on the Lists page to add movies to it.")
            return
        names = {m.id: m.name for m in mine}
        choice, button = st.columns([3, 1], vertical_alignment="bottom")
        list_id = choice.selectbox(
            "Add to list", list(names), format_func=names.__getitem__, key=f"{key}-pick"
        )
        if button.button("Add to list", key=f"{key}-add") and list_id is not None:
            lists.add_movie(user, list_id, movie_id)
            st.toast(f"Added to {names[list_id]}.")


def add_from_library(lists: ListService, user: User, titles: dict[int, str]) -> None:
    """Library's "Add to list": pick one of the user's movies, then a list."""
    if not titles:
        return
    with st.expander("Add a movie to a list"):
        movie_id = st.selectbox(
            "Movie", list(titles), format_func=titles.__getitem__, key="library-list-movie"
        )
        if movie_id is not None:
            add_to_list(lists, user, movie_id, key="library-list")


def delete_button(lists: ListService, user: User, movie_list: MovieList) -> None:
    """ "Delete list", then "Delete for good" or Cancel: one click deletes nothing."""
    confirm = f"confirm-delete-{movie_list.id}"
    if st.button("Delete list", key=f"delete-{movie_list.id}"):
        st.session_state[confirm] = True
    if not st.session_state.get(confirm):
        return
    st.warning(f"Delete “{plain(movie_list.name)}” for good? This cannot be undone.")
    sure, cancel = st.columns(2)
    if sure.button("Delete for good", type="primary", key=f"delete-sure-{movie_list.id}"):
        st.session_state.pop(confirm, None)
        lists.delete(user, movie_list.id)
        st.rerun()
    if cancel.button("Cancel", key=f"delete-cancel-{movie_list.id}"):
        st.session_state.pop(confirm, None)
        st.rerun()
