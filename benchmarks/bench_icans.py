"""ICANS, ICE and CAPD speed (pytest-benchmark; run with `make bench`; docs/performance.md)."""

from __future__ import annotations

import json
from inspect import signature
from typing import Any

from pydantic import TypeAdapter

from astct_grading.icans import (
    CapdAssessment,
    IcansAssessment,
    IceAssessment,
    capd,
    domains,
    explain,
    findings,
    grade_icans,
    ice,
    score_capd,
    score_ice,
)
from astct_grading.report import load_demo_cohort

ADAPTER: TypeAdapter[IcansAssessment] = TypeAdapter(IcansAssessment)

ICE_ITEMS = {
    "orientation_year": 1,
    "orientation_month": 1,
    "orientation_city": 1,
    "orientation_hospital": 0,
    "naming_object_1": 1,
    "naming_object_2": 1,
    "naming_object_3": 0,
    "follows_commands": 1,
    "writes_sentence": 0,
    "counts_back_by_ten": 0,
}
CAPD_ANSWERS = {
    "eye_contact": "sometimes",
    "purposeful_actions": "often",
    "aware_of_surroundings": "often",
    "communicates_needs": "rarely",
    "restless": "sometimes",
    "inconsolable": "rarely",
    "underactive": "never",
    "slow_to_respond": "often",
}
#: A complete adult assessment: every domain known, item-level ICE (6/10).
ADULT: dict[str, Any] = {
    "age_years": 54.3,
    "developmental_delay": False,
    "ice": ICE_ITEMS,
    "consciousness": "awakens_to_voice",
    "seizure": False,
    "motor": "none",
    "icp": [],
    "tremor": True,
}
#: A complete paediatric assessment: CAPD by answers (13/32).
CHILD: dict[str, Any] = {
    "age_years": 7.5,
    "capd": CAPD_ANSWERS,
    "consciousness": "alert",
    "seizure": True,
    "seizure_duration_min": 2.5,
    "seizure_without_return_to_baseline": False,
    "motor": "none",
    "icp": ["focal_oedema"],
}
#: An adult record with most domains unknown.
PARTIAL: dict[str, Any] = {"age_years": 54.3, "ice": {"total": 8}}
PAYLOAD = json.dumps(ADULT).encode()
#: The 183 ICANS assessments of the packaged demo cohort: a realistic mix of records.
DEMO = [timed.assessment for course in load_demo_cohort() for timed in course.icans_assessments]


def forget_kept_outcomes() -> None:
    """Empty the caches grading keeps per pattern (docs/performance.md): records are then seen
    afresh. The tables built once (functions of no argument) are kept, as between records."""
    for module in (ice, capd, domains, findings, explain):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)) and signature(value).parameters:
                value.cache_clear()


def test_grade_validated_model(benchmark: Any) -> None:
    model = IcansAssessment.model_validate(ADULT)
    result = benchmark(grade_icans, model)
    assert (result.grade, result.instrument) == (2, "ICE")


def test_grade_validated_child_model(benchmark: Any) -> None:
    model = IcansAssessment.model_validate(CHILD)
    result = benchmark(grade_icans, model)
    assert (result.grade, result.instrument) == (3, "CAPD")


def test_grade_validated_model_with_unknowns(benchmark: Any) -> None:
    model = IcansAssessment.model_validate(PARTIAL)
    result = benchmark(grade_icans, model)
    assert (result.grade_min, result.grade_max) == (1, 4)


def test_grade_validated_model_with_unknowns_first_seen(benchmark: Any) -> None:
    # Every kept outcome is forgotten before each call: the cost of a new pattern of unknowns.
    model = IcansAssessment.model_validate(PARTIAL)
    result = benchmark.pedantic(
        grade_icans, args=(model,), setup=forget_kept_outcomes, rounds=2000, warmup_rounds=10
    )
    assert (result.grade_min, result.grade_max) == (1, 4)


def test_grade_demo_cohort(benchmark: Any) -> None:
    # Per round: the demo cohort's 183 assessments, each graded once (divide by 183).
    def run() -> list[int | None]:
        return [grade_icans(model).grade for model in DEMO]

    grades = benchmark(run)
    assert len(grades) == len(DEMO) == 183


def test_grade_demo_cohort_first_seen(benchmark: Any) -> None:
    # As above, with every kept outcome forgotten before each round.
    def run() -> list[int | None]:
        return [grade_icans(model).grade for model in DEMO]

    grades = benchmark.pedantic(run, setup=forget_kept_outcomes, rounds=200, warmup_rounds=2)
    assert len(grades) == 183


def test_score_ice(benchmark: Any) -> None:
    model = IceAssessment.model_validate(ICE_ITEMS)
    assert benchmark(score_ice, model).score == 6


def test_score_capd(benchmark: Any) -> None:
    model = CapdAssessment.model_validate(CAPD_ANSWERS)
    assert benchmark(score_capd, model).score == 13


def test_validate_and_grade_from_json_bytes(benchmark: Any) -> None:
    def run() -> int | None:
        return grade_icans(ADAPTER.validate_json(PAYLOAD)).grade

    assert benchmark(run) == 2


def test_validate_only_from_json_bytes(benchmark: Any) -> None:
    model = benchmark(ADAPTER.validate_json, PAYLOAD)
    assert model.ice is not None
