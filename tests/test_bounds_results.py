"""The bounds engine and the result types."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from astct_grading.core.bounds import grade_bounds
from astct_grading.core.results import Finding, GradeResult, ScoreItem, ScoreResult


def _and_max(levels: Sequence[int]) -> int:
    gate, a, b = levels
    return max(a, b) if gate else 0


def test_bounds_of_a_determined_function() -> None:
    assert grade_bounds(max, [(2, 2), (1, 1)]) == (2, 2, ())


def test_an_unknown_that_matters_only_with_another() -> None:
    # b matters only when the gate is open: still listed.
    assert grade_bounds(_and_max, [(0, 1), (0, 0), (0, 3)]) == (0, 3, (0, 2))


def test_an_unknown_that_never_matters_is_not_listed() -> None:
    assert grade_bounds(max, [(4, 4), (0, 3)]) == (4, 4, ())
    assert grade_bounds(max, [(0, 4), (0, 3), (1, 1)]) == (1, 4, (0, 1))
    assert grade_bounds(max, [(0, 4), (0, 1), (3, 3)]) == (3, 4, (0,))


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)).map(sorted), min_size=1, max_size=5)
)
def test_bounds_of_max_are_min_and_max_of_ends(pairs: list[list[int]]) -> None:
    levels = [(lo, hi) for lo, hi in pairs]
    low, high, matters = grade_bounds(max, levels)
    assert low == max(lo for lo, _ in levels)
    assert high == max(hi for _, hi in levels)
    for index in matters:
        assert levels[index][1] > low


def _result(low: int, high: int, grade: int | None) -> GradeResult:
    return GradeResult(
        scale="CRS",
        grade=grade,
        grade_min=low,
        grade_max=high,
        findings=(Finding("fever", True, True, False, 1, 1, "fever"),),
        drivers=("fever",),
        missing=(),
        decisions=(),
        criteria_version="ASTCT-2019",
        explanation="x",
    )


@pytest.mark.parametrize(
    ("low", "high", "grade"), [(1, 2, 1), (2, 2, None), (3, 2, None), (0, 6, None), (-1, 0, None)]
)
def test_inconsistent_grade_results_are_refused(low: int, high: int, grade: int | None) -> None:
    with pytest.raises(ValueError, match="inconsistent result"):
        _result(low, high, grade)


def test_grade_result_serialises() -> None:
    result = _result(1, 1, 1)
    assert result.determined
    assert result.finding("fever").grade == 1
    assert json.loads(result.to_json())["findings"][0]["detail"] == "fever"
    assert result.to_dict()["grade"] == 1
    assert not _result(1, 2, None).determined
    assert Finding("x", False, None, None, 0, 2, "?").grade is None


def test_score_result() -> None:
    item = ScoreItem("orientation", 0, 4, "not given")
    result = ScoreResult(
        "ICE", None, 6, 10, (item,), ("orientation",), ("D13",), "ASTCT-2019", "ICE 6 to 10"
    )
    assert item.points is None
    assert ScoreItem("naming", 3, 3, "").points == 3
    assert not result.determined
    assert json.loads(result.to_json())["score_max"] == 10
    assert result.to_dict()["items"][0]["name"] == "orientation"
    assert ScoreResult("ICE", 7, 7, 7, (), (), (), "v", "e").determined
    with pytest.raises(ValueError, match="inconsistent result"):
        ScoreResult("ICE", 6, 6, 10, (), (), (), "v", "e")
    with pytest.raises(ValueError, match="inconsistent result"):
        ScoreResult("ICE", None, 7, 6, (), (), (), "v", "e")
