# smsgen: the two commands first. `make site` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test test-fast lint serve check clean bench install

site: $(STAMP)                 ## build the reference organisation's documents and site into site/
	$(BIN)/smsgen schema >/dev/null
	$(BIN)/smsgen build

test: $(STAMP) lint            ## the checkers, then the test suite: unit, integration and browser layers
	$(BIN)/python -m pytest

lint: $(STAMP)                 ## types (mypy with the pydantic plugin) and style (ruff), both at zero findings
	$(BIN)/ruff check generator tests
	$(BIN)/mypy

test-fast: $(STAMP)            ## run the unit layer only (seconds): tests/unit
	$(BIN)/python -m pytest -m unit

serve: $(STAMP)                ## serve the site on 127.0.0.1:8000, regenerating on every change
	$(BIN)/smsgen serve

check: $(STAMP)                ## validate data and templates and run every check
	$(BIN)/smsgen check

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

bench: $(STAMP)                ## benchmark builds (cold, no-change, one-change, controlled, packs, stage1 pack, serve) at ~100 and ~1000 documents, with the targets met or not
	$(BIN)/python tests/bench/run.py

clean:                         ## remove generated output (keeps the virtual environment)
	rm -rf site dist data/.schema .pytest_cache tests/artifacts
	find docs -mindepth 1 -maxdepth 1 ! -name overrides ! -name assets -exec rm -rf {} +
