"""A real OpenID Connect provider on 127.0.0.1 for the single sign-on tests: `oidc-provider-mock`
(PyPI) in a process of its own. It signs real ID tokens with its own key, publishes its
metadata and keys, and shows an "Authorize" form asking for the subject to sign in as.

Any client id and secret are accepted (no registration). Claims for a subject are set with
`put_user` before its login; a claim named like a registered one (`exp`, `iat`) overrides the
one the provider computes, which is how a test gets a correctly signed but expired token.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tests.support.net import free_port, wait_for_http


@dataclass(frozen=True)
class MockProvider:
    url: str  # the issuer, http://127.0.0.1:PORT

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def put_user(self, sub: str, claims: dict[str, Any]) -> None:
        """The claims the provider puts in `sub`'s ID token (and userinfo)."""
        request = urllib.request.Request(  # noqa: S310 - loopback only
            f"{self.url}/users/{sub}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            assert response.status in (200, 204), response.status


@contextmanager
def oidc_provider() -> Iterator[MockProvider]:
    """The provider in a process of its own (`python -m oidc_provider_mock`), as a deployed one
    would be; stopped when the context ends."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        provider = MockProvider(f"http://127.0.0.1:{port}")
        wait_for_http(provider.metadata_url, expect=b"issuer")
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
