"""`streamlit run app.py` really starts and serves the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.net import free_port, wait_for_http

ROOT = Path(__file__).resolve().parent.parent


def test_streamlit_serves_the_app(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "REELMATCH_DATA_DIR": str(tmp_path / "var")}
    subprocess.run(
        [sys.executable, "-m", "reelmatch", "db", "upgrade"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", expect=b"ok") == b"ok"
        page = wait_for_http(f"http://127.0.0.1:{port}/")
        assert b'<div id="root">' in page or b'id="root"' in page
    finally:
        server.terminate()
        try:
            output, _ = server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert b"Traceback" not in output, output.decode(errors="replace")
