"""JSON log lines without secrets, and Sentry reporting to a loopback server speaking its
envelope protocol (only when SENTRY_DSN is set)."""

from __future__ import annotations

import gzip
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from reelmatch.bootstrap import setup_observability
from reelmatch.config import load_settings
from reelmatch.errors import InvalidInput
from reelmatch.observability import configure_logging, init_error_reporting, log_request


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[logging.Logger]:
    configure_logging("INFO")
    yield logging.getLogger("reelmatch.catalog.test")
    logging.getLogger("reelmatch").setLevel(logging.NOTSET)


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]


def test_one_json_line_per_request(
    json_logs: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    log_request(
        json_logs,
        service="tmdb",
        endpoint="/movie/{id}",
        status=200,
        latency_ms=12.345,
        cache="miss",
        api_key="sekrit-key",
    )
    (line,) = _lines(capsys)
    assert line["level"] == "info"
    assert line["logger"] == "reelmatch.catalog.test"
    assert (line["service"], line["endpoint"], line["status"]) == ("tmdb", "/movie/{id}", 200)
    assert (line["latency_ms"], line["cache"]) == (12.3, "miss")
    assert line["api_key"] == "***"


def test_exceptions_are_logged_by_type_only(
    json_logs: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")  # a second call adds no second handler
    try:
        raise ValueError("https://api.example/3/movie?api_key=sekrit")
    except ValueError:
        json_logs.exception("lookup failed", extra={"headers": {"Authorization": "Bearer x"}})
    (line,) = _lines(capsys)
    assert line["error"] == "ValueError"
    assert line["headers"] == {"Authorization": "***"}
    assert "sekrit" not in json.dumps(line)


def test_log_level_setting_is_validated() -> None:
    assert load_settings(REELMATCH_LOG_LEVEL="debug").log_level == "DEBUG"
    with pytest.raises(InvalidInput, match="REELMATCH_LOG_LEVEL"):
        load_settings(REELMATCH_LOG_LEVEL="chatty")


class _SentryIngest(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def sentry_server() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SentryIngest)
    _SentryIngest.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://public@127.0.0.1:{server.server_address[1]}/42", _SentryIngest.received
    finally:
        server.shutdown()
        server.server_close()


def test_sentry_is_off_without_a_dsn() -> None:
    assert init_error_reporting(None) is False
    assert init_error_reporting("") is False


def test_sentry_reports_errors_without_secrets(
    sentry_server: tuple[str, list[tuple[str, bytes]]],
) -> None:
    import sentry_sdk

    dsn, received = sentry_server
    settings = load_settings(SENTRY_DSN=dsn)
    try:
        setup_observability(settings)
        # A local variable Sentry would collect; built at run time, so the source lines that
        # Sentry sends as context do not contain it.
        note = "-".join(["hunter2", "secret"])  # noqa: F841
        try:
            raise RuntimeError("the catalog fell over")
        except RuntimeError as error:
            sentry_sdk.capture_exception(error)
        sentry_sdk.flush(timeout=5)
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init(dsn=None)
        logging.getLogger("reelmatch").setLevel(logging.NOTSET)
    assert received, "Sentry sent nothing to the loopback server"
    path, body = received[0]
    assert path == "/api/42/envelope/"
    assert b"the catalog fell over" in body
    assert b"RuntimeError" in body
    assert b"hunter2-secret" not in body
