"""Reel Matchmaker: movie discovery, ratings and recommendations you can host yourself."""

__version__ = "0.1.0"
