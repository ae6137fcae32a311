"""The packaged demo cohort: regenerable, valid, illustrative, and showing the rules at work."""

from __future__ import annotations

import importlib.util
import itertools
import json
import statistics
import sys
from datetime import datetime
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from astct_grading.course import CourseResult, grade_course
from astct_grading.crs import grade_crs
from astct_grading.icans import grade_icans
from astct_grading.report import demo_report, load_demo_cohort, render_text
from astct_grading.sle.sledai import score_sledai2k

ROOT = Path(__file__).resolve().parents[2]


WAIVING = {"tocilizumab", "corticosteroid", "antipyretic", "siltuximab", "anakinra"}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_demo_cohort", ROOT / "scripts" / "make_demo_cohort.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    text = (
        resources.files("astct_grading")
        .joinpath("data")
        .joinpath("demo_cohort.json")
        .read_text("utf-8")
    )
    document: dict[str, Any] = json.loads(text)
    return document


@pytest.fixture(scope="module")
def graded() -> list[CourseResult]:
    return [grade_course(course) for course in load_demo_cohort()]


def test_the_packaged_file_is_what_the_script_generates() -> None:
    script = _script()
    packaged = resources.files("astct_grading").joinpath("data").joinpath("demo_cohort.json")
    assert packaged.read_text("utf-8") == script.render()
    assert script.main(["--check"]) == 0


def test_marked_illustrative_in_the_file_and_the_report(raw: dict[str, Any]) -> None:
    assert raw["notice"].startswith("ILLUSTRATIVE SYNTHETIC DATA - NOT TRIAL DATA")
    report = demo_report()
    assert report.notice == raw["notice"]
    assert "(illustrative)" in report.title
    assert render_text(report).startswith("ILLUSTRATIVE SYNTHETIC DATA - NOT TRIAL DATA")


def test_six_patients_cd19_and_bcma_with_28_days_from_hourly_to_daily(raw: dict[str, Any]) -> None:
    cohort = load_demo_cohort()
    assert len(cohort) == 6
    assert {c.product for c in cohort} == {"CD19", "BCMA"}
    for course in cohort:
        times = [a.at for a in course.crs_assessments]
        gaps = [(b - a).total_seconds() / 3600 for a, b in itertools.pairwise(times)]
        assert min(gaps) <= 1.0
        assert max(gaps) >= 23.0
        assert (times[-1] - course.infusion_at).days >= 27
        assert course.icans_assessments
        labels = [v.label for v in course.sledai_visits]
        assert labels == ["baseline", "month 1", "month 3", "month 6"]
    assert any(t.therapy.value == "tocilizumab" for c in cohort for t in c.treatments)
    assert any(t.therapy.value == "corticosteroid" for c in cohort for t in c.treatments)


def test_the_rules_at_work(graded: list[CourseResult]) -> None:
    # A CRS episode that continues without fever after tocilizumab (D1).
    continued = [
        g
        for r in graded
        for g in r.crs
        if g.waiver
        and "tocilizumab" in g.waiver_detail
        and g.result.grade_min >= 1
        and g.result.finding("fever").grade_max == 0
    ]
    assert continued
    # An ICANS episode; a patient with no toxicity.
    assert any(r.icans_episodes for r in graded)
    assert any(
        r.summary.crs.max_grade == 0 and r.summary.icans.max_grade == 0 and not r.crs_episodes
        for r in graded
    )
    # Unknown stays unknown: one patient's maximum CRS grade is a range.
    assert any(r.summary.crs.max_grade is None for r in graded)
    # Responders and non-responders, remissions and not (month 6).
    outcomes = {
        name: [r.sledai[-1].responses[name].outcome.value for r in graded]
        for name in ("SRI-4", "DORIS remission", "LLDAS")
    }
    for name in ("SRI-4", "DORIS remission"):
        assert "met" in outcomes[name]
        assert "not_met" in outcomes[name]
    # Prophylaxis waives nothing: a premedication before any fever is recorded as such.
    assert any("prophylaxis" in g.waiver_detail for r in graded for g in r.crs)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _independent_crs_maximum(course: dict[str, Any]) -> tuple[int, int]:
    """The patient's maximum CRS grade, recomputed from the raw file.

    Every demo patient has at most one CRS episode and every therapy falls before or inside it,
    so D1 reduces to: the waiver applies once a surely qualifying fever has been recorded and a
    waiving therapy has been given at or after it, at or before the assessment.
    """
    therapies = [_at(t["at"]) for t in course["treatments"] if t["therapy"] in WAIVING]
    first_fever = None
    low = high = 0
    for record in course["crs_assessments"]:
        at = _at(record["at"])
        waiver = first_fever is not None and any(first_fever <= t <= at for t in therapies)
        result = grade_crs({**record["assessment"], "fever_waiver": waiver})
        if first_fever is None and result.finding("fever").grade_min == 1:
            first_fever = at
        low, high = max(low, result.grade_min), max(high, result.grade_max)
    return low, high


def test_demo_report_matches_an_independent_recount(
    raw: dict[str, Any], graded: list[CourseResult]
) -> None:
    report = demo_report()
    crs = [_independent_crs_maximum(c) for c in raw["courses"]]
    icans = [
        (
            max(grade_icans(r["assessment"]).grade_min for r in c["icans_assessments"]),
            max(grade_icans(r["assessment"]).grade_max for r in c["icans_assessments"]),
        )
        for c in raw["courses"]
    ]
    for table, maxima in ((report.crs, crs), (report.icans, icans)):
        for grade in range(6):
            assert table.by_grade[grade].n == sum(1 for lo, hi in maxima if lo == hi == grade)
        assert table.by_grade[6].n == sum(1 for lo, hi in maxima if lo != hi)
        assert table.any_grade.n == sum(1 for lo, _ in maxima if lo >= 1)
        assert table.severe.n == sum(1 for lo, _ in maxima if lo >= 3)
        assert table.severe.undetermined == sum(1 for lo, hi in maxima if lo < 3 <= hi)
    for position, label in enumerate(["baseline", "month 1", "month 3", "month 6"]):
        scores = [score_sledai2k(c["sledai_visits"][position]["visit"]) for c in raw["courses"]]
        known = [s.score for s in scores if s.score is not None]
        row = report.sledai[position]
        assert row.label == label
        assert (row.score.n, row.score.undetermined) == (len(known), len(scores) - len(known))
        assert row.score.median == statistics.median(known)
    therapies = {t["therapy"] for c in raw["courses"] for t in c["treatments"]}
    assert {treated.label for treated in report.treatments} == therapies
    for treated in report.treatments:
        assert treated.n == sum(
            1 for c in raw["courses"] if any(t["therapy"] == treated.label for t in c["treatments"])
        )
    assert len(report.listing) == len(graded) == 6


def test_docs_show_the_current_demo_output() -> None:
    docs = (ROOT / "docs" / "report.md").read_text("utf-8")
    assert render_text(demo_report()) in docs
