# One task runner for people and CI. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv run test test-fast test-pg services scale lint bench browsers geo demo-full clean messages

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

## A venv whose entry point no longer runs (moved, interrupted, another checkout's install)
## is reinstalled, not trusted because its stamp is newer than pyproject.toml.
venv:
	@$(BIN)/situasjonsbilde --help >/dev/null 2>&1 || rm -f $(STAMP)
	@$(MAKE) --no-print-directory $(STAMP)

## Set up and serve the app on http://127.0.0.1:8050 (demo data built on first run).
## Chromium renders the figures of the PDF export.
run: venv browsers
	$(BIN)/situasjonsbilde setup
	$(PY) app.py

## Debian's chromium and chromium-driver for the browser tests, installed when missing.
browsers:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
	  echo "chromium and chromedriver present"; \
	else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver; \
	fi

geo: venv
	$(BIN)/situasjonsbilde geo --no-progress

## Debian's postgresql and redis-server for scale mode and the PostgreSQL test run, when missing.
services:
	.ci/services.sh install

## Set up and run the whole test suite (unit, data layer, real-data acceptance, browser) on
## SQLite, then the data-layer, query and cache tests on a private PostgreSQL and Redis.
## The lint targets run first, so CI enforces them too.
test: venv browsers geo services lint
	$(BIN)/pytest
	PYTEST=$(BIN)/pytest .ci/test-postgres

## Only the PostgreSQL/Redis run (started on free loopback ports, stopped afterwards).
test-pg: venv geo services
	PYTEST=$(BIN)/pytest .ci/test-postgres

test-fast: venv
	$(BIN)/pytest -m "not browser"

## Translations: extract every user-facing string and add the new ones to the English
## catalogue (then translate the empty msgstr entries; tests/test_i18n.py lists what is missing).
messages: venv
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o instance/messages.pot .
	$(BIN)/pybabel update -i instance/messages.pot -d dashboard/locale -l en --no-fuzzy-matching --ignore-obsolete

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## Benchmarks print numbers and ratios; they never fail on a time. The scale part
## (bench/scale.sh) runs page callbacks, first page load in chromium and a 50-client load test
## (wrk) on SQLite (the settings as given: DATA_DIR=/tmp/full for the full-scale data) and on a
## private PostgreSQL + Redis (full demo loaded into instance/bench-pg on first run; "skipped"
## when PostgreSQL is not installed), and appends one side-by-side table to bench/results.md.
bench: venv geo browsers bench-tools
	$(PY) -m bench.imports
	$(PY) -m bench.signals --append
	$(PY) -m bench.nowcast --append
	$(PY) -m bench.clusters_signals --append
	$(PY) -m bench.overview --reports
	PY=$(PY) bench/scale.sh

## Debian's wrk (HTTP load generator) for the load test, installed when missing.
.PHONY: bench-tools
bench-tools:
	@if command -v wrk >/dev/null 2>&1; then echo "wrk present"; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends wrk; \
	fi

demo-full: venv
	$(BIN)/situasjonsbilde demo --scale full

## Scale mode on this machine: PostgreSQL and Redis on loopback (data in instance/scale/), the
## full-scale demo data loaded on first run, gunicorn with SCALE_WORKERS workers on :8050.
## Ctrl-C stops gunicorn; `make scale-stop` stops PostgreSQL and Redis.
SCALE_DIR     ?= instance/scale
SCALE_WORKERS ?= 2
SCALE_DEMO    ?= full
.PHONY: scale-stop
scale: venv services browsers geo
	.ci/services.sh stop $(SCALE_DIR)
	.ci/services.sh start $(SCALE_DIR)
	@test -s $(SCALE_DIR)/secret_key || $(PY) -c "import secrets; print(secrets.token_hex(32))" > $(SCALE_DIR)/secret_key
	. $(SCALE_DIR)/env && export SECRET_KEY=$$(cat $(SCALE_DIR)/secret_key) \
	  DATA_DIR=$(SCALE_DIR) GEO_CACHE_DIR=instance/geo DEMO_SCALE=$(SCALE_DEMO) && \
	  $(BIN)/situasjonsbilde setup && \
	  exec $(BIN)/gunicorn app:server -c gunicorn.conf.py -w $(SCALE_WORKERS) -b 127.0.0.1:8050

scale-stop:
	.ci/services.sh stop $(SCALE_DIR)

clean:
	rm -rf $(VENV) instance assets/vendor .pytest_cache .mypy_cache .ruff_cache

## Real published data (FHI, SSB, Kartverket, OxCGRT) in a database of its own, then serve it.
REALDATA ?= ../shared/realdata
.PHONY: run-real
run-real: venv geo
	DATA_DIR=instance/real GEO_CACHE_DIR=instance/geo $(BIN)/situasjonsbilde import all $(REALDATA)
	DATA_DIR=instance/real GEO_CACHE_DIR=instance/geo DEMO_DATA=false $(PY) app.py
