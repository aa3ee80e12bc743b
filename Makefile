# One command to run, one to test; both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app sto_events
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# Links in mails point at the server `make run` starts, unless BASE_URL says otherwise.
export BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: setup run test lint db demo outbox translations bench audit mutate clean

setup: $(VENV)/.installed static/dist/manifest.json translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end assets come from npm (pinned in package-lock.json), never from a CDN. sto_events/core/assets.py cuts the
# Utrecht CSS down to the classes our templates and code use, minifies, hashes and compresses into static/dist.
ASSET_SOURCES := $(shell find templates sto_events static/css static/js static/img -type f \
  \( -name '*.html' -o -name '*.py' -o -name '*.css' -o -name '*.js' -o -name '*.svg' \) 2>/dev/null)
static/dist/manifest.json: $(VENV)/.installed node_modules/.installed $(ASSET_SOURCES)
	$(BIN)/python -m sto_events.core.assets

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed-demo --if-empty

# Serves on http://$(HOST):$(PORT) with the mail sender beside it; Ctrl-C stops both.
run: demo
	@echo "Serving on http://$(HOST):$(PORT)  (mail: $${MAIL_SERVER:-saved as .eml files in instance/mail/})"
	@$(FLASK) outbox run & sender=$$!; trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn --preload --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check sto_events tests

# Load figures under gunicorn with wrk (SQLite and PostgreSQL, against a bare-Flask baseline) and the sign-up rush;
# prints a table and writes bench/results/latest.json. Not part of `make test`; takes about five minutes.
bench: setup
	@command -v wrk >/dev/null || { echo "installing wrk (Debian package)"; \
	  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }; }
	$(BIN)/python bench/run.py

# Lighthouse 12.2.3 (mobile, 3 runs a page, median) on home, meeting list, meeting detail and sign-up form, served by
# gunicorn as `make run` serves them, on demo data in a temporary instance folder; plus CSS bytes sent and the time
# to the first answer after start. Not part of `make test`; takes a few minutes.
# The report is also written to bench/results/audit.md.
audit: setup
	$(BIN)/python bench/audit.py

# Mutation testing (cosmic-ray) of the services and the outbox against the tests that exercise them, in a copy of the
# tree under a temporary directory; prints caught/total per module and every survivor. Not part of `make test`; on
# 2 idle cores about an hour for all four modules. `make mutate MUTATE=outbox` runs the targets matching a word;
# MUTATE also takes the options (`MUTATE="outbox --jobs 1 --keep"`, `--lines A-B`, `--again DIR`, `--rescore DIR`).
# Survivors listed with a reason in tests/mutation/equivalents.toml are printed apart: raw and adjusted scores.
mutate: setup
	$(BIN)/python tests/mutation/run.py $(MUTATE)

clean:
	rm -rf $(VENV) node_modules static/vendor static/dist instance
