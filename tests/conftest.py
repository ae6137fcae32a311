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


# --- Mutation testing (docs/mutation.md) ------------------------------------------------------
# mutmut 3 runs each mutant in a child forked from a process that has already imported the package
# and run the tests, and switches a mutant on only in the functions called after that. The grading
# code builds its tables lazily (functools.cache), so under mutmut (MUTANT_UNDER_TEST set) every
# cache of the package is emptied: once per session for a mutant, and before every test while
# mutmut records which tests reach which function ("stats"), so that the tables are built again
# with the mutant on and every test that reaches them is recorded. Ordinary runs do nothing here.


def _clear_caches() -> None:
    import sys

    for name, module in list(sys.modules.items()):
        if not name.startswith("astct_grading"):
            continue
        for value in list(vars(module).values()):
            if getattr(value, "__module__", None) == name and hasattr(value, "cache_clear"):
                value.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _caches_for_a_mutant() -> None:
    if os.environ.get("MUTANT_UNDER_TEST", "") not in ("", "stats", "fail"):
        _clear_caches()


@pytest.fixture(autouse=True)
def _caches_for_mutmut_stats() -> None:
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        _clear_caches()
