from __future__ import annotations

import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reelmatch.config import _load_or_create_cookie_key, load_settings, masked_url
from reelmatch.errors import InvalidInput


def test_defaults_without_any_configuration(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.tmdb_live is False
    assert settings.openai_enabled is False
    assert settings.redis_url is None
    assert settings.tmdb_rate_limit == 40
    assert settings.openai_model == "gpt-4o-mini"
    assert settings.metadata_refresh is True
    assert settings.metadata_max_age_days == 30
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'var' / 'reelmatch.db'}"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TMDB_RATE_LIMIT", "fast", "TMDB_RATE_LIMIT"),
        ("TMDB_RATE_LIMIT", "-3", "TMDB_RATE_LIMIT"),
        ("TMDB_DAILY_BUDGET", "0", "TMDB_DAILY_BUDGET"),
        ("REELMATCH_COOKIE_KEY", "too-short", "REELMATCH_COOKIE_KEY must be at least 32 bytes"),
        ("DATABASE_URL", "not a url", "DATABASE_URL"),
        ("REELMATCH_ALLOW_SIGNUP", "maybe", "REELMATCH_ALLOW_SIGNUP"),
        ("REELMATCH_METADATA_REFRESH", "sometimes", "REELMATCH_METADATA_REFRESH"),
        # TMDB's terms: its data may be kept six months at most.
        ("REELMATCH_METADATA_MAX_AGE_DAYS", "365", "REELMATCH_METADATA_MAX_AGE_DAYS"),
        ("REELMATCH_METADATA_MAX_AGE_DAYS", "0", "REELMATCH_METADATA_MAX_AGE_DAYS"),
    ],
)
def test_invalid_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidInput, match=message) as caught:
        load_settings()
    if variable == "REELMATCH_COOKIE_KEY":
        assert value not in str(caught.value)


def test_secrets_never_show_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMDB_API_KEY", "tmdb-secret-123")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-456")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://app:db-pass-789@db/reel")
    monkeypatch.setenv("REELMATCH_COOKIE_KEY", "c" * 40)
    settings = load_settings()
    shown = repr(settings) + str(settings)
    for secret in ("tmdb-secret-123", "sk-secret-456", "db-pass-789", "c" * 40):
        assert secret not in shown
    assert settings.tmdb_live
    assert settings.openai_enabled
    assert "db-pass-789" not in masked_url(settings.effective_database_url)


def test_secrets_file_is_read_and_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('TMDB_API_KEY = "from-file"\nOPENAI_MODEL = "gpt-file"\n')
    monkeypatch.setenv("REELMATCH_SECRETS_FILE", str(secrets))
    monkeypatch.setenv("OPENAI_MODEL", "gpt-env")
    settings = load_settings()
    assert settings.tmdb_api_key is not None
    assert settings.tmdb_api_key.get_secret_value() == "from-file"
    assert settings.openai_model == "gpt-env"


def test_blank_keys_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMDB_API_KEY", "  ")
    monkeypatch.setenv("OPENAI_API_KEY", "")
    settings = load_settings()
    assert not settings.tmdb_live
    assert not settings.openai_enabled


def test_cookie_key_is_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    settings = load_settings()
    first = settings.resolved_cookie_key()
    second = load_settings().resolved_cookie_key()
    assert first == second
    assert len(first.encode()) >= 32
    key_file = tmp_path / "var" / "cookie_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_processes_starting_together_agree_on_one_cookie_key(tmp_path: Path) -> None:
    path = tmp_path / "var" / "cookie_key"
    start = threading.Barrier(8)

    def create() -> str:
        start.wait()
        return _load_or_create_cookie_key(path)

    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: create(), range(8)))
    assert len(set(keys)) == 1
    assert path.read_text() == keys[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["cookie_key"]  # no temp files left


def test_a_too_short_cookie_key_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "cookie_key"
    path.write_text("short")
    key = _load_or_create_cookie_key(path)
    assert len(key) >= 32
    assert path.read_text() == key


def test_cookie_key_from_environment_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REELMATCH_COOKIE_KEY", "k" * 32)
    assert load_settings().resolved_cookie_key() == "k" * 32
    assert not (tmp_path / "var" / "cookie_key").exists()


def test_cache_settings_have_defaults_and_are_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.cache_ttl_lists == 3600
    assert settings.cache_ttl_movies == 86400
    assert settings.cache_ttl_reference == 7 * 86400
    assert settings.cache_ttl_search == 600
    assert settings.cache_stale_grace == 7 * 86400
    assert settings.cache_prefix == "rm:"
    monkeypatch.setenv("REELMATCH_CACHE_TTL_SEARCH", "30")
    assert load_settings().cache_ttl_search == 30
    monkeypatch.setenv("REELMATCH_TMDB_CONCURRENCY", "0")
    with pytest.raises(InvalidInput, match="REELMATCH_TMDB_CONCURRENCY"):
        load_settings()
