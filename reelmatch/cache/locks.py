"""A Redis lock for work that takes as long as it takes: redis-py's `Lock` (a random token,
released and extended only by a Lua script that checks that token), kept alive by a small
thread while its holder works.

`held_lock(client, name, seconds=60)` tries once, without waiting. The lock expires `seconds`
after it was last extended, and the thread extends it every third of that, so a holder that
dies (SIGKILL, a lost machine) frees it within `seconds`, while one that lives holds it for as
long as its work runs. A holder whose lock was lost meanwhile (Redis restarted, a pause longer
than `seconds`) is told by a warning; it never deletes a lock someone else took since.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from redis.exceptions import LockError, LockNotOwnedError
from redis.lock import Lock

log = logging.getLogger(__name__)


@contextmanager
def held_lock(client: redis.Redis, name: str, *, seconds: float) -> Iterator[bool]:
    """Yields True while this process holds `name`, False when another one does. Redis
    errors on acquiring propagate (the caller decides whether to work unlocked)."""
    # thread_local=False: the token must be visible to the extending thread.
    lock = client.lock(name, timeout=seconds, blocking=False, thread_local=False)
    if not lock.acquire():
        yield False
        return
    stop = threading.Event()
    extender = threading.Thread(
        target=_keep_extending, args=(lock, stop, seconds / 3), name=f"lock:{name}", daemon=True
    )
    extender.start()
    try:
        yield True
    finally:
        stop.set()
        extender.join()
        _release(lock, name)


def _keep_extending(lock: Lock, stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        try:
            lock.reacquire()  # back to the full timeout, only if the token is still ours
        except LockNotOwnedError:
            log.warning("lock %s was lost while held (it expired); its work goes on", lock.name)
            return
        except (redis.RedisError, OSError) as error:
            log.warning("lock %s could not be extended (%s)", lock.name, type(error).__name__)


def _release(lock: Lock, name: str) -> None:
    try:
        lock.release()
    except LockError:
        log.warning("lock %s had expired before it was released; left to its new holder", name)
    except (redis.RedisError, OSError) as error:
        log.warning("lock %s could not be released (%s); it expires", name, type(error).__name__)
