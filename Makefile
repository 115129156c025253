# RtoP Monitor: `make run` opens the dashboard, `make test` runs the tests. Both set up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
ADDRESS ?= $(or $(RTOP_ADDRESS),127.0.0.1)

.PHONY: run test lint setup db sample clean e2e bench screens

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=python3.11)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	@touch $(STAMP)

setup: $(STAMP)

db: $(STAMP)
	$(PY) -m loaders init

run: db
	$(VENV)/bin/rtop serve --port $(PORT) --address $(ADDRESS)

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check dashboard loaders tests benchmarks tools
	$(PY) -m ruff format --check dashboard loaders
	$(PY) -m mypy dashboard loaders

bench: $(STAMP)
	$(PY) benchmarks/pages.py
	$(PY) benchmarks/browser.py
	$(PY) benchmarks/briefing.py
	$(PY) benchmarks/api.py

# Screenshots of every page and of presentation mode at 1920x1080 and 1366x768, the briefing
# packs' pages, and the packs and XLSX as LibreOffice prints them: test-artifacts/screens/
screens: $(STAMP)
	$(PY) tools/screens.py

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .mypy_cache .ruff_cache
