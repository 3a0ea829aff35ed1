"""No secret leaves the process: what Sentry would send (captured by a transport of our own)
and every log line at DEBUG, after real requests to the loopback TMDB and OpenAI servers with
a v3 key in the query string and keys in headers."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from pydantic import SecretStr
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from reelmatch.catalog.tmdb_client import TmdbClient
from reelmatch.errors import ReelmatchError
from reelmatch.llm import Candidate, OpenAIClient, OpenAIConfig, TasteProfile
from reelmatch.llm.retry import RetryPolicy
from reelmatch.observability import configure_logging, init_error_reporting, scrub
from tests.support.fake_openai import FakeOpenAI
from tests.support.fake_tmdb import API_KEY, FakeTmdb

OPENAI_KEY = "sk-test-SECRETopenaikey0123456789"
CANDIDATES = (Candidate(tmdb_id=603, title="The Matrix", year=1999),)
#: Strings that must never appear in anything sent or logged.
SECRETS = (API_KEY, OPENAI_KEY)


class CapturingTransport(Transport):
    """What the SDK would have sent to Sentry, kept in memory."""

    sent: list[bytes]

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.sent = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.sent.append(envelope.serialize())


@pytest.fixture
def sentry() -> Iterator[CapturingTransport]:
    transport = CapturingTransport()
    init_error_reporting("http://public@127.0.0.1:9/1", transport=transport)
    try:
        yield transport
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init(dsn=None)


@pytest.fixture
def every_log_line() -> Iterator[io.StringIO]:
    """Every record of every logger at DEBUG, formatted, plus the app's JSON lines."""
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s %(args)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    configure_logging("DEBUG")
    try:
        yield captured
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _talk_to_tmdb_and_openai(tmdb: FakeTmdb, openai: FakeOpenAI) -> None:
    client = TmdbClient(base_url=tmdb.base_url, api_key=API_KEY, retries=0)
    try:
        client.get_json("/movie/550")
        with pytest.raises(ReelmatchError):
            client.get_json("/movie/999999999")  # a 404: an error event with the request in it
    finally:
        client.close()
    ai = OpenAIClient(
        OpenAIConfig(
            api_key=SecretStr(OPENAI_KEY),
            base_url=openai.base_url,
            retry=RetryPolicy(max_retries=0),
        )
    )
    try:
        openai.push(openai.error(401))
        with pytest.raises(ReelmatchError):
            ai.pick_movies(TasteProfile(), CANDIDATES, k=1)
    finally:
        ai.close()


def test_sentry_receives_breadcrumbs_and_errors_but_no_key(
    sentry: CapturingTransport, every_log_line: io.StringIO
) -> None:
    with FakeTmdb() as tmdb, FakeOpenAI() as openai:
        _talk_to_tmdb_and_openai(tmdb, openai)
        try:
            raise RuntimeError(f"{tmdb.base_url}/movie/550?api_key={API_KEY} failed")
        except RuntimeError as error:
            sentry_sdk.capture_exception(error)
    sentry_sdk.flush(timeout=5)

    sent = b"\n".join(sentry.sent).decode()
    assert "RuntimeError" in sent
    assert "/movie/550" in sent  # the httpx breadcrumb was sent, with its URL
    assert "http.query" in sent  # … and its query string, where the v3 key travels
    for secret in SECRETS:
        assert secret not in sent
    logged = every_log_line.getvalue()
    assert "/movie/550" in logged  # httpx logged the request at INFO/DEBUG
    for secret in SECRETS:
        assert secret not in logged


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ({"url": f"http://t/3/movie/1?api_key={API_KEY}&page=2"}, "page=2"),
        ({"data": {"http.query": f"api_key={API_KEY}&language=de"}}, "language=de"),
        ({"headers": {"Authorization": f"Bearer {OPENAI_KEY}"}, "status": 401}, "401"),
        (["token=" + API_KEY, f"key {OPENAI_KEY} here"], "here"),
    ],
)
def test_scrub_cuts_secrets_out_of_any_shape(value: Any, kept: str) -> None:
    cleaned = str(scrub(value))
    assert kept in cleaned
    for secret in SECRETS:
        assert secret not in cleaned
