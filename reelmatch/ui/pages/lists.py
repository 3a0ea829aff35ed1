"""Lists: the user's movie lists; create one, open it, reorder, remove, share, export."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.services.lists import letterboxd_list_csv
from reelmatch.ui.errors import guarded
from reelmatch.ui.lists_view import delete_button, items_editor, share_link
from reelmatch.ui.text import plain


def render(services: Services, user: User) -> None:
    lists = services.lists
    st.title("Lists")
    with st.expander("New list", expanded=False), st.form("new-list", clear_on_submit=True):
        name = st.text_input("Name", max_chars=200)
        description = st.text_area("Description", max_chars=2000)
        ranked = st.checkbox("Ranked (numbered)")
        if st.form_submit_button("Create list"):
            with guarded():
                created = lists.create(user, name, description=description, ranked=ranked)
                st.session_state["open-list"] = created.id
                st.rerun()
    with guarded():
        mine = lists.lists(user)
        if not mine:
            st.info("You have no lists yet.", icon=":material/list:")
            return
        names = {m.id: m.name for m in mine}
        ids = list(names)
        if st.session_state.get("open-list") not in names:
            st.session_state["open-list"] = ids[0]
        list_id = st.selectbox("Open list", ids, format_func=names.__getitem__, key="open-list")
        movie_list = lists.get(user, list_id)
        if movie_list.description:
            st.write(plain(movie_list.description))
        ranked_col, public_col = st.columns(2)
        ranked = ranked_col.toggle("Ranked", value=movie_list.ranked, key=f"ranked-{list_id}")
        public = public_col.toggle("Public", value=movie_list.public, key=f"public-{list_id}")
        if (ranked, public) != (movie_list.ranked, movie_list.public):
            movie_list = lists.update(user, list_id, ranked=ranked, public=public)
        if movie_list.public:
            st.caption("Anyone with this link can see the list (nothing else of yours):")
            st.code(share_link(movie_list.share_token), language=None)
        items_editor(lists, user, movie_list)
        st.download_button(
            "Export (Letterboxd CSV)",
            data=lambda: letterboxd_list_csv(movie_list),  # built when clicked
            file_name=f"list-{list_id}.csv",
            mime="text/csv",
            key=f"export-{list_id}",
            on_click="ignore",
        )
        delete_button(lists, user, movie_list)
