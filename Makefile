# The two commands: `make run` (serve the system with demo data) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: run test fuzz lint migrate venv venv-dev bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

migrate: venv
	$(PY) manage.py migrate --noinput

## run: install, migrate, load reference and demo data, then serve web + Celery worker + beat (Ctrl-C stops all)
run: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Web: $${SITE_BASE_URL:-http://127.0.0.1:8000}  (worker and beat start below; Ctrl-C stops all three)"
	$(VENV)/bin/honcho -f Procfile start

## test: install what the suite needs, then ruff and pytest against PostgreSQL and Redis
test: venv-dev
	bash scripts/test.sh $(ARGS)

## fuzz: schemathesis over every API operation with 50 examples each (make test runs 3)
fuzz: venv-dev
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50} bash scripts/test.sh -q -n 2 tests/test_api_fuzz.py $(ARGS)

lint: venv-dev
	$(VENV)/bin/ruff check .

bench: venv-dev
	bash bench/run.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
