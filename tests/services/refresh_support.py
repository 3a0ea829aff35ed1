"""Shared by the metadata refresh tests: a Letterboxd file of films the snapshot knows, and
what the library shows of them."""

from __future__ import annotations

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.services.imports import UploadedFile

#: Alien, Fight Club, Star Wars, The Matrix: the fake gives each a poster.
FILMS = {348: ("Alien", 1979), 550: ("Fight Club", 1999), 11: ("Star Wars", 1977),
         603: ("The Matrix", 1999)}  # fmt: skip


def ratings_csv() -> UploadedFile:
    lines = ["Date,Name,Year,Letterboxd URI,Rating"]
    for n, (title, year) in enumerate(FILMS.values()):
        lines.append(f"2024-01-0{n + 1},{title},{year},https://boxd.it/{n},4")
    return UploadedFile("ratings.csv", "\r\n".join(lines).encode())


def import_films(services: Services, user: User) -> None:
    imports = services.imports
    preview = imports.preview(user, "letterboxd", [ratings_csv()])
    assert all(m.from_snapshot for m in preview.matched)
    assert imports.apply(user, preview).rated == len(FILMS)


def posters(services: Services, user: User) -> dict[int, str | None]:
    return {e.movie.id: e.movie.poster_path for e in services.library.library(user).ratings}
