"""Reel Matchmaker's Streamlit entrypoint: the navigation and the login gate, nothing else."""

import streamlit as st

from reelmatch.ui.shell import run

st.set_page_config(page_title="Reel Matchmaker", page_icon=":material/movie:", layout="wide")
run()
