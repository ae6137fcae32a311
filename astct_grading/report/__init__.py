"""The cohort report: tables over graded courses, as data and as text."""

from __future__ import annotations

from astct_grading.report.cohort import (
    CohortReport,
    CountRow,
    Distribution,
    EpisodeLine,
    GradeTable,
    PatientLine,
    ResponseRow,
    SledaiRow,
    build_report,
    demo_report,
    load_demo_cohort,
    render_text,
)

__all__ = [
    "CohortReport",
    "CountRow",
    "Distribution",
    "EpisodeLine",
    "GradeTable",
    "PatientLine",
    "ResponseRow",
    "SledaiRow",
    "build_report",
    "demo_report",
    "load_demo_cohort",
    "render_text",
]
