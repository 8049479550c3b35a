# djvet: `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EXAMPLE := examples/bookshop

.PHONY: install run test test-fast lint format docs bench fix-all-corpora clean vsix test-vscode

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
	$(PY) -m pip install --quiet -e ".[test,bench]"
	$(PY) -m compileall -q server/djvet  # as an installed wheel has it (PYTHONDONTWRITEBYTECODE may be set)
	$(PY) tests/bench/run.py

## Fix-all over the benchmark's real projects, in throwaway copies: every fix must hold up.
fix-all-corpora: install
	$(PY) tests/bench/fix_all.py

## The VS Code extension, vscode-extension/djvet.vsix, with djvet and its pure-Python
## dependencies bundled (npm and PyPI only; node_modules is reused while the lock file holds).
vsix: install vscode-extension/node_modules/.installed
	vscode-extension/scripts/bundle-python.sh $(PY)
	cd vscode-extension && npm run --silent package

vscode-extension/node_modules/.installed: vscode-extension/package-lock.json
	cd vscode-extension && npm ci --no-audit --no-fund
	touch $@

## Real VS Code: the .vsix in code-server, driven in headless Chromium (tests/editors/test_vscode.py).
## Installs code-server and playwright-core into build/vscode once; when that cannot be
## done the test is skipped and says why. SCREENSHOTS=docs/images refreshes the README's picture.
test-vscode: vsix
	tests/editors/vscode/setup.sh || echo "test-vscode: set-up incomplete; the test will say why"
	DJVET_SCREENSHOTS=$(SCREENSHOTS) $(PY) -m pytest -q -rs tests/editors/test_vscode.py

clean:
	rm -rf $(VENV) .djvet_cache build dist server/*.egg-info
