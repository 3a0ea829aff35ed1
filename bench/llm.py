"""AI path benchmark: what the app adds around the model's own thinking time.

    .venv/bin/python bench/llm.py [--repeat 200]

Against the loopback fake OpenAI server (answers at once), so the figures are the app's
overhead: building the prompt, the SDK round trip, validating the answer, and grounding the
picks on the offline catalog. Also reports the prompt size for a full profile.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr

from bench.common import print_table, summary, timed_ms, write_json
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.llm import (
    Candidate,
    DiaryNote,
    OpenAIClient,
    OpenAIConfig,
    RatedTitle,
    TasteProfile,
)
from reelmatch.llm.prompts import PICKS_SCHEMA, build_messages
from reelmatch.services.ai_grounding import ground_picks
from tests.support.fake_openai import FakeOpenAI

CHARS_PER_TOKEN = 4  # OpenAI's rule of thumb for English text


def full_profile(catalog: OfflineCatalog) -> TasteProfile:
    movies = [m for page in (1, 2) for m in catalog.top_rated(page).movies]
    note = "Loved the slow build and the score; the ending felt earned. " * 4
    return TasteProfile(
        loved=tuple(RatedTitle(title=m.title, year=m.year, stars=5.0) for m in movies[:10]),
        disliked=tuple(RatedTitle(title=m.title, year=m.year, stars=1.0) for m in movies[10:15]),
        favourite_genres=("Drama", "Crime", "Science Fiction"),
        avoided_genres=("Horror",),
        recent_diary=tuple(
            DiaryNote(title=m.title, year=m.year, watched_on=date(2024, 5, 1), note=note)
            for m in movies[15:23]
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    catalog = OfflineCatalog()
    profile = full_profile(catalog)
    movies = [m for page in (1, 2, 3) for m in catalog.popular(page).movies][:50]
    candidates = tuple(Candidate.from_movie(m) for m in movies)
    messages = build_messages(profile, candidates, k=10)
    prompt_chars = sum(len(str(m["content"])) for m in messages) + len(json.dumps(PICKS_SCHEMA))
    answer = [
        {"tmdb_id": m.id, "title": m.title, "year": m.year, "reason": "Because it fits."}
        for m in movies[:8]
    ] + [
        {"tmdb_id": None, "title": "The Galactic Accountant", "year": 2019, "reason": "x"},
        {"tmdb_id": None, "title": movies[9].title, "year": movies[9].year, "reason": "y"},
    ]
    picks_ms, ground_ms = measure(catalog, profile, candidates, answer, repeat=args.repeat)
    rows = [
        ["prompt size (chars / ~tokens)", prompt_chars, prompt_chars // CHARS_PER_TOKEN],
        ["pick_movies round trip, fake server (ms p50 / p95)", *_pair(picks_ms)],
        ["ground_picks, 10 picks, 2 by title (ms p50 / p95)", *_pair(ground_ms)],
    ]
    print_table("AI path overhead (model time excluded)", ["measure", "a", "b"], rows)
    write_json(
        "llm",
        {
            "prompt_chars": prompt_chars,
            "prompt_tokens_estimate": prompt_chars // CHARS_PER_TOKEN,
            "pick_movies_ms": summary(picks_ms),
            "ground_picks_ms": summary(ground_ms),
        },
    )


def measure(
    catalog: OfflineCatalog,
    profile: TasteProfile,
    candidates: tuple[Candidate, ...],
    answer: Sequence[Mapping[str, Any]],
    *,
    repeat: int,
) -> tuple[list[float], list[float]]:
    with FakeOpenAI() as fake:
        fake.default = fake.picks(answer)
        config = OpenAIConfig(api_key=SecretStr("sk-bench"), base_url=fake.base_url)
        client = OpenAIClient(config)
        result = client.pick_movies(profile, candidates, k=10)  # warm the connection
        picks_ms = timed_ms(lambda: client.pick_movies(profile, candidates, k=10), repeat=repeat)
        client.close()
    movies = catalog.movies([c.tmdb_id for c in candidates])
    ground_ms = timed_ms(
        lambda: ground_picks(result.picks, catalog=catalog, candidates=movies, k=10),
        repeat=repeat,
    )
    return picks_ms, ground_ms


def _pair(samples: list[float]) -> list[float]:
    stats = summary(samples)
    return [stats["p50"], stats["p95"]]


if __name__ == "__main__":
    main()
