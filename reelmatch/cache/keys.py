"""Cache keys, one scheme for every process (docs/architecture.md): `movies:popular:{page}`,
`movie:{id}`, `tmdb:{endpoint}?{sorted params}`, `recs:{user_id}:{fingerprint}`, and
`analytics:{what}:{zone}:{first day}:{last day}` for team analytics of past days.

Keys here are logical; the Redis backend puts its prefix (`rm:` by default) in front.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from urllib.parse import urlencode

#: Longer keys are shortened to a digest so a 10,000-character query stays a small key.
MAX_KEY_LENGTH = 200


def list_key(name: str, page: int, params: Mapping[str, object] | None = None) -> str:
    """`movies:popular:3`; trending windows read `movies:trending:day:3`. Other request
    parameters (a language, a region) follow sorted: `movies:popular:3?language=fr`."""
    return f"movies:{name}:{page}" + _query(params)


def movie_key(movie_id: int, params: Mapping[str, object] | None = None) -> str:
    """`movie:550`, or `movie:550?language=fr` for another language than TMDB's default."""
    return f"movie:{movie_id}" + _query(params)


def tmdb_key(endpoint: str, params: Mapping[str, object] | None = None) -> str:
    """`tmdb:search/movie?page=1&query=heat` with parameters sorted, so the same request
    always has the same key."""
    key = f"tmdb:{endpoint.strip('/')}" + _query(params)
    if len(key) <= MAX_KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"tmdb:{endpoint.strip('/')}#{digest}"


def _query(params: Mapping[str, object] | None) -> str:
    """`?a=1&b=2` with the parameters sorted, or "" without any."""
    query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items()))
    return f"?{query}" if query else ""


def recs_key(user_id: int, fingerprint: str) -> str:
    return f"recs:{user_id}:{fingerprint}"


def analytics_key(what: str, *parts: str) -> str:
    """`analytics:daily:Europe/Paris:2026-03-01:2026-03-30`."""
    return ":".join(("analytics", what, *parts))
