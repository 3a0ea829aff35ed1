"""Movie data: the `Catalog` interface, the live TMDB backend and the offline snapshot."""

from reelmatch.catalog.base import Catalog, ListName, Locale, TrendingWindow

__all__ = ["Catalog", "ListName", "Locale", "TrendingWindow"]
