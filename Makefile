# Lindungi — the two commands of the README, and the checks CI runs.
# Django 6 needs Python 3.12+: pick the newest suitable interpreter on this machine, falling back
# to python3 (on 3.11 pip resolves Django 5.2 LTS, which the code also supports).
PYTHON ?= $(shell for p in python3.12 python3.13 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3); do $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
ifeq ($(strip $(PYTHON)),)
PYTHON := python3
endif
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test check lint typecheck boundaries bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## Command 1: set up, load reference and demo data, create demo logins, serve on 127.0.0.1:8000
demo: $(BIN)/.installed
	$(BIN)/lindungi demo

## Command 2: set up and run the whole test suite (DATABASE_URL selects the database)
test: $(BIN)/.installed
	$(BIN)/python -m pytest -p no:cacheprovider --create-db $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks

typecheck: $(BIN)/.installed
	$(BIN)/mypy src/lindungi

boundaries: $(BIN)/.installed
	$(BIN)/lint-imports

check: lint typecheck boundaries

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
