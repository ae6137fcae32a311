"""The report's figures, built together from courses and their results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from astct_grading.course import grade_course
from astct_grading.course.models import Course
from astct_grading.course.options import DEFAULT_OPTIONS, CourseOptions
from astct_grading.course.results import CourseResult
from astct_grading.plots.sledai import SledaiPlot, sledai_plot
from astct_grading.plots.swimmer import SwimmerPlot, aligned, swimmer_plot
from astct_grading.report.demo import load_demo_cohort

__all__ = ["CohortFigures", "build_figures", "demo_figures"]


@dataclass(frozen=True, slots=True)
class CohortFigures:
    """The data of the report's two figures.

    Attributes:
        swimmer: the swimmer plot of CRS and ICANS episodes.
        sledai: the SLEDAI-2K lines.
        results: the graded courses the figures were built from, in the cohort's order.
    """

    swimmer: SwimmerPlot
    sledai: SledaiPlot
    results: tuple[CourseResult, ...]


def build_figures(
    courses: Sequence[Course],
    results: Sequence[CourseResult] | None = None,
    *,
    options: CourseOptions = DEFAULT_OPTIONS,
) -> CohortFigures:
    """Build the figures' data for a cohort.

    Args:
        courses: the patients' courses.
        results: the courses already graded, in the same order; graded here with ``options``
            when not given.
        options: the grading options, used only when ``results`` is not given.

    Returns:
        The swimmer plot and the SLEDAI-2K lines.

    Raises:
        ValueError: ``results`` does not match ``courses`` one to one.

    Example:
        >>> from astct_grading.report import load_demo_cohort
        >>> figures = build_figures(load_demo_cohort())
        >>> len(figures.swimmer.lanes), figures.swimmer.bar_count, len(figures.sledai.lines)
        (6, 7, 6)
    """
    courses = list(courses)
    if results is None:
        results = [grade_course(course, options=options) for course in courses]
    pairs = aligned(courses, results)
    graded = tuple(result for _, result in pairs)
    return CohortFigures(
        swimmer=swimmer_plot(courses, graded),
        sledai=sledai_plot(graded),
        results=graded,
    )


def demo_figures() -> CohortFigures:
    """The figures of the packaged demo cohort (synthetic, illustrative, not trial data).

    Example:
        >>> [lane.patient_id for lane in demo_figures().swimmer.lanes]
        ['DEMO-04', 'DEMO-02', 'DEMO-06', 'DEMO-01', 'DEMO-05', 'DEMO-03']
    """
    return build_figures(load_demo_cohort())
