# Reel Matchmaker: `make run` serves the app, `make test` checks everything.
# Both install from the lock files only (uv pip sync), and only when a lock changed.
# requirements*.txt declare the dependencies; `make lock` compiles them into the locks.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
PORT ?=
# `make snapshot TMDB5000_CSV=PATH/tmdb_5000_movies.csv` rebuilds the offline catalog from the
# Kaggle "TMDB 5000 Movie Dataset": https://www.kaggle.com/datasets/tmdb/tmdb-movie-metadata
TMDB5000_CSV ?=

.PHONY: run cluster test lock lock-check chromium-check lint typecheck pytest migrate bench snapshot screenshots clean

run: lock-check $(RUN_STAMP)
	$(PY) -m reelmatch db upgrade
	$(if $(PORT),REELMATCH_PORT=$(PORT) )$(PY) -m reelmatch serve

# Two app replicas and the worker behind HAProxy, on DATABASE_URL (PostgreSQL) and REDIS_URL.
cluster: lock-check $(RUN_STAMP)
	$(PY) deploy/cluster.py up

test: lock-check $(DEV_STAMP) lint typecheck pytest

# Relock on purpose, in its own commit, then run `make test` from a clean clone.
lock: $(UV)
	PATH="$(VENV)/bin:$$PATH" $(PY) scripts/lock.py

# Offline and instant: fails when requirements*.txt or pyproject.toml changed without a relock.
lock-check:
	$(PYTHON) scripts/lock.py --check

chromium-check:
	@test -x /usr/bin/chromium || { echo "Chromium is missing for the browser tests: apt-get install -y chromium (or run .ci/run, which installs it)" >&2; exit 1; }
	@command -v haproxy >/dev/null || { echo "HAProxy is missing for the cluster tests: apt-get install -y haproxy (or run .ci/run, which installs it)" >&2; exit 1; }

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(DEV_STAMP)
	$(PY) -m mypy

# Two workers for the suite (most tests wait on sockets and databases); the browser and
# cluster tests run afterwards, a file per worker (each file starts its own app on a free
# port, with its own database), two at a time: one at a time took 8 minutes, over the
# suite's budget of about ten (20 s timeouts per step leave room for a busy CPU).
# compileall first: the app, CLI and worker processes the tests start read .pyc files.
pytest: $(DEV_STAMP) chromium-check
	$(PY) -m compileall -q -j 2 reelmatch app.py
	$(PY) -m pytest -n 2 --ignore=tests/browser --ignore=tests/cluster $(PYTEST_ARGS)
	$(PY) -m pytest -n 2 --dist loadfile tests/browser tests/cluster $(PYTEST_ARGS)

migrate: $(RUN_STAMP)
	$(PY) -m reelmatch db upgrade

bench: $(DEV_STAMP)
	$(PY) bench/store.py
	$(PY) bench/catalog.py
	$(PY) bench/analytics.py

screenshots: $(DEV_STAMP)
	REELMATCH_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest -q tests/browser

snapshot: $(RUN_STAMP)
	@test -n "$(TMDB5000_CSV)" || { echo "usage: make snapshot TMDB5000_CSV=PATH/tmdb_5000_movies.csv (Kaggle's \"TMDB 5000 Movie Dataset\": https://www.kaggle.com/datasets/tmdb/tmdb-movie-metadata)" >&2; exit 2; }
	$(PY) scripts/build_offline_catalog.py "$(TMDB5000_CSV)"

$(PY):
	$(PYTHON) -m venv $(VENV)

# uv itself is pinned here and lives in the venv, so nothing outside the repo is assumed.
$(UV): | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)

# --compile-bytecode: every process (the app, each CLI call, each test's subprocess) reads .pyc
# files instead of compiling ~2,000 modules, which costs ~3 s per process where
# PYTHONDONTWRITEBYTECODE is set (it is on the CI machines).
$(RUN_STAMP): requirements.lock | $(UV)
	$(UV) pip sync -q --compile-bytecode --python $(PY) requirements.lock
	touch $@

$(DEV_STAMP): requirements-dev.lock | $(UV)
	$(UV) pip sync -q --compile-bytecode --python $(PY) requirements-dev.lock
	touch $@ $(RUN_STAMP)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
