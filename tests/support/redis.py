"""Redis for tests: the shared test Redis (`TEST_REDIS_URL`) under a unique key prefix per
test, and a private `redis-server` a test may stop and restart.

Tests share the Redis with other people's test runs: only keys under our own prefix are ever
deleted (never FLUSHDB/FLUSHALL). Import the fixtures into a conftest to use them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.support.net import free_port
from tests.support.services import require_services

DEFAULT_URL = "redis://127.0.0.1:6379/15"


def configured_url() -> str:
    return os.environ.get("TEST_REDIS_URL", DEFAULT_URL)


def reachable(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def delete_prefix(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        names = list(client.scan_iter(match=prefix.replace("*", r"\*") + "*", count=500))
        if names:
            client.delete(*names)
    finally:
        client.close()


@pytest.fixture
def redis_url() -> str:
    url = configured_url()
    if not reachable(url):
        require_services("Redis", url)
        pytest.skip(f"Redis is not reachable at TEST_REDIS_URL ({url})")
    return url


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix no other test (or person) uses; its keys are deleted afterwards."""
    prefix = f"rm:test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    delete_prefix(redis_url, prefix)


class PrivateRedis:
    """A `redis-server` of our own on a spare port, for tests that stop and restart Redis."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not reachable(self.url):
            if time.monotonic() > deadline:
                raise TimeoutError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        require_services("redis-server binary", "redis-server")
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()
