"""'Only on my services': the movies on the user's streaming services in their region.

Resolved through TMDB's discover (with_watch_providers + watch_region), most popular first,
a few pages deep, through the catalog's cache (an hour, shared by every user with the same
services). Live TMDB only: offline nobody knows where a movie streams, so the option is not
offered and a request for it is answered without it, with a notice.
"""

from __future__ import annotations

from reelmatch.catalog import Catalog
from reelmatch.domain import DiscoverFilters, Preferences, RecommendationFilters

#: Discover pages read (20 movies each): the services' 100 most popular movies.
PAGES = 5
NOTICE_OFFLINE = "Streaming services are not known offline; showing movies from everywhere."
NOTICE_UNSET = (
    "Set your region and streaming services in Settings to filter by them; "
    "showing movies from everywhere."
)


class StreamingAvailability:
    def __init__(self, catalog: Catalog, *, pages: int = PAGES) -> None:
        self._catalog = catalog
        self._pages = pages

    @property
    def offered(self) -> bool:
        return self._catalog.mode != "offline"

    def usable(self, preferences: Preferences) -> bool:
        """The filter can be offered to this user (live TMDB, region and services set)."""
        return self.offered and bool(preferences.region and preferences.streaming_services)

    def resolve(
        self, filters: RecommendationFilters, preferences: Preferences
    ) -> tuple[RecommendationFilters, str | None]:
        """`filters` with `allowed_movie_ids` set when "only on my services" was asked for
        and can be honoured; otherwise without that filter, and a notice saying so."""
        if not filters.only_my_services:
            return filters, None
        if not self.offered:
            return filters.model_copy(update={"only_my_services": False}), NOTICE_OFFLINE
        if not self.usable(preferences):
            return filters.model_copy(update={"only_my_services": False}), NOTICE_UNSET
        allowed = self.allowed_ids(preferences)
        return filters.model_copy(update={"allowed_movie_ids": allowed}), None

    def allowed_ids(self, preferences: Preferences) -> frozenset[int]:
        found: set[int] = set()
        for page in range(1, self._pages + 1):
            result = self._catalog.discover(
                DiscoverFilters(
                    watch_providers=preferences.streaming_services,
                    watch_region=preferences.region,
                    page=page,
                )
            )
            found.update(movie.id for movie in result.movies)
            if page >= result.total_pages:
                break
        return frozenset(found)
