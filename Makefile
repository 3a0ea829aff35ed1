# Reel Matchmaker: `make run` serves the app, `make test` checks everything.
# Both are idempotent: installs happen only when a requirements file changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
PORT ?= 8501
TMDB5000_CSV ?= ../shared/data/tmdb-5000/tmdb_5000_movies.csv

.PHONY: run test lint typecheck pytest migrate bench snapshot screenshots clean

run: $(RUN_STAMP)
	$(PY) -m reelmatch db upgrade
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(DEV_STAMP) lint typecheck pytest

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(DEV_STAMP)
	$(PY) -m mypy

# Two workers for the suite (most tests wait on sockets and databases); the browser tests
# run on their own afterwards, so a busy CPU cannot make their timing flaky.
pytest: $(DEV_STAMP)
	$(PY) -m pytest -n 2 --ignore=tests/browser $(PYTEST_ARGS)
	$(PY) -m pytest tests/browser $(PYTEST_ARGS)

migrate: $(RUN_STAMP)
	$(PY) -m reelmatch db upgrade

bench: $(DEV_STAMP)
	$(PY) bench/store.py
	$(PY) bench/catalog.py
	$(PY) bench/analytics.py

screenshots: $(DEV_STAMP)
	REELMATCH_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest -q tests/browser

snapshot: $(RUN_STAMP)
	$(PY) scripts/build_offline_catalog.py $(TMDB5000_CSV)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
