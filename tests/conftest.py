"""Test configuration: one Hypothesis profile for local runs and CI."""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")

# The in-process command-line runner of the CLI tests (tests/cli_harness.py).
from tests.cli_harness import run  # noqa: E402, F401

# --- SLEDAI-2K and SLE response under mutation testing (docs/mutation.md) -----------------------
# mutmut 3 runs each mutant in a child forked from a process that has already imported the package
# and run the tests, and switches a mutant on only in the functions called after that. The tables
# that astct_grading.sle.sledai and astct_grading.sle.response build at import (with _build_tables)
# would keep the original's values, and a cache filled in the parent would never call the mutant.
# So under mutmut (MUTANT_UNDER_TEST set) the tables are built again and those modules' caches
# emptied: once per session for a mutant, and before every test while mutmut records which tests
# reach which function ("stats"), so that every test is linked to the table-building functions.
# Ordinary runs (MUTANT_UNDER_TEST unset) do nothing here.

_SLE_MODULES = (
    "astct_grading.sle.sledai",
    "astct_grading.sle.response",
    "astct_grading.criteria.sledai2k",
)


def _rebuild_sle_tables() -> None:
    import importlib

    for name in _SLE_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if getattr(value, "__module__", None) == name and hasattr(value, "cache_clear"):
                value.cache_clear()
        build = getattr(module, "_build_tables", None)
        if build is not None:
            build()


@pytest.fixture(scope="session", autouse=True)
def _sle_tables_for_mutant() -> None:
    if os.environ.get("MUTANT_UNDER_TEST", "") not in ("", "stats", "fail"):
        _rebuild_sle_tables()


@pytest.fixture(autouse=True)
def _sle_tables_for_mutmut_stats() -> None:
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        _rebuild_sle_tables()


# --- end of SLEDAI-2K and SLE response under mutation testing ----------------------------------


# --- Mutation testing of ICANS (docs/mutation.md) --------------------------------------------
# mutmut runs each mutant in a child forked from a process that has already imported the package
# and run the tests, and switches the mutant on in the child only: the tables icans.py builds at
# import, and the entries already in its caches, were built without it. Under mutmut (it sets
# MUTANT_UNDER_TEST), they are built again before every test, so the mutant reaches them; and in
# mutmut's first run, which records the tests that reach each function (it runs only those for a
# mutant), every test that reaches them is recorded, not only the first one.


def pytest_runtest_setup(item: object) -> None:
    """Under mutmut only: rebuild the ICANS and CRS tables built at import; empty their caches."""
    import os

    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    from astct_grading.criteria import icans as icans_criteria
    from astct_grading.icans import grading as icans

    for module in (icans, icans_criteria):
        for value in list(vars(module).values()):
            cache_clear = getattr(value, "cache_clear", None)
            if callable(cache_clear):
                cache_clear()
    icans._build_tables()
    # CRS likewise: its per-pattern caches and the tables crs.py builds at import.
    from astct_grading.crs import grading as crs

    for value in list(vars(crs).values()):
        cache_clear = getattr(value, "cache_clear", None)
        if callable(cache_clear):
            cache_clear()
    crs._build_tables()


# --- End of the ICANS mutation-testing block -------------------------------------------------
