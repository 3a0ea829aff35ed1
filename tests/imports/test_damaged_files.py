"""Files damaged the way real ones are: a BOM in front of Latin-1 bytes, a quote never
closed, semicolons from a spreadsheet, impossible diary dates. Each is read as far as it can
be, and the preview names the lines it could not take as they were."""

from __future__ import annotations

import codecs

import pytest

from reelmatch.domain import User
from reelmatch.services.imports import ImportService
from reelmatch.services.imports.records import UploadedFile

HEADER = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"


def _diary(imports: ImportService, user: User, data: bytes) -> object:
    return imports.preview(user, "letterboxd", [UploadedFile("diary.csv", data)])


def test_a_bom_before_latin1_bytes_reads_the_accents_and_names_the_line(
    imports: ImportService, alice: User
) -> None:
    text = (
        HEADER
        + "2024-01-05,Casino,1995,,4,,,2024-01-04\n"
        + "2024-01-06,Amélie,2001,,5,,,2024-01-05\n"
    )
    preview = _diary(imports, alice, codecs.BOM_UTF8 + text.encode("latin-1"))
    assert "Amélie" in [m.row.title for m in preview.matched]  # type: ignore[attr-defined]
    notices = " ".join(preview.notices)  # type: ignore[attr-defined]
    assert "not UTF-8 on line 3" in notices
    assert "\ufffd" not in str(preview)


def test_a_quote_never_closed_costs_its_line_only(imports: ImportService, alice: User) -> None:
    text = (
        HEADER
        + "2024-01-05,Casino,1995,,4,,,2024-01-04\n"
        + '2024-01-06,"Amélie,2001,,5,,,2024-01-05\n'
        + "2024-01-07,Alien,1979,,4.5,,,2024-01-06\n"
        + "2024-01-08,Jaws,1975,,3,,,2024-01-07\n"
    )
    preview = _diary(imports, alice, text.encode())
    assert sorted(m.row.title for m in preview.matched) == ["Alien", "Casino", "Jaws"]  # type: ignore[attr-defined]
    (problem,) = preview.problems  # type: ignore[attr-defined]
    assert problem.line == 3
    assert "never closed" in problem.message


def test_a_semicolon_separated_diary_is_read(imports: ImportService, alice: User) -> None:
    text = (
        "Date;Name;Year;Letterboxd URI;Rating;Rewatch;Tags;Watched Date\n"
        "2024-01-05;Casino;1995;;4;;;2024-01-04\n"
        '2024-01-06;"Crouching Tiger, Hidden Dragon";2000;;4,5;;;2024-01-05\n'
    )
    preview = _diary(imports, alice, text.encode())
    titles = {m.row.title for m in preview.matched}  # type: ignore[attr-defined]
    ratings = {m.row.title: m.row.rating for m in preview.matched}  # type: ignore[attr-defined]
    assert ratings["Crouching Tiger, Hidden Dragon"] == 4.5  # a decimal comma, as saved
    assert titles == {"Casino", "Crouching Tiger, Hidden Dragon"}
    assert not [p for p in preview.problems if "no Name" in p.message]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("day", "why"), [("0001-01-01", "first film"), ("2999-01-01", "future")])
def test_an_impossible_watch_date_is_a_problem_on_its_line(
    imports: ImportService, alice: User, day: str, why: str
) -> None:
    text = (
        HEADER + f"2024-01-05,Casino,1995,,4,,,{day}\n" + "2024-01-06,Alien,1979,,4,,,2024-01-05\n"
    )
    preview = _diary(imports, alice, text.encode())
    (problem,) = preview.problems  # type: ignore[attr-defined]
    assert (problem.line, why in problem.message) == (2, True)
    assert [m.row.title for m in preview.matched] == ["Alien"]  # type: ignore[attr-defined]
