"""The result types (core/results.py): consistency checks, serialisation, the fields they carry."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from astct_grading.core.results import Finding, GradeResult, ScoreItem, ScoreResult


def test_the_fields_are_in_their_documented_order() -> None:
    assert tuple(f.name for f in fields(Finding)) == (
        "domain",
        "assessed",
        "present",
        "attributed_to_other_cause",
        "grade_min",
        "grade_max",
        "detail",
    )
    assert tuple(f.name for f in fields(GradeResult)) == (
        "scale",
        "grade",
        "grade_min",
        "grade_max",
        "findings",
        "drivers",
        "missing",
        "decisions",
        "criteria_version",
        "explanation",
        "excluded",
        "instrument",
    )


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
