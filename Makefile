# djvet: `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EXAMPLE := examples/bookshop

.PHONY: install run test test-fast lint format docs bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

## Check the example project and show every finding with its fix as a diff.
run: install
	cd $(EXAMPLE) && ../../$(VENV)/bin/djvet check . --diff --exit-zero

## The whole test suite (rule fixtures, runtime proofs, CLI, language server, editors).
test: install
	$(PY) -m pytest -q

## Everything but the end-to-end tests (servers and real editors).
test-fast: install
	$(PY) -m pytest -q -m "not e2e"

lint: install
	$(VENV)/bin/ruff check server tests
	$(VENV)/bin/ruff format --check server tests

format: install
	$(VENV)/bin/ruff format server tests
	$(VENV)/bin/ruff check --fix server tests

docs: install
	$(PY) -m djvet.docs_gen docs/rules

bench: install
	$(PY) tests/bench/run.py

clean:
	rm -rf $(VENV) .djvet_cache build dist server/*.egg-info
