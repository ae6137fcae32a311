# Two entry points (README "Quick start"): `make demo` runs the main job, `make test` the whole
# test suite (lint, types, tests with branch coverage). Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Grading and scoring code must be fully covered (branch coverage).
GRADING_CODE := */astct_grading/core/*,*/astct_grading/criteria/*,*/astct_grading/crs/*,*/astct_grading/icans/*,*/astct_grading/sle/*,*/astct_grading/course/*,*/astct_grading/report/*

.PHONY: demo test lint typecheck unit bench golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m astct_grading demo

lint: $(STAMP)
	$(BIN)/ruff check astct_grading tests benchmarks scripts
	$(BIN)/ruff format --check astct_grading tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest --cov --cov-report=term-missing --doctest-modules --doctest-glob='*.md' astct_grading tests README.md docs
	$(BIN)/coverage report --include='$(GRADING_CODE)' --fail-under=100

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks -o python_files='bench_*.py' --benchmark-enable --benchmark-only -p no:cacheprovider

# Freeze the golden corpus again (tests/golden/): only on purpose, with the change in CHANGELOG.md.
golden: $(STAMP)
	$(BIN)/python -m tests.golden.corpus

clean:
	rm -rf $(VENV) .coverage .pytest_cache .mypy_cache .ruff_cache .hypothesis .benchmarks

# `make mutation`: mutation testing of the grading code (slow; not part of `make test`).
include mutation.mk
