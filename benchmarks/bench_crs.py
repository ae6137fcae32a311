"""Benchmarks for CRS grading (run with `make bench`; figures in docs/performance.md)."""

from __future__ import annotations

from typing import Any

from astct_grading import CrsAssessment, grade_crs

RECORD = (
    b'{"temperature":{"value":101.3,"unit":"F"},"hypotension":true,'
    b'"vasopressors":["norepinephrine"],"oxygen":{"device":"nasal_cannula","flow_l_min":4}}'
)
PARTIAL = b'{"temperature":{"value":38.4,"unit":"C"}}'


def test_grade_validated_model(benchmark: Any) -> None:
    model = CrsAssessment.model_validate_json(RECORD)
    result = benchmark(grade_crs, model)
    assert result.grade == 3


def test_grade_validated_model_with_unknowns(benchmark: Any) -> None:
    model = CrsAssessment.model_validate_json(PARTIAL)
    result = benchmark(grade_crs, model)
    assert (result.grade_min, result.grade_max) == (1, 4)


def test_validate_and_grade_from_json(benchmark: Any) -> None:
    def run() -> int | None:
        return grade_crs(CrsAssessment.model_validate_json(RECORD)).grade

    assert benchmark(run) == 3


def test_validate_only_from_json(benchmark: Any) -> None:
    model = benchmark(CrsAssessment.model_validate_json, RECORD)
    assert model.vasopressors is not None
