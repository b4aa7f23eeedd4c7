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
## `make run PORT=8001`, `make run HOST=0.0.0.0` (reachable from the local network; see README)
# HOST is not read from the environment: zsh and other shells set HOST to the machine's name.
HOST = 127.0.0.1
PORT ?= 8000
run: export WEB_BIND ?= $(HOST):$(PORT)
run: export DJANGO_SETTINGS_MODULE ?= config.settings.demo
run: venv
	$(PY) manage.py check_bind
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py welcome
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
