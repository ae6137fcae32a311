"""docs/strategies.md runs as written: its downstream example is executed as a doctest."""

from __future__ import annotations

import doctest
from pathlib import Path

PAGE = Path(__file__).parent.parent.parent / "docs" / "strategies.md"


def test_the_strategies_page_runs() -> None:
    results = doctest.testfile(
        str(PAGE), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False
    )
    assert results.attempted >= 10
    assert results.failed == 0


def test_the_page_lists_every_public_strategy() -> None:
    from astct_grading import strategies

    text = PAGE.read_text(encoding="utf-8")
    for name in strategies.__all__:
        if name != "Completeness":
            assert f"`{name}(" in text, name
