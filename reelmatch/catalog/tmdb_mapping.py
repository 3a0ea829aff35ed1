"""TMDB v3 JSON -> domain values. TMDB leaves fields out or null all the time (no poster, no
runtime, no release date yet): every reader here tolerates absence and odd types, and drops
only items it cannot identify (a result without an id)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from reelmatch.catalog.base import MAX_PAGE
from reelmatch.domain import (
    CastMember,
    Genre,
    ImageConfig,
    Movie,
    MovieDetails,
    MoviePage,
    Provider,
    RegionProviders,
    Video,
)

TOP_CAST = 10
THEATRICAL = 3  # release_dates type for theatrical releases
PROVIDER_KINDS = ("flatrate", "rent", "buy", "free", "ads")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _movie_fields(data: Mapping[str, Any]) -> dict[str, Any] | None:
    movie_id = _int(data.get("id"))
    if movie_id is None or movie_id <= 0:
        return None
    return {
        "id": movie_id,
        "title": _text(data.get("title")) or _text(data.get("original_title")) or "Untitled",
        "release_date": parse_date(data.get("release_date")),
        "overview": _text(data.get("overview")) or "",
        "poster_path": _text(data.get("poster_path")),
        "backdrop_path": _text(data.get("backdrop_path")),
        "vote_average": _number(data.get("vote_average")),
        "vote_count": _int(data.get("vote_count")),
        "popularity": _number(data.get("popularity")),
        "original_language": _text(data.get("original_language")),
        "runtime": _int(data.get("runtime")) or None,
        "adult": data.get("adult") is True,
    }


def movie_from_result(data: Any, genre_names: Mapping[int, str]) -> Movie | None:
    """One item of a list/search/discover response (genres come as ids)."""
    fields = _movie_fields(_dict(data))
    if fields is None:
        return None
    ids = [_int(g) for g in _list(_dict(data).get("genre_ids"))]
    genres = tuple(genre_names[g] for g in ids if g is not None and g in genre_names)
    return Movie(**fields, genres=genres)


def movies_from_results(results: Any, genre_names: Mapping[int, str]) -> tuple[Movie, ...]:
    found = (movie_from_result(item, genre_names) for item in _list(results))
    return tuple(movie for movie in found if movie is not None)


def page_from_response(data: Mapping[str, Any], genre_names: Mapping[int, str]) -> MoviePage:
    movies = movies_from_results(data.get("results"), genre_names)
    total_results = _int(data.get("total_results")) or len(movies)
    return MoviePage(
        movies=movies,
        page=min(max(_int(data.get("page")) or 1, 1), MAX_PAGE),
        total_pages=min(max(_int(data.get("total_pages")) or 1, 1), MAX_PAGE),
        total_results=total_results,
    )


def genres_from_response(data: Mapping[str, Any]) -> list[Genre]:
    """`/genre/movie/list`, sorted by name."""
    return sorted(_genres(data.get("genres")), key=lambda g: g.name)


def _genres(items: Any) -> list[Genre]:
    genres = []
    for item in map(_dict, _list(items)):
        genre_id, name = _int(item.get("id")), _text(item.get("name"))
        if genre_id is not None and name:
            genres.append(Genre(id=genre_id, name=name))
    return genres


def image_config_from_response(data: Mapping[str, Any]) -> ImageConfig:
    images = _dict(data.get("images"))
    default = ImageConfig()
    posters = tuple(s for s in _list(images.get("poster_sizes")) if isinstance(s, str))
    backdrops = tuple(s for s in _list(images.get("backdrop_sizes")) if isinstance(s, str))
    return ImageConfig(
        secure_base_url=_text(images.get("secure_base_url")) or default.secure_base_url,
        poster_sizes=posters or default.poster_sizes,
        backdrop_sizes=backdrops or default.backdrop_sizes,
    )


def details_from_response(
    data: Mapping[str, Any], genre_names: Mapping[int, str]
) -> MovieDetails | None:
    """`/movie/{id}` with credits, videos, keywords, recommendations, similar, watch/providers
    and release_dates appended."""
    fields = _movie_fields(data)
    if fields is None:
        return None
    credits = _dict(data.get("credits"))
    return MovieDetails(
        **fields,
        genres=tuple(g.name for g in _genres(data.get("genres"))),
        keywords=_keywords(_dict(data.get("keywords"))),
        tagline=_text(data.get("tagline")) or "",
        imdb_id=_text(data.get("imdb_id")),
        directors=_directors(credits),
        cast=_cast(credits),
        trailer=_trailer(_dict(data.get("videos"))),
        recommendations=movies_from_results(
            _dict(data.get("recommendations")).get("results"), genre_names
        ),
        similar=movies_from_results(_dict(data.get("similar")).get("results"), genre_names),
        watch_providers=_watch_providers(_dict(data.get("watch/providers"))),
        certifications=_certifications(_dict(data.get("release_dates"))),
    )


def _keywords(data: dict[str, Any]) -> tuple[str, ...]:
    names = (_text(_dict(k).get("name")) for k in _list(data.get("keywords")))
    return tuple(name for name in names if name)


def _directors(credits: dict[str, Any]) -> tuple[str, ...]:
    names = [
        _text(person.get("name"))
        for person in map(_dict, _list(credits.get("crew")))
        if person.get("job") == "Director"
    ]
    return tuple(dict.fromkeys(name for name in names if name))


def _cast(credits: dict[str, Any]) -> tuple[CastMember, ...]:
    people = [p for p in map(_dict, _list(credits.get("cast"))) if _text(p.get("name"))]
    people.sort(key=lambda p: _order(p.get("order")))
    return tuple(
        CastMember(
            name=_text(p.get("name")) or "",
            character=_text(p.get("character")) or "",
            profile_path=_text(p.get("profile_path")),
        )
        for p in people[:TOP_CAST]
    )


def _order(value: Any) -> int:
    order = _int(value)
    return 999 if order is None else order


def _trailer(videos: dict[str, Any]) -> Video | None:
    """The official YouTube trailer if there is one, else any YouTube trailer, else a teaser."""
    youtube = [
        v
        for v in map(_dict, _list(videos.get("results")))
        if str(v.get("site", "")).lower() == "youtube" and _text(v.get("key"))
    ]

    def rank(video: dict[str, Any]) -> tuple[int, int]:
        kind = {"Trailer": 0, "Teaser": 1}.get(str(video.get("type")), 2)
        return kind, 0 if video.get("official") is True else 1

    best = min(youtube, key=rank, default=None)
    if best is None or rank(best)[0] == 2:
        return None
    return Video(
        site="YouTube",
        key=_text(best.get("key")) or "",
        name=_text(best.get("name")) or "",
        type=_text(best.get("type")) or "Trailer",
    )


def _watch_providers(data: dict[str, Any]) -> dict[str, RegionProviders]:
    regions = {}
    for region, offer in _dict(data.get("results")).items():
        offer = _dict(offer)
        lists = {kind: _providers(offer.get(kind)) for kind in PROVIDER_KINDS}
        regions[str(region)] = RegionProviders(link=_text(offer.get("link")), **lists)
    return regions


def providers_from_response(data: Mapping[str, Any]) -> tuple[Provider, ...]:
    """`/watch/providers/movie`: the services of one region, most prominent first."""
    return _providers(data.get("results"))


def _providers(items: Any) -> tuple[Provider, ...]:
    found = []
    offers = sorted(map(_dict, _list(items)), key=lambda p: _int(p.get("display_priority")) or 0)
    for item in offers:
        provider_id, name = _int(item.get("provider_id")), _text(item.get("provider_name"))
        if provider_id is not None and name:
            logo = _text(item.get("logo_path"))
            found.append(Provider(id=provider_id, name=name, logo_path=logo))
    return tuple(found)


def _certifications(data: dict[str, Any]) -> dict[str, str]:
    """Region -> age rating, preferring the theatrical release's."""
    ratings = {}
    for region in map(_dict, _list(data.get("results"))):
        code = _text(region.get("iso_3166_1"))
        releases = map(_dict, _list(region.get("release_dates")))
        rated = [r for r in releases if _text(r.get("certification"))]
        rated.sort(key=lambda r: 0 if r.get("type") == THEATRICAL else 1)
        if code and rated:
            ratings[code] = _text(rated[0].get("certification")) or ""
    return ratings
