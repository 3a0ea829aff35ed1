"""`serve`: the web app on the address and port the settings name."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from reelmatch.config import load_settings

#: The folder holding app.py and .streamlit/ (Streamlit reads its config from the working
#: directory).
APP_DIR = Path(__file__).resolve().parents[2]


def streamlit_command(host: str, port: int) -> list[str]:
    """What `serve` runs (the cluster and the container run the same)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_DIR / "app.py"),
        "--server.address", host, "--server.port", str(port),
    ]  # fmt: skip


@click.command("serve")
def serve() -> None:
    """Start the web app on REELMATCH_HOST:REELMATCH_PORT (default 127.0.0.1:8501)."""
    settings = load_settings()
    command = streamlit_command(settings.host, settings.port)
    click.echo(f"Serving on http://{settings.host}:{settings.port}", err=True)
    os.chdir(APP_DIR)
    os.execv(command[0], command)  # noqa: S606 (our own interpreter, no shell)
