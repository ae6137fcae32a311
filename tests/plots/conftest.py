"""Shared builders for the figure tests."""

from __future__ import annotations

from typing import Any

import pytest

from astct_grading.course import Course, CourseResult, grade_course
from astct_grading.report import load_demo_cohort
from tests.cli.harness import run  # noqa: F401 - the CLI runner fixture, for test_cli_html.py

INFUSION = "2024-03-04T10:00:00Z"
FEVER = {
    "temperature": {"value": 38.5, "unit": "C"},
    "hypotension": False,
    "oxygen": {"device": "room_air"},
}
AFEBRILE = {
    "temperature": {"value": 36.8, "unit": "C"},
    "hypotension": False,
    "oxygen": {"device": "room_air"},
}


def ice(total: int) -> dict[str, Any]:
    """An adult ICANS assessment with every domain given: ICE ``total``, alert, nothing else."""
    return {
        "age_years": 50,
        "ice": {"total": total},
        "consciousness": "alert",
        "seizure": False,
        "motor": "none",
        "icp": [],
    }


def at(hours: float) -> str:
    """The time ``hours`` after the infusion (2024-03-04 10:00 UTC)."""
    from datetime import datetime, timedelta

    return (datetime.fromisoformat(INFUSION) + timedelta(hours=hours)).isoformat()


def course(patient_id: str = "P1", **fields: Any) -> Course:
    return Course.model_validate({"patient_id": patient_id, "infusion_at": INFUSION, **fields})


def graded(*courses: Course) -> tuple[list[Course], list[CourseResult]]:
    return list(courses), [grade_course(c) for c in courses]


@pytest.fixture(scope="session")
def demo() -> tuple[list[Course], list[CourseResult]]:
    return graded(*load_demo_cohort())
