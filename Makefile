# bangfu: `make run` starts the demo on SQLite; `make test` runs every test (SQLite and PostgreSQL).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint setup messages fuzz

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

run: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py demo_data --if-empty
	@echo "bangfu: http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@# Imports and exports run in the background worker, which stops with the server; the app
	@# logs each request itself (bangfu.request), with its id.
	$(PY) manage.py worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(wildcard bangfu/*/services.py bangfu/*/selectors.py bangfu/*/services/*.py bangfu/*/selectors/*.py) bangfu/registry/bulk.py bangfu/core/inserts.py bangfu/reports/rollups.py bangfu/national/definitions.py bangfu/national/facts.py bangfu/national/export.py bangfu/national/job.py

# Two workers or more share the tests (each with its own test database); a worker that runs
# out of tests takes some of another's, so the long fuzz shards do not leave one waiting. The
# slowest fifteen are listed at the end of each run: the suite's budget is 20 minutes.
PYTEST := $(PY) -m pytest --numprocesses=auto --maxprocesses=4 --dist=worksteal --durations=15

test: lint
	BANGFU_TEST_DB=sqlite $(PYTEST)
	$(PY) scripts/with_postgres.py -- $(PYTEST)

# The fuzz tests of `make test` with FUZZ_SCALE times their examples, on both databases: hours,
# not minutes, so not part of `make test` (docs/operations.md, "Longer fuzzing").
# The roll-up properties (kept roll-ups equal rebuilt ones) take their depth from it too.
FUZZ_SCALE ?= 60
FUZZ_TESTS := tests/fuzz tests/reports/test_place_rollups.py tests/reports/test_check_rollups.py \
	tests/reports/test_project_rollups.py
fuzz: setup
	BANGFU_FUZZ_SCALE=$(FUZZ_SCALE) $(PYTEST) $(FUZZ_TESTS)
	BANGFU_FUZZ_SCALE=$(FUZZ_SCALE) $(PY) scripts/with_postgres.py -- $(PYTEST) $(FUZZ_TESTS)

# After adding or changing marked strings: update the Chinese catalogue, translate, recompile.
messages: setup
	$(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete --ignore=.venv \
		--ignore=node_modules --ignore=tests --ignore=scripts --ignore=bench
	$(PY) manage.py compilemessages -l zh_Hans
