"""Structured logs and optional error reporting.

`configure_logging` makes every `reelmatch.*` (and `dramatiq.*`) logger write one JSON object
per line to standard error (idempotent; the app and the CLI call it once at start). Clients
log one line per TMDB/OpenAI request with `log_request`. Values under secret-looking keys are
masked, and exceptions are logged as their type only (messages and tracebacks can carry URLs
with keys).

`init_error_reporting(dsn)` turns on Sentry when `SENTRY_DSN` is set, and only then. Every
event, breadcrumb and transaction goes through `scrub` first: values under secret-looking keys
are masked, and secrets inside text (a TMDB v3 key in a query string or URL, a Bearer token,
an OpenAI key) are cut out wherever they appear: messages, URLs, query strings, headers.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

SECRET_KEY = re.compile(r"api_?key|token|secret|password|passwd|authorization|cookie|dsn", re.I)
MASK = "***"
#: Secrets inside text: `name=value` parameters with a secret-looking name, Bearer tokens,
#: OpenAI-style keys.
_SECRET_PARAM = re.compile(
    r"((?:^|[?&;\s\"'])(?:api_?key|access_?token|token|password|secret|session)=)[^&#\s\"']+", re.I
)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.I)
_OPENAI_KEY = re.compile(r"\bsk-[A-Za-z0-9_-]{8,}")
#: Attributes every LogRecord has; anything else came from `extra=` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_HANDLER_NAME = "reelmatch-json"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = redact(key, value)
        if record.exc_info and record.exc_info[0] is not None:
            data["error"] = record.exc_info[0].__name__
        return orjson.dumps(data, default=str).decode()


def redact(key: str, value: Any) -> Any:
    """`value`, masked when `key` looks like it names a secret (nested dicts too)."""
    if SECRET_KEY.search(key):
        return MASK
    if isinstance(value, dict):
        return {str(k): redact(str(k), v) for k, v in value.items()}
    return value


def scrub_text(text: str) -> str:
    """`text` with secrets cut out: `api_key=…` and the like, Bearer tokens, OpenAI keys."""
    if "=" in text:
        text = _SECRET_PARAM.sub(rf"\1{MASK}", text)
    if "earer" in text:
        text = _BEARER.sub(rf"\1{MASK}", text)
    if "sk-" in text:
        text = _OPENAI_KEY.sub(f"sk-{MASK}", text)
    return text


def scrub(value: Any, key: str = "") -> Any:
    """A copy of `value` (dicts, lists, strings) safe to send anywhere: secret-looking keys
    masked, secrets inside every string cut out."""
    if key and SECRET_KEY.search(key):
        return MASK
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


class ScrubSecrets(logging.Filter):
    """For third-party loggers (httpx logs each request URL, query string included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def scrub_logger(name: str) -> None:
    """Add `ScrubSecrets` to the logger `name` (once)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, ScrubSecrets) for f in logger.filters):
        logger.addFilter(ScrubSecrets())


class _StderrHandler(logging.Handler):
    """Writes to whatever `sys.stderr` is at the time (test runners and the CLI swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on standard error for the `reelmatch` loggers, at `level`, and for the task
    engine's (`dramatiq`: warnings and errors only, not passed on to the root logger)."""
    numeric = logging.getLevelNamesMapping()[level.upper()]
    _json_to_stderr(logging.getLogger("reelmatch"), numeric)
    engine = logging.getLogger("dramatiq")
    _json_to_stderr(engine, max(numeric, logging.WARNING))
    engine.propagate = False


def _json_to_stderr(logger: logging.Logger, level: int) -> None:
    if not any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        handler = _StderrHandler()
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.setLevel(level)


def log_request(
    logger: logging.Logger,
    *,
    service: str,
    endpoint: str,
    status: int | str,
    latency_ms: float,
    level: int = logging.INFO,
    **fields: Any,
) -> None:
    """The one line per upstream request (TMDB, OpenAI): `tmdb_request endpoint=movie/{id}
    status=200 latency_ms=12.3 cache=miss`. `endpoint` is the route template, never a URL;
    `fields` must hold no secrets and no user data. The same fields ride along as `extra`
    for the JSON formatter."""
    values = {"endpoint": endpoint, "status": status, "latency_ms": round(latency_ms, 1)}
    values.update((key, value) for key, value in fields.items() if value is not None)
    message = " ".join([f"{service}_request", *(f"{k}={v}" for k, v in values.items())])
    logger.log(level, message, extra={"service": service, **values})


def init_error_reporting(
    dsn: str | None, *, environment: str | None = None, transport: Any = None
) -> bool:
    """Start Sentry when a DSN is given; returns whether it is on. The SDK's defaults send no
    personal data; local variables and request bodies are not attached either. `transport`
    replaces the SDK's (tests capture what would be sent)."""
    if not dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        include_local_variables=False,  # locals can hold keys and passwords
        max_request_body_size="never",
        traces_sample_rate=0.0,
        before_send=_scrubbed,
        before_send_transaction=_scrubbed,
        before_breadcrumb=_scrubbed,
        **({"transport": transport} if transport is not None else {}),
    )
    return True


def _scrubbed(item: Any, _hint: Any) -> Any:
    """What Sentry would send (an event, a transaction, a breadcrumb), scrubbed throughout."""
    return scrub(item)
