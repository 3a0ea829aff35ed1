"""A real HTTP server on 127.0.0.1 that speaks enough TMDB v3 for the catalog.

It serves the bundled TMDB 5000 snapshot as TMDB JSON, checks the v3 key (`api_key`) or the
read token (Bearer), counts requests per path, records arrival times and query parameters,
answers in the `language` asked (titles get a " [fr]" tag: the snapshot has no translations),
and injects faults on demand: 429 with Retry-After, 500, 503, slow answers, dropped
connections, malformed JSON, or a full outage. Point the real client at it with
`TMDB_API_BASE=fake.base_url`.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from reelmatch.catalog.offline import load_snapshot
from tests.support.fake_tmdb_data import TmdbData, error_body, fixture, in_language

API_KEY = "fake-v3-key"
READ_TOKEN = "fake-read-token"
LISTS = {"popular", "top_rated", "now_playing", "upcoming"}


@dataclass
class Fault:
    kind: str  # "429", "500", "503", "slow", "drop", "malformed"
    times: int
    path: str | None = None
    retry_after: float = 1.0
    seconds: float = 0.0


@dataclass(frozen=True)
class Arrival:
    path: str
    at: float  # time.time() when the request arrived


class FakeTmdb:
    def __init__(
        self, *, records: list[dict[str, Any]] | None = None, latency: float = 0.0
    ) -> None:
        self.data = TmdbData(records if records is not None else load_snapshot())
        self.latency = latency
        self.outage = False
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.arrivals: list[Arrival] = []
        #: (path, query parameters) of every request, in arrival order.
        self.queries: list[tuple[str, dict[str, str]]] = []
        self.in_flight = 0
        #: movie id -> TMDB `release_dates` results ([{"iso_3166_1": .., "release_dates": ..}]).
        self.release_dates: dict[int, list[dict[str, Any]]] = {}
        self.max_in_flight = 0
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/3"

    def start(self) -> FakeTmdb:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeTmdb:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # Control ----------------------------------------------------------------------------------

    def inject(
        self, kind: str, *, times: int = 1, path: str | None = None, **options: float
    ) -> None:
        """Make the next `times` requests (to paths starting with `path`, if given) fail."""
        with self._lock:
            self._faults.append(Fault(kind, times, path, **options))

    def reset(self) -> None:
        with self._lock:
            self._faults.clear()
            self.counts.clear()
            self.arrivals.clear()
            self.queries.clear()
            self.max_in_flight = 0
            self.outage = False
            self.latency = 0.0
            self.release_dates.clear()

    def requests(self, prefix: str = "") -> int:
        """Requests received for paths starting with `/3/{prefix}` (all of them by default)."""
        with self._lock:
            return sum(n for path, n in self.counts.items() if path.startswith("/3/" + prefix))

    def params_of(self, prefix: str) -> list[dict[str, str]]:
        """The query parameters of the requests to paths starting with `/3/{prefix}`."""
        with self._lock:
            return [params for path, params in self.queries if path.startswith("/3/" + prefix)]

    def take_fault(self, path: str, params: dict[str, str]) -> Fault | None:
        """Count the request and pick the fault it should suffer, if any."""
        with self._lock:
            self.counts[path] += 1
            self.queries.append((path, params))
            self.arrivals.append(Arrival(path, time.time()))
            for fault in self._faults:
                if fault.times > 0 and (fault.path is None or path.startswith(fault.path)):
                    fault.times -= 1
                    return fault
        return None

    def entered(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def left(self) -> None:
        with self._lock:
            self.in_flight -= 1

    # Routing ----------------------------------------------------------------------------------

    def answer(self, path: str, params: dict[str, str]) -> tuple[int, Any]:
        status, body = self._route(path, params)
        return status, in_language(body, params.get("language"))

    def _route(self, path: str, params: dict[str, str]) -> tuple[int, Any]:
        parts = path.removeprefix("/3/").strip("/").split("/")
        page = int(params.get("page", "1") or "1")
        if not 1 <= page <= 500:
            return 400, error_body(22, "Invalid page: Pages start at 1 and max at 500.")
        match parts:
            case ["configuration"]:
                return 200, self.data.configuration()
            case ["genre", "movie", "list"]:
                return 200, self.data.genres()
            case ["movie", name] if name in LISTS:
                return 200, self.data.list_page(name, page)
            case ["trending", "movie", ("day" | "week") as window]:
                return 200, self.data.list_page(f"trending/{window}", page)
            case ["search", "movie"]:
                return 200, self.data.search(params.get("query", ""), params.get("year"), page)
            case ["discover", "movie"]:
                return 200, self.data.discover(params)
            case ["movie", movie_id, "release_dates"] if movie_id.isdigit():
                if int(movie_id) in self.release_dates:
                    return 200, {"id": int(movie_id), "results": self.release_dates[int(movie_id)]}
            case ["movie", movie_id] if movie_id.isdigit():
                append = set(filter(None, params.get("append_to_response", "").split(",")))
                found = self.data.movie(int(movie_id), append)
                if found is not None:
                    return 200, found
            case ["watch", "providers", "movie"]:
                return 200, self.data.watch_providers(params.get("watch_region", ""))
            case ["find", external_id]:
                return 200, self.data.find(external_id)
        return 404, error_body(34, "The resource you requested could not be found.")


class _QuietServer(ThreadingHTTPServer):
    """Clients that time out hang up mid-answer on purpose; that is not worth a traceback.
    A deep accept backlog: a 20-request fan-out must not overflow it (the default of 5 makes
    the kernel drop connections, which clients retry after a whole second)."""

    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Answers as TMDB would, through `self.fake` (set per server by `_handler_for`)."""

    fake: FakeTmdb
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        fault = self.fake.take_fault(url.path, params)
        self.fake.entered()
        try:
            self._respond(url.path, params, fault)
        finally:
            self.fake.left()

    def _respond(self, path: str, params: dict[str, str], fault: Fault | None) -> None:
        if self.fake.latency:
            time.sleep(self.fake.latency)
        if self.fake.outage:
            self._send(503, error_body(11, "Internal error: Something went wrong."))
        elif fault is not None and self._apply(fault):
            return
        elif not self._authorised(params):
            self._send(401, fixture("authentication_401.json"))
        else:
            self._send(*self.fake.answer(path, params))

    def _apply(self, fault: Fault) -> bool:
        """Act out a fault; True when the response is already dealt with."""
        if fault.kind == "slow":
            time.sleep(fault.seconds)
            return False
        if fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault.kind == "malformed":
            self._send_raw(200, b'{"page": 1, "results": [{"id": 5')
            return True
        status = int(fault.kind)
        headers = {"Retry-After": f"{fault.retry_after:g}"} if status == 429 else {}
        body = error_body(25, "Your request count is over the allowed limit.")
        self._send(status, body if status == 429 else error_body(11, "Internal error"), headers)
        return True

    def _authorised(self, params: dict[str, str]) -> bool:
        bearer = self.headers.get("Authorization", "")
        return params.get("api_key") == API_KEY or bearer == f"Bearer {READ_TOKEN}"

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(body).encode(), headers)

    def _send_raw(self, status: int, raw: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        return None


def _handler_for(fake: FakeTmdb) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"fake": fake})


@pytest.fixture(scope="session")
def tmdb_server() -> Iterator[FakeTmdb]:
    """One fake TMDB per test session (import this fixture into a conftest to use it)."""
    with FakeTmdb() as fake:
        yield fake


@pytest.fixture
def fake_tmdb(tmdb_server: FakeTmdb) -> Iterator[FakeTmdb]:
    """The session's fake TMDB with no faults, latency or counts left from other tests."""
    tmdb_server.reset()
    yield tmdb_server
    tmdb_server.reset()
