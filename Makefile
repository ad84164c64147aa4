# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUCHER := $(VENV)/bin/rucher
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test env lint types check bench messages demo-reset clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	touch $@

env: $(VENV)/.synced

## Create the environment, migrate, load the demo organisation once, and serve on HOST:PORT.
run: env
	$(RUCHER) migrate --noinput
	$(RUCHER) demo load --if-empty
	$(RUCHER) consume
	$(RUCHER) demo credentials
	@# The worker sends queued e-mails and runs periodic jobs; it stops with the server.
	$(RUCHER) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	RUCHER_DEMO=$${RUCHER_DEMO:-1} HOST=$(HOST) PORT=$(PORT) $(RUCHER) serve

## The whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: env
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: env
	$(VENV)/bin/mypy

check: env
	$(RUCHER) check
	$(RUCHER) makemigrations --check --dry-run

bench: env
	$(VENV)/bin/python -m bench $(BENCH_ARGS)
	$(VENV)/bin/python -m bench feeds $(FEEDS_ARGS)
	$(VENV)/bin/python -m bench analytics $(ANALYTICS_ARGS)
	$(VENV)/bin/python -m bench import $(IMPORT_ARGS)

messages: env
	cd src/rucher && ../../$(RUCHER) makemessages -l fr -l en --no-location && ../../$(RUCHER) makemessages -d djangojs -l fr -l en --no-location --ignore "static/vendor/*" && ../../$(RUCHER) compilemessages

clean:
	rm -rf $(VENV) $(TOOLS)
