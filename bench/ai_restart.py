"""AI lists after a restart: paid for once, then served from the stored runs.

Used by `bench/recommend_service.py`: one app process asks the loopback fake OpenAI for each
sampled user's AI picks (one request each) and stops; a second process, with an empty
in-process cache and no Redis in between unless `--redis` is given, asks again. The second
round's latency is what a user meets after a restart; it must make 0 OpenAI requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.common import summary
from reelmatch.bootstrap import Services
from tests.support.fake_openai import FakeOpenAI

#: What the app's settings need to talk to the fake (no retries: a miss must show).
OPENAI_TEST_KEY = "sk-bench-0123456789abcdef"


def ai_after_restart(
    build: Callable[[dict[str, str]], Services], env: dict[str, str], *, sample: int
) -> dict[str, Any]:
    with FakeOpenAI() as fake:
        ai_env = {**env, "OPENAI_API_KEY": OPENAI_TEST_KEY, "OPENAI_BASE_URL": fake.base_url,
                  "OPENAI_MAX_RETRIES": "0"}  # fmt: skip
        first = build(ai_env)
        try:
            users = first.users.list_users()[:sample]
            for user in users:  # process 1: one paid request per user
                pool = first.recommendations.recommend(user, k=50, shown=False).items
                picks = [{"tmdb_id": i.movie.id, "title": i.movie.title, "year": i.movie.year,
                          "reason": "Bench pick."} for i in pool[1:4]]  # fmt: skip
                fake.push(fake.picks(picks))
                first.recommendations.recommend(user, engine="ai", k=10)
        finally:
            first.close()
        paid = fake.request_count
        second = build(ai_env)  # process 2: an empty in-process cache
        try:
            second.recommendations.ensure_model()  # loading the model is not the list's cost
            samples = []
            for user in users:
                started = time.perf_counter()
                result = second.recommendations.recommend(user, engine="ai", k=10)
                samples.append((time.perf_counter() - started) * 1000)
                assert result.engine == "ai", result.notice
        finally:
            second.close()
        return {
            "users": len(users),
            "paid_requests": paid,
            "requests_after_restart": fake.request_count - paid,
            "latency_ms": summary(samples),
        }
