"""Courses: timelines of assessments after an infusion, graded into episodes and trajectories."""

from __future__ import annotations

from astct_grading.course.grading import (
    Course,
    CourseOptions,
    CourseResult,
    Death,
    Episode,
    PatientSummary,
    ScaleSummary,
    SledaiPoint,
    SledaiVisitRecord,
    Therapy,
    TimedCrsAssessment,
    TimedGrade,
    TimedIcansAssessment,
    Treatment,
    grade_course,
)

__all__ = [
    "Course",
    "CourseOptions",
    "CourseResult",
    "Death",
    "Episode",
    "PatientSummary",
    "ScaleSummary",
    "SledaiPoint",
    "SledaiVisitRecord",
    "Therapy",
    "TimedCrsAssessment",
    "TimedGrade",
    "TimedIcansAssessment",
    "Treatment",
    "grade_course",
]
