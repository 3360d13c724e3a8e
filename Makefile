# The two commands of the README. Everything else is a helper for them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install clean format

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The embedded default: SQLite, a broker kept in ./var (no server), real Celery workers: one for the
# default queue (returns, with the scheduler), one for the protection queue, so a protection never
# holds a slot a return needs.
setup: export DEBUG ?= true
setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_catalogue
	$(PY) manage.py seed_demo

run: export DEBUG ?= true
run: setup
	@bash -c '\
	  $(PY) -m celery -A project worker --queues=celery --hostname=default@%h --beat --loglevel=INFO --concurrency=2 > var/worker.log 2>&1 & worker=$$!; \
	  $(PY) -m celery -A project worker --queues=protect --hostname=protect@%h --loglevel=INFO --concurrency=1 > var/protect.log 2>&1 & protector=$$!; \
	  trap "kill $$worker $$protector 2>/dev/null; wait $$worker $$protector 2>/dev/null" EXIT INT TERM; \
	  echo; echo "Celery workers started: returns and the rest (pid $$worker, log in var/worker.log);"; \
	  echo "protection of indicator tables (pid $$protector, log in var/protect.log)."; \
	  echo "The tracker is at http://$(HOST):$(PORT)/  (demo logins above; stop with Ctrl+C)"; echo; \
	  $(PY) manage.py runserver $(HOST):$(PORT)'

# Tests keep their database, broker queue and cache apart from a running `make run`. The suite runs
# in one process per core (`-n auto`), each with a test database, queue and cache keys of its own;
# a plain `pytest FILE` runs in one process, which starts sooner for a few tests.
test: export TRACKER_VAR_DIR ?= $(CURDIR)/var/test
test: install
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/ruff check --quiet .
	$(PY) -m pytest -n auto

# Formats the tree and applies the linter's safe fixes; `make test` fails on anything left.
format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var staticfiles .pytest_cache
