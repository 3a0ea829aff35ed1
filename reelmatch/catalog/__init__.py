"""Movie data: the `Catalog` interface, the live TMDB backend and the offline snapshot."""

from reelmatch.catalog.base import Catalog, ListName, TrendingWindow

__all__ = ["Catalog", "ListName", "TrendingWindow"]
