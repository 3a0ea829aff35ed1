"""Reel Matchmaker's Streamlit entrypoint: the navigation and the login gate, nothing else."""

import streamlit as st

from reelmatch.ui.shell import FAVICON, run

# A file of ours: a :material/…: favicon is fetched from Google's font CDN (fails offline).
st.set_page_config(page_title="Reel Matchmaker", page_icon=FAVICON, layout="wide")
run()
