"""Courses: timelines of assessments after an infusion, graded into episodes and trajectories.

The modules, one concept each (docs/course.md):

* :mod:`~astct_grading.course.models`: the inputs (:class:`Course`, its timed records,
  :class:`Treatment`, :class:`Therapy`, :class:`Death`, :class:`SledaiVisitRecord`).
* :mod:`~astct_grading.course.options`: :class:`CourseOptions`.
* :mod:`~astct_grading.course.clock`: time zones, UTC, day numbers.
* :mod:`~astct_grading.course.waiver`: the D1 fever waiver over the CRS timeline.
* :mod:`~astct_grading.course.episodes`: D20 episodes and each scale's summary.
* :mod:`~astct_grading.course.trajectory`: SLEDAI-2K points and the response definitions (D19).
* :mod:`~astct_grading.course.results`: the result types and their one serialisation.
* :mod:`~astct_grading.course.grading`: :func:`grade_course`.
"""

from __future__ import annotations

from astct_grading.course.grading import grade_course
from astct_grading.course.models import (
    Course,
    Death,
    SledaiVisitRecord,
    Therapy,
    TimedCrsAssessment,
    TimedIcansAssessment,
    Treatment,
)
from astct_grading.course.options import CourseOptions
from astct_grading.course.results import (
    CourseResult,
    Episode,
    PatientSummary,
    ScaleSummary,
    TimedGrade,
)
from astct_grading.course.trajectory import SledaiPoint

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
