"""The Streamlit app: the shell (`shell.py`), its pages (`pages/`), their views and the pieces
they share (cards, errors, layout). Only the shell looks the services up (`state.py`)."""
