"""Loopback networking helpers for servers the tests start."""

from __future__ import annotations

import socket
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, *, timeout: float = 30.0, expect: bytes | None = None) -> bytes:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                body: bytes = response.read()
                if expect is None or expect in body:
                    return body
        except OSError as error:
            last = error
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last}")
