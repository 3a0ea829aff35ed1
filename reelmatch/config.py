"""One typed settings object, read from the environment and `.streamlit/secrets.toml`.

Environment variables win over the secrets file; both use the names of the contract in
docs/architecture.md. Secrets are `SecretStr`, so they never show up in `repr`, logs or error
messages.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from reelmatch.errors import InvalidInput

SECRETS_FILE = Path(".streamlit/secrets.toml")
COOKIE_KEY_FILE = "cookie_key"
MIN_COOKIE_KEY_BYTES = 32
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
#: Events younger than this are never pruned (percentiles and active users need raw events).
MIN_RETENTION_DAYS = 31


class TokenPrice(BaseModel):
    """What a model costs, in US dollars per million prompt (input) and completion (output)
    tokens. `OPENAI_PRICES` maps model names to these."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    input: float = Field(ge=0, allow_inf_nan=False)
    output: float = Field(ge=0, allow_inf_nan=False)


def _env(name: str, *, repr_: bool = True) -> Any:
    """An optional setting read from the variable `name` (unset means None)."""
    return Field(None, validation_alias=AliasChoices(name), repr=repr_)


class Settings(BaseSettings):
    """Every setting of the app. Build with `load_settings()` to get friendly errors."""

    model_config = SettingsConfigDict(
        extra="ignore",
        populate_by_name=True,
        hide_input_in_errors=True,
        case_sensitive=False,
    )

    # URLs may carry passwords: kept out of repr, shown masked by `masked_url`.
    database_url: str | None = _env("DATABASE_URL", repr_=False)
    redis_url: str | None = _env("REDIS_URL", repr_=False)
    tmdb_api_key: SecretStr | None = _env("TMDB_API_KEY")
    tmdb_read_access_token: SecretStr | None = _env("TMDB_READ_ACCESS_TOKEN")
    tmdb_api_base: str = Field(
        "https://api.themoviedb.org/3", validation_alias=AliasChoices("TMDB_API_BASE")
    )
    tmdb_rate_limit: float = Field(40.0, gt=0, validation_alias=AliasChoices("TMDB_RATE_LIMIT"))
    tmdb_daily_budget: int | None = Field(
        None, gt=0, validation_alias=AliasChoices("TMDB_DAILY_BUDGET")
    )
    openai_api_key: SecretStr | None = _env("OPENAI_API_KEY")
    openai_base_url: str | None = _env("OPENAI_BASE_URL")
    openai_model: str = Field("gpt-4o-mini", validation_alias=AliasChoices("OPENAI_MODEL"))
    openai_timeout: float = Field(
        20.0, gt=0, le=600, validation_alias=AliasChoices("OPENAI_TIMEOUT")
    )
    openai_max_retries: int = Field(
        2, ge=0, le=10, validation_alias=AliasChoices("OPENAI_MAX_RETRIES")
    )
    # Merged over the built-in table in `reelmatch.llm.pricing`; JSON in the environment.
    openai_prices: Annotated[dict[str, TokenPrice], NoDecode] = Field(
        default_factory=dict, validation_alias=AliasChoices("OPENAI_PRICES")
    )
    cookie_key: SecretStr | None = _env("REELMATCH_COOKIE_KEY")
    data_dir: Path = Field(Path("var"), validation_alias=AliasChoices("REELMATCH_DATA_DIR"))
    allow_signup: bool = Field(True, validation_alias=AliasChoices("REELMATCH_ALLOW_SIGNUP"))
    # Where `python -m reelmatch serve` (make run, the cluster, the container) listens.
    host: str = Field("127.0.0.1", min_length=1, validation_alias=AliasChoices("REELMATCH_HOST"))
    port: int = Field(8501, ge=1, le=65535, validation_alias=AliasChoices("REELMATCH_PORT"))
    # Accounts: failed logins per username (and 4x that per client) in the window before
    # attempts must wait (30 s, doubling, up to 15 minutes); sign-ups per client per hour;
    # how long a login session lasts without being used.
    login_max_failures: int = Field(
        5, ge=1, le=100, validation_alias=AliasChoices("REELMATCH_LOGIN_MAX_FAILURES")
    )
    login_window: float = Field(
        900.0, ge=60, le=86400, validation_alias=AliasChoices("REELMATCH_LOGIN_WINDOW")
    )
    signups_per_hour: int = Field(
        5, ge=1, le=1000, validation_alias=AliasChoices("REELMATCH_SIGNUPS_PER_HOUR")
    )
    session_days: float = Field(
        30.0, gt=0, le=365, validation_alias=AliasChoices("REELMATCH_SESSION_DAYS")
    )
    # Single sign-on (decision 85): on when Streamlit's `[auth]` secrets are configured. The
    # password form and sign-up can be switched off; which `[auth.NAME]` provider the login
    # page offers, the name shown on its button, and who becomes an admin on signing in.
    password_login: bool = Field(True, validation_alias=AliasChoices("REELMATCH_PASSWORD_LOGIN"))
    oidc_provider: str | None = _env("REELMATCH_OIDC_PROVIDER")
    oidc_label: str | None = _env("REELMATCH_OIDC_LABEL")
    oidc_admin_emails: Annotated[frozenset[str], NoDecode] = Field(
        default_factory=frozenset, validation_alias=AliasChoices("REELMATCH_OIDC_ADMIN_EMAILS")
    )
    oidc_admin_group: str | None = _env("REELMATCH_OIDC_ADMIN_GROUP")
    oidc_admin_claim: str = Field(
        "groups", min_length=1, validation_alias=AliasChoices("REELMATCH_OIDC_ADMIN_CLAIM")
    )
    # Cache and TMDB client tuning (seconds unless named otherwise).
    cache_prefix: str = Field(
        "rm:", min_length=1, validation_alias=AliasChoices("REELMATCH_CACHE_PREFIX")
    )
    cache_l1_size: int = Field(
        5000, ge=10, validation_alias=AliasChoices("REELMATCH_CACHE_L1_SIZE")
    )
    cache_ttl_lists: float = Field(
        3600, gt=0, validation_alias=AliasChoices("REELMATCH_CACHE_TTL_LISTS")
    )
    cache_ttl_movies: float = Field(
        86400, gt=0, validation_alias=AliasChoices("REELMATCH_CACHE_TTL_MOVIES")
    )
    cache_ttl_reference: float = Field(
        604800, gt=0, validation_alias=AliasChoices("REELMATCH_CACHE_TTL_REFERENCE")
    )
    cache_ttl_search: float = Field(
        600, gt=0, validation_alias=AliasChoices("REELMATCH_CACHE_TTL_SEARCH")
    )
    cache_stale_grace: float = Field(
        604800, ge=0, validation_alias=AliasChoices("REELMATCH_CACHE_STALE_GRACE")
    )
    tmdb_timeout: float = Field(10.0, gt=0, validation_alias=AliasChoices("REELMATCH_TMDB_TIMEOUT"))
    tmdb_retries: int = Field(
        3, ge=0, le=10, validation_alias=AliasChoices("REELMATCH_TMDB_RETRIES")
    )
    tmdb_concurrency: int = Field(
        20, ge=1, le=100, validation_alias=AliasChoices("REELMATCH_TMDB_CONCURRENCY")
    )
    max_upload_mb: float = Field(
        10.0, gt=0, le=1024, validation_alias=AliasChoices("REELMATCH_MAX_UPLOAD_MB")
    )
    sentry_dsn: SecretStr | None = _env("SENTRY_DSN")
    log_level: str | None = _env("REELMATCH_LOG_LEVEL")
    # The app's background refresh of the local `movies` copy (live TMDB only).
    metadata_refresh: bool = Field(
        True, validation_alias=AliasChoices("REELMATCH_METADATA_REFRESH")
    )
    # TMDB's terms allow keeping its data 6 months at most.
    metadata_max_age_days: float = Field(
        30.0, gt=0, le=180, validation_alias=AliasChoices("REELMATCH_METADATA_MAX_AGE_DAYS")
    )
    # Recommendations: the per-user AI budget, the result cache, and background retraining.
    ai_daily_budget: int = Field(
        20, ge=0, le=10_000, validation_alias=AliasChoices("REELMATCH_AI_DAILY_BUDGET")
    )
    recs_ttl: float = Field(
        3600.0, gt=0, le=86400 * 7, validation_alias=AliasChoices("REELMATCH_RECS_TTL")
    )
    retrain_after_ratings: int = Field(
        50, ge=1, validation_alias=AliasChoices("REELMATCH_RETRAIN_AFTER_RATINGS")
    )
    retrain_check_seconds: float = Field(
        300.0, gt=0, validation_alias=AliasChoices("REELMATCH_RETRAIN_CHECK_SECONDS")
    )
    # Background jobs (`reelmatch.jobs`): the worker role, retries, scheduled clean-ups.
    worker_threads: int = Field(
        2, ge=1, le=64, validation_alias=AliasChoices("REELMATCH_WORKER_THREADS")
    )
    worker_processes: int = Field(
        1, ge=1, le=64, validation_alias=AliasChoices("REELMATCH_WORKER_PROCESSES")
    )
    # Seconds without a sign of life after which a worker counts as dead (its unfinished jobs
    # go back to the queue) and a training lock it held expires.
    worker_heartbeat_timeout: float = Field(
        60.0, ge=0.5, le=3600, validation_alias=AliasChoices("REELMATCH_WORKER_HEARTBEAT_TIMEOUT")
    )
    # First back-off of a failed job; it doubles (with jitter) up to each job's maximum.
    job_retry_seconds: float = Field(
        30.0, ge=0.05, le=3600, validation_alias=AliasChoices("REELMATCH_JOB_RETRY_SECONDS")
    )
    # The daily prune job rolls older events into daily aggregates (0: never).
    events_retention_days: int = Field(
        400, ge=0, validation_alias=AliasChoices("REELMATCH_EVENTS_RETENTION_DAYS")
    )

    @field_validator(
        "tmdb_api_key",
        "tmdb_read_access_token",
        "openai_api_key",
        "redis_url",
        "openai_base_url",
        "sentry_dsn",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        if isinstance(value, SecretStr) and not value.get_secret_value().strip():
            return None
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("openai_prices", mode="before")
    @classmethod
    def _prices_from_json(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value  # already a table (secrets.toml, or passed in)
        if not value.strip():
            return {}
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(
                'must be JSON such as {"gpt-4o-mini": {"input": 0.15, "output": 0.6}}'
            ) from None

    @field_validator("oidc_admin_emails", mode="before")
    @classmethod
    def _emails_from_list(cls, value: Any) -> Any:
        """A comma-separated list in the environment, or a TOML list; compared lower-case."""
        items = value.split(",") if isinstance(value, str) else list(value or ())
        return frozenset(str(item).strip().lower() for item in items if str(item).strip())

    @field_validator("oidc_provider", "oidc_label", "oidc_admin_group")
    @classmethod
    def _blank_text_is_unset(cls, value: str | None) -> str | None:
        return value.strip() if value is not None and value.strip() else None

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper()

    @field_validator("events_retention_days")
    @classmethod
    def _retention_long_enough(cls, value: int) -> int:
        if 0 < value < MIN_RETENTION_DAYS:
            raise ValueError(f"must be 0 (keep every event) or at least {MIN_RETENTION_DAYS}")
        return value

    @field_validator("cookie_key")
    @classmethod
    def _cookie_key_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < MIN_COOKIE_KEY_BYTES:
            raise ValueError(f"must be at least {MIN_COOKIE_KEY_BYTES} bytes long")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_known(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError:
            raise ValueError("is not a database URL such as sqlite:///var/reelmatch.db") from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        secrets_file = Path(os.environ.get("REELMATCH_SECRETS_FILE", SECRETS_FILE))
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=secrets_file),
        )

    # Derived values -------------------------------------------------------------------------

    @property
    def effective_database_url(self) -> str:
        """`DATABASE_URL`, or a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'reelmatch.db'}"

    @property
    def tmdb_live(self) -> bool:
        """True when TMDB credentials are set; otherwise the offline catalog serves movies."""
        return self.tmdb_api_key is not None or self.tmdb_read_access_token is not None

    @property
    def openai_enabled(self) -> bool:
        return self.openai_api_key is not None

    def resolved_cookie_key(self) -> str:
        """The cookie signing key: `REELMATCH_COOKIE_KEY`, or one generated once into the data
        directory (owner-only permissions) and reused on every later start."""
        if self.cookie_key is not None:
            return self.cookie_key.get_secret_value()
        return _load_or_create_cookie_key(self.data_dir / COOKIE_KEY_FILE)


def masked_url(url: str) -> str:
    """`url` with any password replaced by ***, safe to print or log."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def _load_or_create_cookie_key(path: Path) -> str:
    """The key in `path`, or a new one put there. Processes starting together agree on one:
    the new key is written to a private temp file and linked into place only if no key is
    there yet (`os.link` refuses to replace), so a process that loses reads the winner's."""
    stored = _read_text(path)
    if stored is not None and len(stored.encode()) >= MIN_COOKIE_KEY_BYTES:
        return stored
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".cookie-key-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        if stored is not None:  # a file too short to be a key: replace it
            os.replace(temp, path)
            return key
        try:
            os.link(temp, path)
        except FileExistsError:
            return _read_text(path) or key
        return key
    finally:
        Path(temp).unlink(missing_ok=True)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return None


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning validation errors into one `InvalidInput` that names the
    variable and the problem but never echoes the value (it may be a secret)."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "settings"
            problems.append(f"{_variable_name(field)} {_plain(item['msg'])}")
        raise InvalidInput("Invalid setting: " + "; ".join(problems) + ".") from None


def _variable_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    if info is not None and isinstance(info.validation_alias, AliasChoices):
        first = info.validation_alias.choices[0]
        return str(first)
    return field.upper()


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ")
