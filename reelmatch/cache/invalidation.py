"""Listens on the Redis invalidation channel and drops this process's L1 copies.

One daemon thread per process, started on first use. It survives Redis outages by
resubscribing every second until Redis answers again. Invalidations published while this
process was cut off are missed; its copies then expire with their TTL.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import orjson
import redis

log = logging.getLogger("reelmatch.cache")

POLL_SECONDS = 0.5
RESUBSCRIBE_SECONDS = 1.0


class InvalidationListener:
    def __init__(
        self,
        client: redis.Redis,
        *,
        channel: str,
        on_message: Callable[[dict[str, Any]], None],
    ) -> None:
        self._client = client
        self._channel = channel
        self._on_message = on_message
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.subscribed = threading.Event()

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._run, name="reelmatch-cache-invalidation", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=3)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except (redis.RedisError, OSError):
                self.subscribed.clear()
                self._stop.wait(RESUBSCRIBE_SECONDS)

    def _listen(self) -> None:
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self._channel)
            self.subscribed.set()
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=POLL_SECONDS)
                if message is not None and message.get("type") == "message":
                    self._handle(message["data"])
        finally:
            pubsub.close()

    def _handle(self, raw: bytes) -> None:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return
        if isinstance(data, dict):
            self._on_message(data)
