"""Fitted engines travel as npz + JSON bytes (for a Redis cache shared by replicas), not pickle."""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np
import pytest

from reelmatch.domain import RecommendationFilters
from reelmatch.errors import InvalidInput
from reelmatch.recommend import (
    ENGINES,
    HybridRecommender,
    PopularityRecommender,
    UserHistory,
    create_recommender,
    load_recommender,
)
from reelmatch.recommend.serialization import pack, unpack
from tests.recommend import world


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_round_trip_gives_the_same_answers(name: str) -> None:
    engine = create_recommender(name).fit(world.snapshot(), world.features(), seed=5)
    restored = load_recommender(engine.to_bytes())
    assert type(restored) is type(engine)
    assert restored.config == engine.config
    assert restored.info == engine.info
    filters = RecommendationFilters(
        genres=("Science Fiction", "Crime"), favourite_genres=("Crime",)
    )
    newcomer = UserHistory.from_stars({201: 5.0, 103: 4.0}, watchlist=[202])
    for user in (1, 2, 3, 4, 999, newcomer):
        assert restored.recommend(user, 10) == engine.recommend(user, 10)
        assert restored.recommend(user, 5, filters=filters) == engine.recommend(
            user, 5, filters=filters
        )


def test_the_bytes_are_an_npz_archive_loadable_without_pickle() -> None:
    data = create_recommender("hybrid").fit(world.snapshot(), world.features()).to_bytes()
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        assert "__meta__" in archive.files
        assert all(archive[name].dtype != object for name in archive.files)
    assert b"\x80\x04" not in data[:2]  # not a pickle stream


def test_pickled_object_arrays_are_refused() -> None:
    buffer = io.BytesIO()
    np.savez(buffer, __meta__=np.array([{"format": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(InvalidInput, match="Not a saved recommendation model"):
        load_recommender(buffer.getvalue())


@pytest.mark.parametrize(
    "data", [b"", b"not a zip", pickle.dumps({"engine": "hybrid"})], ids=["empty", "text", "pickle"]
)
def test_garbage_is_refused_with_a_typed_error(data: bytes) -> None:
    with pytest.raises(InvalidInput):
        load_recommender(data)


def test_a_truncated_archive_is_refused() -> None:
    data = create_recommender("popular").fit(world.snapshot(), world.features()).to_bytes()
    with pytest.raises(InvalidInput):
        load_recommender(data[: len(data) // 2])


def test_unknown_format_and_engine_are_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown format"):
        load_recommender(_with_meta({"format": 999, "engine": "hybrid"}))
    with pytest.raises(InvalidInput, match="unknown engine"):
        load_recommender(pack({"engine": "telepathy"}, {}))


def test_loading_as_the_wrong_engine_class_is_refused() -> None:
    data = create_recommender("popular").fit(world.snapshot(), world.features()).to_bytes()
    assert isinstance(PopularityRecommender.from_bytes(data), PopularityRecommender)
    with pytest.raises(InvalidInput, match="'popular' engine"):
        HybridRecommender.from_bytes(data)


def test_pack_and_unpack_keep_arrays_and_metadata() -> None:
    arrays = {"a": np.arange(5, dtype=np.int64), "b": np.linspace(0, 1, 3)}
    meta, back = unpack(pack({"name": "x", "list": [1, 2]}, arrays))
    assert meta == {"format": 1, "name": "x", "list": [1, 2]}
    assert set(back) == {"a", "b"}
    np.testing.assert_array_equal(back["a"], arrays["a"])
    np.testing.assert_array_equal(back["b"], arrays["b"])


def test_an_untrained_engine_cannot_be_saved() -> None:
    with pytest.raises(InvalidInput, match="not been trained"):
        create_recommender("hybrid").to_bytes()


def _with_meta(meta: dict[str, object]) -> bytes:
    import json

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        header = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        with archive.open("__meta__.npy", "w") as handle:
            np.save(handle, header, allow_pickle=False)
    return buffer.getvalue()


def test_a_model_missing_parts_is_refused() -> None:
    data = create_recommender("hybrid").fit(world.snapshot(), world.features()).to_bytes()
    meta, arrays = unpack(data)
    broken = {name: value for name, value in arrays.items() if not name.startswith("parts.ease")}
    with pytest.raises(InvalidInput, match="incomplete"):
        load_recommender(pack({k: v for k, v in meta.items() if k != "format"}, broken))
    meta_without_config = {k: v for k, v in meta.items() if k not in {"format", "config"}}
    with pytest.raises(InvalidInput, match="incomplete"):
        load_recommender(pack(meta_without_config, arrays))
