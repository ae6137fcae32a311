"""The swimmer plot's data: one lane per patient, a bar per CRS or ICANS episode, marks.

Plain data, built without any plotting library, so it is tested on its own
(tests/plots/test_swimmer.py) and drawn by :mod:`~astct_grading.plots.render`.

* **Lanes.** One per patient, ordered from the top by the highest maximum grade the patient
  surely reached on either scale (the lower end of a range, D13), then by the higher end of the
  range, then by the earliest episode onset, then by patient id.
* **Bars.** One per episode the course layer reports (D20), established or possible: from the
  onset to the resolution, or, for an episode that did not resolve, to its last assessment (or to
  the death that ended it). CRS bars sit in the upper half of the lane, ICANS bars in the lower.
  A bar whose maximum grade is determined and whose episode is established is filled with the
  grade's colour (:mod:`~astct_grading.plots.palette`); a bar whose grade is a range, or whose
  episode is only possible, has no fill colour: it is hatched and outlined (D13). Every bar has a
  text label with its scale and grade.
* **Marks.** Each treatment given (its therapy's marker) and the death, at their times.

Time is hours from the infusion divided by 24 (so day 1.5 is 36 hours after the infusion); the
tables' day numbers are calendar days (day 0 = the infusion's date), and may differ by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from astct_grading.course.clock import Clock
from astct_grading.course.models import Course, Death
from astct_grading.course.results import CourseResult, Episode, TimedGrade
from astct_grading.plots.palette import grade_colour

__all__ = [
    "DeathMark",
    "SwimmerBar",
    "SwimmerLane",
    "SwimmerPlot",
    "TreatmentMark",
    "swimmer_plot",
]

#: The swimmer plot's default time span: the 28 days after infusion over which ASTCT 2019 grading
#: of CRS and ICANS is usually reported (the demo cohort's window; docs/report.md).
DEFAULT_DAYS = 28.0


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


@dataclass(frozen=True, slots=True)
class SwimmerBar:
    """One CRS or ICANS episode drawn as a bar.

    Attributes:
        scale: ``CRS`` or ``ICANS``.
        number: the episode's number within the patient and scale.
        start_day: onset, in days from the infusion (hours / 24).
        end_day: resolution, or the episode's last assessment (or death) when it did not resolve.
        resolved: whether the episode resolved (an open end is drawn with an arrow).
        established: True for an established episode, None for a possible one (D13).
        grade: the maximum grade when determined, else None.
        grade_min: the lowest the maximum can be.
        grade_max: the highest the maximum can be.
        fill: the grade's colour for a definite bar; None for a range or a possible episode,
            which is hatched and outlined instead, never filled with a grade's colour.
        label: the text drawn beside the bar, e.g. ``CRS 2`` or ``CRS 1-4``.
    """

    scale: str
    number: int
    start_day: float
    end_day: float
    resolved: bool
    established: bool | None
    grade: int | None
    grade_min: int
    grade_max: int
    fill: str | None
    label: str

    @property
    def hatched(self) -> bool:
        """True when the bar is drawn as uncertain: a range, or a possible episode."""
        return self.fill is None

    @property
    def description(self) -> str:
        """The bar in words (the figure's text alternative and the SVG element's title)."""
        kind = "" if self.established else " (possible)"
        grade = "grade " + _span(self.grade_min, self.grade_max)
        if self.grade is None:
            grade += " (undetermined: a range)"
        end = (
            f"to day {self.end_day:.1f}" if self.resolved else f"not resolved at {self.end_day:.1f}"
        )
        return f"{self.scale} episode {self.number}{kind}: {grade}, day {self.start_day:.1f} {end}"


@dataclass(frozen=True, slots=True)
class TreatmentMark:
    """One treatment given, marked on the lane.

    Attributes:
        therapy: the therapy (a :class:`~astct_grading.course.models.Therapy` value).
        day: when it was given, in days from the infusion (negative before it).
        agent: the agent, if recorded.
        dose: the dose, if recorded.
    """

    therapy: str
    day: float
    agent: str | None
    dose: str | None

    @property
    def description(self) -> str:
        """The mark in words, e.g. ``tocilizumab 8 mg/kg, day 1.7``."""
        what = self.therapy.replace("_", " ")
        if self.agent and self.agent != self.therapy:
            what += f" ({self.agent})"
        if self.dose:
            what += f" {self.dose}"
        return f"{what}, day {self.day:.1f}"


@dataclass(frozen=True, slots=True)
class DeathMark:
    """The patient's death, marked on the lane.

    Attributes:
        day: when, in days from the infusion.
        cause: the attribution: ``CRS``, ``ICANS``, ``unknown`` (a cause not known: D6, D13) or
            ``other``.
    """

    day: float
    cause: str

    @property
    def description(self) -> str:
        """The mark in words."""
        return f"died day {self.day:.1f} (cause: {self.cause})"


@dataclass(frozen=True, slots=True)
class SwimmerLane:
    """One patient's lane.

    Attributes:
        patient_id: the patient's identifier.
        product: the product or target label, if given.
        position: 0 for the top lane.
        max_grade: the highest maximum grade over CRS and ICANS, as text (``3``, ``1-4``).
        follow_up_day: the end of observation: the last CRS or ICANS assessment, treatment or the
            death, in days (0 when there is none).
        bars: the episodes, CRS first, each scale in episode order.
        treatments: the treatments, in time order.
        death: the death, if recorded.
    """

    patient_id: str
    product: str | None
    position: int
    max_grade: str
    follow_up_day: float
    bars: tuple[SwimmerBar, ...]
    treatments: tuple[TreatmentMark, ...]
    death: DeathMark | None


@dataclass(frozen=True, slots=True)
class SwimmerPlot:
    """The swimmer plot: lanes from the top, and the time span to draw.

    Attributes:
        lanes: one per patient, top lane first.
        start_day: the left end of the time axis (before the infusion when a treatment was).
        end_day: the right end: at least :data:`DEFAULT_DAYS`, further when observation is.
    """

    lanes: tuple[SwimmerLane, ...]
    start_day: float
    end_day: float

    @property
    def bar_count(self) -> int:
        """The number of bars over all lanes."""
        return sum(len(lane.bars) for lane in self.lanes)


def _bar(episode: Episode, graded: Sequence[TimedGrade], death_hours: float | None) -> SwimmerBar:
    if episode.duration_hours is not None:
        end_hours = episode.onset_hours + episode.duration_hours
    else:  # not resolved: up to its last assessment, or to the death that ended it
        ends = [episode.onset_hours, *(graded[index].hours for index in episode.assessments)]
        if episode.ended_by_death and death_hours is not None:
            ends.append(death_hours)
        end_hours = max(ends)
    fill = None
    if episode.established is True and episode.max_grade is not None:
        fill = grade_colour(episode.max_grade)
    label = f"{episode.scale} {_span(episode.max_grade_min, episode.max_grade_max)}"
    if episode.established is not True:
        label += " possible"
    return SwimmerBar(
        scale=episode.scale,
        number=episode.number,
        start_day=episode.onset_hours / 24,
        end_day=end_hours / 24,
        resolved=episode.resolved_at is not None,
        established=episode.established,
        grade=episode.max_grade,
        grade_min=episode.max_grade_min,
        grade_max=episode.max_grade_max,
        fill=fill,
        label=label,
    )


def _cause(death: Death) -> str:
    # D6: grade 5 only for a death principally due to the toxicity; an unknown attribution stays
    # unknown (D13).
    if death.due_to_crs:
        return "CRS"
    if death.due_to_icans:
        return "ICANS"
    if death.due_to_crs is None or death.due_to_icans is None:
        return "unknown"
    return "other"


def _lane_key(result: CourseResult) -> tuple[int, int, float, str]:
    s = result.summary
    sure = max(s.crs.max_grade_min, s.icans.max_grade_min)
    possible = max(s.crs.max_grade_max, s.icans.max_grade_max)
    onsets = [e.onset_hours for e in (*result.crs_episodes, *result.icans_episodes)]
    return (-sure, -possible, min(onsets, default=float("inf")), s.patient_id)


def _lane(course: Course, result: CourseResult, position: int) -> SwimmerLane:
    clock = Clock.starting(result.infusion_at, result.time_zone)
    death = None
    death_hours = None
    if course.death is not None:
        death_hours = clock.hours(course.death.at)
        death = DeathMark(death_hours / 24, _cause(course.death))
    bars = tuple(
        [_bar(e, result.crs, death_hours) for e in result.crs_episodes]
        + [_bar(e, result.icans, death_hours) for e in result.icans_episodes]
    )
    treatments = tuple(
        sorted(
            (
                TreatmentMark(t.therapy.value, clock.hours(t.at) / 24, t.agent, t.dose)
                for t in course.treatments
            ),
            key=lambda mark: mark.day,
        )
    )
    times = [g.hours / 24 for g in (*result.crs, *result.icans)]
    times += [mark.day for mark in treatments]
    if death is not None:
        times.append(death.day)
    s = result.summary
    return SwimmerLane(
        patient_id=result.patient_id,
        product=result.product,
        position=position,
        max_grade=_span(
            max(s.crs.max_grade_min, s.icans.max_grade_min),
            max(s.crs.max_grade_max, s.icans.max_grade_max),
        ),
        follow_up_day=max(times, default=0.0),
        bars=bars,
        treatments=treatments,
        death=death,
    )


def swimmer_plot(courses: Sequence[Course], results: Sequence[CourseResult]) -> SwimmerPlot:
    """The swimmer plot of graded courses.

    Args:
        courses: the courses (their treatments and death give the marks).
        results: each course graded (:func:`~astct_grading.course.grade_course`), in the same
            order.

    Returns:
        The lanes, ordered by maximum grade then onset, and the time span.

    Raises:
        ValueError: the two sequences differ in length, or a result's patient is not its course's.

    Example:
        >>> from astct_grading.course import grade_course
        >>> fever = {"temperature": {"value": 38.5, "unit": "C"}, "hypotension": False,
        ...          "oxygen": {"device": "room_air"}}
        >>> course = Course.model_validate({
        ...     "patient_id": "P1", "infusion_at": "2024-03-04T10:00:00Z",
        ...     "crs_assessments": [{"at": "2024-03-05T10:00:00Z", "assessment": fever}],
        ...     "treatments": [{"at": "2024-03-05T12:00:00Z", "therapy": "tocilizumab"}],
        ... })
        >>> plot = swimmer_plot([course], [grade_course(course)])
        >>> bar = plot.lanes[0].bars[0]
        >>> bar.label, bar.fill, bar.start_day, plot.lanes[0].treatments[0].therapy
        ('CRS 1', '#fde725', 1.0, 'tocilizumab')
    """
    pairs = aligned(courses, results)
    order = sorted(pairs, key=lambda pair: _lane_key(pair[1]))
    lanes = tuple(
        _lane(course, result, position) for position, (course, result) in enumerate(order)
    )
    starts = [mark.day for lane in lanes for mark in lane.treatments]
    starts += [bar.start_day for lane in lanes for bar in lane.bars]
    ends = [lane.follow_up_day for lane in lanes]
    ends += [bar.end_day for lane in lanes for bar in lane.bars]
    return SwimmerPlot(
        lanes=lanes,
        start_day=min([0.0, *starts]),
        end_day=max([DEFAULT_DAYS, *ends]),
    )


def aligned(
    courses: Sequence[Course], results: Sequence[CourseResult]
) -> list[tuple[Course, CourseResult]]:
    """Pair each course with its result, checking that they belong together.

    Raises:
        ValueError: the lengths differ, or a pair's patient ids differ.

    Example:
        >>> aligned([], [])
        []
    """
    if len(courses) != len(results):
        raise ValueError(
            f"courses and results differ in length ({len(courses)} and {len(results)}): give "
            "one result per course, in the same order"
        )
    for position, (course, result) in enumerate(zip(courses, results, strict=True)):
        if course.patient_id != result.patient_id:
            raise ValueError(
                f"results[{position}].patient_id is {result.patient_id!r}, but "
                f"courses[{position}].patient_id is {course.patient_id!r}: give the results in "
                "the courses' order"
            )
    return list(zip(courses, results, strict=True))
