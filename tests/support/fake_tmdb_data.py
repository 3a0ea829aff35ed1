"""What the fake TMDB answers: the bundled TMDB 5000 snapshot, shaped like TMDB v3 responses
(shapes from tests/fixtures/tmdb, copied from TMDB's own examples)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tmdb"
PAGE_SIZE = 20
#: IMDb ids the fake knows (the snapshot has none): Fight Club, Star Wars, The Godfather.
IMDB_IDS = {"tt0137523": 550, "tt0076759": 11, "tt0068646": 238}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def error_body(code: int, message: str) -> dict[str, Any]:
    return {"success": False, "status_code": code, "status_message": message}


class TmdbData:
    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = {r["id"]: r for r in records}
        self.imdb_by_id = {movie_id: imdb for imdb, movie_id in IMDB_IDS.items()}

    # Reference ---------------------------------------------------------------------------------

    def configuration(self) -> Any:
        return fixture("configuration.json")

    def genres(self) -> dict[str, Any]:
        names = {g["id"]: g["name"] for r in self.records.values() for g in r["genres"]}
        return {"genres": [{"id": i, "name": n} for i, n in sorted(names.items())]}

    # Lists ------------------------------------------------------------------------------------

    @cached_property
    def by_popularity(self) -> list[dict[str, Any]]:
        return sorted(self.records.values(), key=lambda r: -(r["popularity"] or 0))

    def list_page(self, name: str, page: int) -> dict[str, Any]:
        ordered = self.by_popularity
        if name == "top_rated":
            ordered = sorted(
                (r for r in ordered if (r["vote_count"] or 0) >= 300),
                key=lambda r: -(r["vote_average"] or 0),
            )
        elif name in ("now_playing", "upcoming"):
            cut = "2016-01-01" if name == "upcoming" else "2015-01-01"
            ordered = [r for r in ordered if (r["release_date"] or "") >= cut]
        elif name == "trending/day":
            ordered = [r for r in ordered if (r["release_date"] or "") >= "2014-01-01"]
        page_data = self.paged(ordered, page)
        if name in ("now_playing", "upcoming"):
            page_data["dates"] = {"maximum": "2016-12-31", "minimum": "2015-01-01"}
        return page_data

    def search(self, query: str, year: str | None, page: int) -> dict[str, Any]:
        wanted = query.casefold()
        found = [
            r
            for r in self.by_popularity
            if wanted
            and wanted in r["title"].casefold()
            and (year is None or (r["release_date"] or "").startswith(year))
        ]
        return self.paged(found, page)

    def discover(self, params: Mapping[str, str]) -> dict[str, Any]:
        checks: list[Callable[[dict[str, Any]], bool]] = []
        genres = params.get("with_genres", "")
        if genres:
            wanted = {int(g) for g in genres.replace("|", ",").split(",")}
            need_all = "|" not in genres
            checks.append(
                lambda r: (wanted <= _genre_ids(r)) if need_all else bool(wanted & _genre_ids(r))
            )
        if "vote_count.gte" in params:
            least = float(params["vote_count.gte"])
            checks.append(lambda r: (r["vote_count"] or 0) >= least)
        if "primary_release_date.gte" in params:
            since = params["primary_release_date.gte"]
            checks.append(lambda r: (r["release_date"] or "") >= since)
        if "with_watch_providers" in params:
            wanted_providers = params["with_watch_providers"].replace("|", ",").split(",")
            providers = {int(p) for p in wanted_providers}
            checks.append(lambda r: streams_on(r["id"], providers))
        found = [r for r in self.by_popularity if all(check(r) for check in checks)]
        if params.get("sort_by", "").startswith("vote_average"):
            found.sort(key=lambda r: -(r["vote_average"] or 0))
        return self.paged(found, int(params.get("page", "1")))

    def paged(self, records: list[dict[str, Any]], page: int) -> dict[str, Any]:
        start = (page - 1) * PAGE_SIZE
        return {
            "page": page,
            "results": [self.result(r) for r in records[start : start + PAGE_SIZE]],
            "total_pages": min(500, max(1, math.ceil(len(records) / PAGE_SIZE))),
            "total_results": len(records),
        }

    def result(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "adult": False,
            "backdrop_path": f"/backdrop{record['id']}.jpg",
            "genre_ids": [g["id"] for g in record["genres"]],
            "id": record["id"],
            "original_language": record["original_language"],
            "original_title": record["original_title"],
            "overview": record["overview"],
            "popularity": record["popularity"],
            "poster_path": f"/poster{record['id']}.jpg" if record["id"] % 7 else None,
            "release_date": record["release_date"] or "",
            "title": record["title"],
            "video": False,
            "vote_average": record["vote_average"] or 0,
            "vote_count": record["vote_count"] or 0,
        }

    # Details ----------------------------------------------------------------------------------

    def movie(self, movie_id: int, append: set[str]) -> dict[str, Any] | None:
        record = self.records.get(movie_id)
        if record is None:
            return None
        data = {
            **self.result(record),
            "genres": record["genres"],
            "imdb_id": self.imdb_by_id.get(movie_id),
            "runtime": record["runtime"],
            "tagline": record["tagline"],
            "status": record["status"],
            "homepage": record["homepage"],
        }
        data.pop("genre_ids")
        parts = self.appended(record)
        data.update({name: parts[name]() for name in append if name in parts})
        return data

    def appended(self, record: dict[str, Any]) -> dict[str, Callable[[], Any]]:
        movie_id = record["id"]
        famous = movie_id == 550

        def similar() -> dict[str, Any]:
            genre_ids = _genre_ids(record)
            alike = [
                r
                for r in self.by_popularity[:400]
                if r["id"] != movie_id and genre_ids & _genre_ids(r)
            ]
            return self.paged(alike[:10], 1)

        def keywords() -> dict[str, Any]:
            names = record["keywords"]
            return {"id": movie_id, "keywords": [{"id": i, "name": n} for i, n in enumerate(names)]}

        def part(name: str, empty: Any) -> Callable[[], Any]:
            """Fight Club (550) gets TMDB's own example; other movies an empty part."""
            if famous:
                return lambda: fixture(f"movie_550_{name.replace('/', '_')}.json")
            return lambda: {"id": movie_id, **empty}

        return {
            "credits": part("credits", {"cast": [], "crew": []}),
            "videos": part("videos", {"results": []}),
            "keywords": keywords,
            "recommendations": similar,
            "similar": similar,
            "watch/providers": part("watch/providers", {"results": {}}),
            "release_dates": part("release_dates", {"results": []}),
        }

    def watch_providers(self, region: str) -> dict[str, Any]:
        offered = fixture("watch_providers_movie.json")["results"]
        return {"results": [p for p in offered if region in p.get("display_priorities", {})]}

    def find(self, external_id: str) -> dict[str, Any]:
        movie_id = IMDB_IDS.get(external_id)
        record = self.records.get(movie_id) if movie_id is not None else None
        found = [] if record is None else [{**self.result(record), "media_type": "movie"}]
        return {
            "movie_results": found,
            "person_results": [],
            "tv_results": [],
            "tv_episode_results": [],
            "tv_season_results": [],
        }


def in_language(body: Any, language: str | None) -> Any:
    """The answer as TMDB gives it in `language`: titles (of a movie and of its results)
    tagged " [fr]", since the snapshot holds English only. English answers are unchanged."""
    if not language or language.startswith("en") or not isinstance(body, dict):
        return body
    translated = dict(body)
    if isinstance(body.get("title"), str):
        translated["title"] = f"{body['title']} [{language}]"
    if isinstance(body.get("results"), list):
        translated["results"] = [in_language(item, language) for item in body["results"]]
    return translated


def streams_on(movie_id: int, providers: set[int]) -> bool:
    """Where a movie streams, in the fake: provider p offers the movies whose id + p is a
    multiple of 3 (about a third of the catalog each; any region)."""
    return any((movie_id + provider) % 3 == 0 for provider in providers)


def _genre_ids(record: dict[str, Any]) -> set[int]:
    return {g["id"] for g in record["genres"]}
