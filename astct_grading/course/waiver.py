"""The post-treatment fever waiver of decisions.md D1, derived over a course's CRS timeline.

ASTCT 2019 requires fever for CRS, except that once CRS has been established by fever and the
patient has since received antipyretic or anti-cytokine therapy, fever is no longer needed for the
rest of that episode. A course never asks for the waiver: it is derived here from the assessments
and the treatments' times, with episodes as in D20. When it cannot be told whether an episode was
established, the waiver is unknown and the grades it touches are ranges (D13).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from astct_grading.core.results import GradeResult
from astct_grading.course.clock import Clock, stamp, utc
from astct_grading.course.models import Course, TimedCrsAssessment, Treatment
from astct_grading.course.options import CourseOptions
from astct_grading.course.results import TimedGrade
from astct_grading.crs.grading import grade_crs

__all__ = ["first_therapy", "grade_crs_timeline"]


@dataclass(frozen=True, slots=True)
class _Step:
    """One assessment as one pass of the waiver derivation saw it."""

    waiver: bool
    onset: datetime | None  # the episode ongoing when the assessment was made (None: none)
    therapy: Treatment | None  # the first waiving therapy in that episode, at or before it


def first_therapy(
    therapies: Sequence[Treatment], start: datetime, end: datetime
) -> Treatment | None:
    """The first of ``therapies`` (sorted by time) given from ``start`` to ``end``, both included.

    Example:
        >>> given = [Treatment(at="2024-03-05T12:00:00Z", therapy="tocilizumab")]
        >>> first_therapy(given, given[0].at, given[0].at).therapy.value
        'tocilizumab'
    """
    # At or after the episode's onset, at or before the assessment (D1): a therapy charted at the
    # same minute as the fever that established the episode treats that episode.
    for therapy in therapies:
        if utc(start) <= utc(therapy.at) <= utc(end):
            return therapy
    return None


def _waiver_pass(
    items: Sequence[TimedCrsAssessment],
    therapies: Sequence[Treatment],
    resolution: timedelta,
    grade_at: Callable[[int, bool | None], GradeResult],
    *,
    upper: bool,
) -> list[_Step]:
    """Derive the D1 waiver at each assessment with every unknown input at one end.

    ``upper=False`` reads every unknown at its least severe end (a fever counts only when it surely
    counts, a finding only when the grade is surely >= 1); ``upper=True`` at its most severe end.
    Episodes follow D20. Grades, episodes and waivers are all non-decreasing in the inputs, so any
    completion of the unknowns gives a waiver between the two passes: where they agree, the waiver
    is determined; where they differ it is unknown (D13).
    """
    steps: list[_Step] = []
    onset: datetime | None = None
    clear_since: datetime | None = None
    for position, item in enumerate(items):
        at = item.at
        if (
            onset is not None
            and clear_since is not None
            and utc(at) - utc(clear_since) >= resolution
        ):
            onset, clear_since = None, None  # resolved (D20)
        therapy = first_therapy(therapies, onset, at) if onset is not None else None
        steps.append(_Step(therapy is not None, onset, therapy))
        result = grade_at(position, therapy is not None)
        fever = result.finding("fever")
        counts = (fever.grade_max if upper else fever.grade_min) >= 1
        finding = (result.grade_max if upper else result.grade_min) >= 1
        if onset is None:
            if counts:  # the first qualifying fever starts the episode (D1, D20)
                onset, clear_since = at, None
        elif finding:
            clear_since = None
        elif clear_since is None:
            clear_since = at
    return steps


def _waiver_detail(
    lower: _Step,
    upper: _Step,
    at: datetime,
    therapies: Sequence[Treatment],
    first_onset: datetime | None,
) -> str:
    if lower.therapy is not None and lower.onset is not None and upper.waiver:
        return (
            f"{lower.therapy.therapy.value} at {stamp(lower.therapy.at)}, after the CRS episode "
            f"began at {stamp(lower.onset)}: fever no longer required (D1)"
        )
    if upper.therapy is not None:
        return (
            "cannot be told (D13): an earlier assessment with unknown inputs leaves open whether "
            f"a CRS episode was ongoing when {upper.therapy.therapy.value} was given at "
            f"{stamp(upper.therapy.at)} (D1)"
        )
    if lower.onset is not None:
        return (
            f"CRS episode ongoing since {stamp(lower.onset)}; no antipyretic or anti-cytokine "
            "therapy since its onset, so fever is still required (D1)"
        )
    earlier = [t for t in therapies if utc(t.at) <= utc(at)]
    if not earlier:
        return "no CRS episode ongoing: fever is required (D1)"
    last = earlier[-1]
    given = f"{last.therapy.value} at {stamp(last.at)}"
    if first_onset is None or utc(last.at) < utc(first_onset):
        return (
            f"no CRS episode ongoing: {given} came before any CRS fever (prophylaxis) and "
            "waives nothing (D1)"
        )
    return (
        f"no CRS episode ongoing: {given} was given before this point in an earlier episode or "
        "between episodes, and the waiver lasts only for the episode it was given in (D1, D20)"
    )


def grade_crs_timeline(
    course: Course, clock: Clock, therapies: Sequence[Treatment], options: CourseOptions
) -> tuple[TimedGrade, ...]:
    """Grade every CRS assessment of ``course`` with the D1 waiver derived from the history.

    The waiver is derived twice (:func:`_waiver_pass`), with every unknown input at its least and
    at its most severe end; where the two agree it is known, elsewhere it is unknown (None) and the
    grade is the range over both (D13).

    Args:
        course: the course.
        clock: its clock (hours and days from the infusion).
        therapies: the waiving therapies given, sorted by time
            (:data:`~astct_grading.course.models.WAIVING_THERAPIES`).
        options: the resolution period (D20) and the CRS grading options.

    Returns:
        One :class:`TimedGrade` per CRS assessment, in input order.

    Example:
        >>> course = Course(
        ...     patient_id="P1", infusion_at="2024-03-04T10:00:00Z",
        ...     crs_assessments=[{"at": "2024-03-05T10:00:00Z",
        ...                       "assessment": {"temperature": {"value": 38.4, "unit": "C"}}}],
        ... )
        >>> clock = Clock.starting(course.infusion_at, course.time_zone)
        >>> [g.waiver for g in grade_crs_timeline(course, clock, (), CourseOptions())]
        [False]
    """
    items = course.crs_assessments
    cache: dict[tuple[int, bool | None], GradeResult] = {}

    def grade_at(position: int, waiver: bool | None) -> GradeResult:
        key = (position, waiver)
        if key not in cache:
            assessment = items[position].assessment.model_copy(update={"fever_waiver": waiver})
            cache[key] = grade_crs(assessment, options=options.crs)
        return cache[key]

    resolution = timedelta(hours=options.resolution_hours)
    lower = _waiver_pass(items, therapies, resolution, grade_at, upper=False)
    upper = _waiver_pass(items, therapies, resolution, grade_at, upper=True)
    graded: list[TimedGrade] = []
    first_onset: datetime | None = None
    for position, item in enumerate(items):
        low, high = lower[position], upper[position]
        if first_onset is None:
            first_onset = low.onset
        waiver = low.waiver if low.waiver == high.waiver else None
        graded.append(
            TimedGrade(
                scale="CRS",
                index=position,
                at=item.at,
                hours=clock.hours(item.at),
                day=clock.day(item.at),
                result=grade_at(position, waiver),
                waiver=waiver,
                waiver_detail=_waiver_detail(low, high, item.at, therapies, first_onset),
            )
        )
    return tuple(graded)
