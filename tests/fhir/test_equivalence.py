"""The grade read from a FHIR Bundle equals grade_course on the same course (demo and generated)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from astct_grading.course import Course, grade_course
from astct_grading.crs.grading import CrsAssessment
from astct_grading.fhir import (
    FhirMapping,
    course_bundle,
    grade_fhir,
    load_demo_bundle,
    read_bundle,
)
from astct_grading.icans import IcansAssessment
from astct_grading.icans.capd import CAPD_NAMES, CAPD_POINT_NAMES, CapdAssessment, capd_answers
from astct_grading.icans.ice import ICE_DOMAIN_NAMES
from astct_grading.report.demo import load_demo_cohort
from astct_grading.strategies import courses

_GRADED = ("crs", "crs_episodes", "icans", "icans_episodes")


def _without_wording(value: Any) -> Any:
    """The result without its sentences (they name the vasopressors in the order written)."""
    if isinstance(value, dict):
        return {
            k: _without_wording(v) for k, v in value.items() if k not in {"explanation", "detail"}
        }
    if isinstance(value, list):
        return [_without_wording(v) for v in value]
    return value


def _comparable(result: Any) -> dict[str, Any]:
    data = _without_wording(result.to_dict())
    summary = data["summary"]
    return {
        **{key: data[key] for key in _GRADED},
        "summary": {key: summary[key] for key in ("crs", "icans", "treatments", "died")},
        "death": data["death"],
    }


def test_the_demo_bundle_grades_exactly_like_the_native_demo() -> None:
    # The shipped file (equal to demo_bundle(): tests/fhir/test_demo_file.py).
    native = load_demo_cohort()
    read = read_bundle(load_demo_bundle())
    assert not read.problems
    pairs = list(grade_fhir(read))
    assert [p.patient_id for p, _ in pairs] == [c.patient_id for c in native]
    for course, (patient, result) in zip(native, pairs, strict=True):
        assert not patient.problems
        assert result is not None
        expected = grade_course(course).to_dict()
        got = result.to_dict()
        assert {k: v for k, v in got.items() if k != "sledai"} == {
            k: v for k, v in expected.items() if k != "sledai"
        }


def _projected(course: Course) -> Course:
    """The course as FHIR carries it: through JSON (offsets only), without SLEDAI-2K visits, an
    assessment with no input at all, or an ICE or CAPD record with no answer (no resource stands
    for them)."""
    data = course.model_dump(mode="json")
    data["sledai_visits"] = []
    # Inputs no resource is read into (docs/fhir.md): a count of vasopressors without their
    # names, organ toxicity (never graded, D2), the ICE's domain subtotals and the CAPD's points.
    for item in data["crs_assessments"]:
        item["assessment"]["vasopressor_count"] = None
        item["assessment"]["organ_toxicity"] = None
    for item in data["icans_assessments"]:
        ice = item["assessment"].get("ice")
        if ice is not None:
            for subtotal in ICE_DOMAIN_NAMES:
                ice[subtotal] = None
        capd = item["assessment"].get("capd")
        if capd is not None:  # CAPD points as charted: carried as the answers they score
            answers = capd_answers(CapdAssessment.model_validate(capd).__dict__)
            for name, answer, points in zip(CAPD_NAMES, answers, CAPD_POINT_NAMES, strict=True):
                capd[name] = None if answer is None else answer.value
                capd[points] = None
    for item in data["icans_assessments"]:
        for part in ("ice", "capd"):
            record = item["assessment"].get(part)
            if record is not None and all(value is None for value in record.values()):
                item["assessment"][part] = None
    for scale, model in (
        ("crs_assessments", CrsAssessment),
        ("icans_assessments", IcansAssessment),
    ):
        data[scale] = [
            item
            for item in data[scale]
            if model.model_validate(item["assessment"]).model_dump(exclude_defaults=True)
        ]
    return Course.model_validate(data)


@settings(max_examples=100, deadline=None)
@given(courses())
def test_a_generated_bundle_grades_like_the_course(course: Course) -> None:
    course = _projected(course)
    mapping = FhirMapping(time_zone=course.time_zone)
    ((patient, result),) = list(grade_fhir(read_bundle(course_bundle([course]), mapping)))
    assert not patient.problems, patient.problems
    assert result is not None
    assert _comparable(result) == _comparable(grade_course(course))
