"""Benchmarks for CRS grading (run with `make bench`; figures in docs/performance.md)."""

from __future__ import annotations

import json
import random
from typing import Any

from pydantic import TypeAdapter

from astct_grading import CrsAssessment, grade_crs
from astct_grading.crs import domains as crs_domains
from astct_grading.crs import grading as crs_module
from astct_grading.report import load_demo_cohort
from benchmarks.bench_cli import record as cli_record

RECORD = (
    b'{"temperature":{"value":101.3,"unit":"F"},"hypotension":true,'
    b'"vasopressors":["norepinephrine"],"oxygen":{"device":"nasal_cannula","flow_l_min":4}}'
)
PARTIAL = b'{"temperature":{"value":38.4,"unit":"C"}}'
ADAPTER: TypeAdapter[CrsAssessment] = TypeAdapter(CrsAssessment)
#: The 382 CRS assessments of the packaged demo cohort: a realistic mix of records.
DEMO = [timed.assessment for course in load_demo_cohort() for timed in course.crs_assessments]


def _varied_lines(count: int, seed: int = 2019) -> list[bytes]:
    """JSON records varied as benchmarks/bench_cli.py writes them (without the record id)."""
    rng = random.Random(seed)
    lines = []
    for number in range(count):
        data = cli_record(rng, number)
        del data["id"]
        lines.append(json.dumps(data, separators=(",", ":")).encode())
    return lines


#: 1,000 varied records as JSON (temperatures at 0.1 °C, some inputs missing), and validated.
VARIED_JSON = _varied_lines(1000)
VARIED = [ADAPTER.validate_json(line) for line in VARIED_JSON]


def forget_kept_analyses() -> None:
    """Empty the caches grading keeps (docs/performance.md): records are then seen afresh.

    That includes the engine's answers per pattern of level values (``crs_bounds``), though
    they are finitely many: the figure is that of a process that has graded nothing yet.
    """
    for module in (crs_module, crs_domains):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def test_grade_validated_model(benchmark: Any) -> None:
    model = CrsAssessment.model_validate_json(RECORD)
    result = benchmark(grade_crs, model)
    assert result.grade == 3


def test_grade_validated_model_with_unknowns(benchmark: Any) -> None:
    model = CrsAssessment.model_validate_json(PARTIAL)
    result = benchmark(grade_crs, model)
    assert (result.grade_min, result.grade_max) == (1, 4)


def test_grade_validated_model_first_seen(benchmark: Any) -> None:
    # Every kept analysis is forgotten before each call: the cost of a record seen afresh.
    model = CrsAssessment.model_validate_json(RECORD)
    result = benchmark.pedantic(
        grade_crs, args=(model,), setup=forget_kept_analyses, rounds=2000, warmup_rounds=10
    )
    assert result.grade == 3


def test_grade_demo_cohort(benchmark: Any) -> None:
    # Per round: the demo cohort's 382 assessments, each graded once (divide by 382).
    def run() -> list[int | None]:
        return [grade_crs(model).grade for model in DEMO]

    grades = benchmark(run)
    assert len(grades) == len(DEMO) == 382


def test_grade_varied_records(benchmark: Any) -> None:
    # Per round: 1,000 varied validated records (divide by 1,000).
    def run() -> list[int | None]:
        return [grade_crs(model).grade for model in VARIED]

    grades = benchmark(run)
    assert len(grades) == 1000


def test_grade_varied_records_first_seen(benchmark: Any) -> None:
    # As above, with every kept analysis forgotten before each round.
    def run() -> list[int | None]:
        return [grade_crs(model).grade for model in VARIED]

    grades = benchmark.pedantic(run, setup=forget_kept_analyses, rounds=100, warmup_rounds=2)
    assert len(grades) == 1000


def test_validate_and_grade_from_json(benchmark: Any) -> None:
    def run() -> int | None:
        return grade_crs(CrsAssessment.model_validate_json(RECORD)).grade

    assert benchmark(run) == 3


def test_validate_and_grade_varied_records_from_json(benchmark: Any) -> None:
    # Per round: 1,000 varied JSON records validated (module-level TypeAdapter) and graded.
    def run() -> list[int | None]:
        return [grade_crs(ADAPTER.validate_json(line)).grade for line in VARIED_JSON]

    grades = benchmark(run)
    assert len(grades) == 1000


def test_validate_only_from_json(benchmark: Any) -> None:
    model = benchmark(CrsAssessment.model_validate_json, RECORD)
    assert model.vasopressors is not None


def test_validate_only_varied_records_from_json(benchmark: Any) -> None:
    def run() -> list[CrsAssessment]:
        return [ADAPTER.validate_json(line) for line in VARIED_JSON]

    assert len(benchmark(run)) == 1000
