"""A loopback server that speaks OpenAI's chat completions API, scriptable per test.

Driven by the real `openai` SDK (`base_url=fake.base_url`). Response bodies start from the
official example in tests/fixtures/openai/chat_completion.json (copied from OpenAI's OpenAPI
spec); errors use the spec's `{"error": {message, type, param, code}}` envelope.

Script replies with `fake.push(...)` (served in order, then `fake.default`):

    fake.push(fake.error(429, retry_after="1"), fake.picks([{"tmdb_id": 603, ...}]))

Every request is recorded (`fake.requests`: path, headers, parsed body), so tests can assert
on the prompt, the model and the API key header.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "openai" / "chat_completion.json"
CHAT_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models/"
DEFAULT_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    delay: float = 0.0  # seconds to wait before answering (a timeout when > client timeout)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    raw_body: bytes
    answered: bool = False  # set once the reply was fully written

    @property
    def body(self) -> Any:
        return json.loads(self.raw_body) if self.raw_body else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.body["messages"]
        return messages

    def message(self, role: str) -> str:
        """The content of the (first) message with `role`."""
        content: str = next(m["content"] for m in self.messages if m["role"] == role)
        return content

    def data_document(self) -> Any:
        """The JSON between <data> and </data> in the user message, parsed."""
        text = self.message("user")
        start, end = text.index("<data>") + len("<data>"), text.index("</data>")
        return json.loads(text[start:end])


@dataclass
class _State:
    replies: deque[Reply] = field(default_factory=deque)
    requests: list[RecordedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class FakeOpenAI:
    def __init__(self, *, model: str = DEFAULT_MODEL) -> None:
        self.model = model
        self.default = self.picks([])
        self._state = _State()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # Lifecycle --------------------------------------------------------------------------------

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._state.stopping.set()  # wakes slow replies so they end
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    # Scripting --------------------------------------------------------------------------------

    def push(self, *replies: Reply) -> None:
        with self._state.lock:
            self._state.replies.extend(replies)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def request_count(self) -> int:
        return len(self.requests)

    def completion(
        self,
        *,
        content: str | None,
        refusal: str | None = None,
        finish_reason: str = "stop",
        prompt_tokens: int = 1000,
        completion_tokens: int = 200,
        model: str | None = None,
    ) -> Reply:
        """A 200 chat completion built on the spec's example response."""
        body = copy.deepcopy(_example())
        body["model"] = model or self.model
        body["created"] = int(time.time())
        choice = body["choices"][0]
        choice["message"].update(content=content, refusal=refusal)
        choice["finish_reason"] = finish_reason
        body["usage"].update(
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            total_tokens=prompt_tokens + completion_tokens,
        )
        return Reply(body=json.dumps(body).encode())

    def picks(self, picks: Sequence[Mapping[str, Any]], **usage: Any) -> Reply:
        """An answer in the app's structured-output shape: {"picks": [...]}."""
        return self.completion(content=json.dumps({"picks": list(picks)}), **usage)

    def refusal(self, text: str = "I'm sorry, I can't help with that request.") -> Reply:
        return self.completion(content=None, refusal=text)

    def error(
        self,
        status: int,
        *,
        message: str = "The server had an error processing your request.",
        type_: str = "server_error",
        code: str | None = None,
        retry_after: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        envelope = {"error": {"message": message, "type": type_, "param": None, "code": code}}
        extra = dict(headers or {})
        if retry_after is not None:
            extra["retry-after"] = retry_after
        return Reply(
            status=status,
            body=json.dumps(envelope).encode(),
            headers=(("Content-Type", "application/json"), *extra.items()),
        )

    def rate_limited(self, *, retry_after: str | None = None) -> Reply:
        return self.error(
            429,
            message="Rate limit reached for requests",
            type_="requests",
            code="rate_limit_exceeded",
            retry_after=retry_after,
        )

    @staticmethod
    def slow(seconds: float, reply: Reply) -> Reply:
        return Reply(status=reply.status, body=reply.body, headers=reply.headers, delay=seconds)

    @staticmethod
    def raw(body: bytes, *, status: int = 200, content_type: str = "text/html") -> Reply:
        return Reply(status=status, body=body, headers=(("Content-Type", content_type),))

    # Serving ----------------------------------------------------------------------------------

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._state.lock:
            self._state.requests.append(request)
            return self._state.replies.popleft() if self._state.replies else self.default


def _example() -> dict[str, Any]:
    example: dict[str, Any] = json.loads(FIXTURE.read_text())
    return example


def _request_problem(body: Any) -> str | None:
    """The spec's required request fields, checked like the real API checks them."""
    if not isinstance(body, dict):
        return "We could not parse the JSON body of your request."
    if not isinstance(body.get("model"), str):
        return "you must provide a model parameter"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty array"
    if any(not isinstance(m, dict) or "role" not in m for m in messages):
        return "each message needs a 'role'"
    response_format = body.get("response_format")
    if response_format is not None and response_format.get("type") == "json_schema":
        schema = response_format.get("json_schema") or {}
        if not isinstance(schema.get("name"), str):
            return "response_format.json_schema.name is required"
    return None


def _handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    state = fake._state

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            """`GET /v1/models/{id}`: the model's description (a queued reply, e.g. a 401,
            answers instead)."""
            headers = {name.lower(): value for name, value in self.headers.items()}
            request = RecordedRequest("GET", self.path, headers, b"")
            if not self.path.startswith(MODELS_PATH):
                self._send(fake.error(404, message="Unknown path", type_="invalid_request_error"))
                return
            with state.lock:
                state.requests.append(request)
                queued = state.replies.popleft() if state.replies else None
            model = self.path.removeprefix(MODELS_PATH)
            described = {
                "id": model,
                "object": "model",
                "created": 1700000000,
                "owned_by": "system",
            }
            self._send(
                queued
                or Reply(
                    status=200,
                    body=json.dumps(described).encode(),
                    headers=(("Content-Type", "application/json"),),
                )
            )

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            request = RecordedRequest("POST", self.path, headers, raw)
            if self.path != CHAT_PATH:
                self._send(fake.error(404, message="Unknown path", type_="invalid_request_error"))
                return
            try:
                problem = _request_problem(json.loads(raw))
            except json.JSONDecodeError:
                problem = "We could not parse the JSON body of your request."
            reply = fake._next_reply(request)
            if problem is not None:
                reply = fake.error(400, message=problem, type_="invalid_request_error")
            if reply.delay and state.stopping.wait(reply.delay):
                return  # the test ended while we were "thinking"
            if self._send(reply):
                request.answered = True

        def _send(self, reply: Reply) -> bool:
            try:
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return False  # the client gave up (its timeout), as real clients do
            return True

        def log_message(self, format: str, *args: Any) -> None:
            return None  # keep test output clean

    return Handler


def iter_prompt_text(fake: FakeOpenAI) -> Iterator[str]:
    """Every message content of every recorded request (for "never in a prompt" checks)."""
    for request in fake.requests:
        for message in request.messages:
            yield str(message.get("content"))
