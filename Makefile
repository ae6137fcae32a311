# Two entry points (README "Quick start"): `make demo` runs the main job, `make test` the whole
# test suite (lint, types, tests with branch coverage). Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Debian's chromium, for the browser test of the HTML report (tests/plots/test_browser.py).
CHROMIUM_STAMP := $(VENV)/.chromium-stamp
# The tests run in this many processes (pytest-xdist), one per core of the 2-core CI machines;
# `make test TEST_WORKERS=0` runs them in one.
TEST_WORKERS ?= 2
# Grading and scoring code must be fully covered (branch coverage).
GRADING_CODE := */astct_grading/core/*,*/astct_grading/criteria/*,*/astct_grading/crs/*,*/astct_grading/icans/*,*/astct_grading/sle/*,*/astct_grading/course/*,*/astct_grading/report/*,*/astct_grading/frame/*

.PHONY: demo demo-html test lint typecheck unit docs bench golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m astct_grading demo

# The demo report with its figures, as one self-contained HTML page (docs/plots.md).
demo-html: $(STAMP)
	$(BIN)/python -m astct_grading demo --html demo-report.html > /dev/null
	@echo "wrote demo-report.html"

# Installs chromium once per machine where it can (root, apt-get); elsewhere the browser test is
# skipped with the reason, and this is tried again on the next run.
$(CHROMIUM_STAMP): scripts/ensure-chromium | $(STAMP)
	@if scripts/ensure-chromium; then touch $@; \
	else echo "make: chromium is not installed: the browser test will be skipped" >&2; fi

lint: $(STAMP)
	$(BIN)/ruff check astct_grading tests benchmarks scripts
	$(BIN)/ruff format --check astct_grading tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(CHROMIUM_STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --cov --cov-report=term-missing --doctest-modules --doctest-glob='*.md' astct_grading tests README.md docs
	$(BIN)/coverage report --include='$(GRADING_CODE)' --fail-under=100

# The documentation site into site/ (docs/index.md, "The documentation site"), strict: a broken
# link or anchor, a page left out of the navigation or a docstring the API reference cannot read
# fails it. NO_MKDOCS_2_WARNING quiets a banner of the theme (the pins are in pyproject.toml).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --clean --site-dir site

test: lint typecheck unit docs

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks -o python_files='bench_*.py' --benchmark-enable --benchmark-only -p no:cacheprovider

# Grade the golden corpus's frozen inputs again and write their answers (tests/golden/): only on
# purpose, with the change in CHANGELOG.md.
golden: $(STAMP)
	$(BIN)/python -m tests.golden.corpus

clean:
	rm -rf $(VENV) site .coverage .pytest_cache .mypy_cache .ruff_cache .hypothesis .benchmarks

# `make mutation`: mutation testing of the grading code (slow; not part of `make test`).
include mutation.mk
