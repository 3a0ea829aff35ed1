"""Use cases. Every service works without Streamlit; pages and the CLI call the same ones."""
