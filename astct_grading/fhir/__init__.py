"""FHIR R4: read a patient's course from EHR resources, write the grades back (docs/fhir.md).

Reading and writing use plain JSON dicts (no FHIR library is needed); the tests validate the
output with the R4B models of ``fhir.resources`` (the ``fhir`` extra).

Example:
    >>> from astct_grading.fhir import demo_bundle, grade_fhir, read_bundle
    >>> read = read_bundle(demo_bundle())
    >>> [(p.patient_id, r.summary.crs.max_grade) for p, r in grade_fhir(read)][:3]
    [('DEMO-01', 2), ('DEMO-02', 1), ('DEMO-03', 0)]
"""

from __future__ import annotations

from collections.abc import Iterator

from astct_grading.course import CourseOptions, CourseResult, grade_course
from astct_grading.fhir.demo import load_demo_bundle
from astct_grading.fhir.encode import course_bundle, course_resources, demo_bundle, fhir_id
from astct_grading.fhir.mapping import DEFAULT_MAPPING, FIELDS, Concept, FhirMapping, Medication
from astct_grading.fhir.reader import (
    FhirRead,
    PatientCourse,
    Problem,
    read_bundle,
    read_path,
    read_resources,
)
from astct_grading.fhir.writer import code_system, result_resources, results_bundle

__all__ = [
    "DEFAULT_MAPPING",
    "FIELDS",
    "Concept",
    "FhirMapping",
    "FhirRead",
    "Medication",
    "PatientCourse",
    "Problem",
    "code_system",
    "course_bundle",
    "course_resources",
    "demo_bundle",
    "fhir_id",
    "grade_fhir",
    "load_demo_bundle",
    "read_bundle",
    "read_path",
    "read_resources",
    "result_resources",
    "results_bundle",
]


def grade_fhir(
    read: FhirRead, options: CourseOptions | None = None
) -> Iterator[tuple[PatientCourse, CourseResult | None]]:
    """Grade each patient's course as read; None for a patient without a course.

    Args:
        read: what :func:`read_bundle` (or :func:`read_path`) read.
        options: the course options (default: the library's).

    Yields:
        Each patient as read, with the grading of its course (None when it has none).
    """
    for patient in read.patients:
        if patient.course is None:
            yield patient, None
        else:
            yield patient, grade_course(patient.course, options=options or CourseOptions())
