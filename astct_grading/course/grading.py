"""Grading one patient's course: every assessment, the episodes, the summary, the trajectory.

:func:`grade_course` grades every assessment of a :class:`~astct_grading.course.models.Course`,
deriving the post-treatment fever waiver of decisions.md D1 from the history (it is never asked of
the user; :mod:`~astct_grading.course.waiver`), groups the grades into episodes by D20
(:mod:`~astct_grading.course.episodes`), summarises the patient and scores the SLEDAI-2K
trajectory (:mod:`~astct_grading.course.trajectory`). Days and hours follow
:mod:`~astct_grading.course.clock`. Unknown stays unknown (D13): when it cannot be told whether a
CRS episode was established, the waiver is unknown and the grades it touches are ranges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from astct_grading.core.validation import coerce
from astct_grading.course.clock import Clock, utc
from astct_grading.course.episodes import (
    crs_events_from,
    death_event,
    group_episodes,
    icans_events_from,
    scale_summary,
    unique,
)
from astct_grading.course.models import WAIVING_THERAPIES, Course
from astct_grading.course.options import DEFAULT_OPTIONS, CourseOptions
from astct_grading.course.results import CourseResult, PatientSummary, TimedGrade
from astct_grading.course.trajectory import trajectory
from astct_grading.course.waiver import grade_crs_timeline
from astct_grading.icans import grade_icans

__all__ = ["grade_course"]


def grade_course(
    course: Course | Mapping[str, Any], *, options: CourseOptions = DEFAULT_OPTIONS
) -> CourseResult:
    """Grade one patient's course.

    Every CRS assessment is graded with the post-treatment fever waiver derived from the history
    (D1): it applies once a CRS episode has been established by a qualifying fever and an
    antipyretic or anti-cytokine therapy has been given since the episode's onset, at or before
    the assessment, and it lasts for that episode only. Therapy before any CRS fever waives
    nothing. When it cannot be told whether an episode was established, the waiver is unknown and
    the grade a range (D13). Episodes follow D20; a death attributed to CRS or ICANS makes the
    episode it ends grade 5 (D6).

    Args:
        course: a :class:`Course`, or a mapping validated into one.
        options: the resolution period and the per-assessment grading options.

    Returns:
        A frozen :class:`CourseResult`.

    Raises:
        pydantic.ValidationError: the mapping is not a valid course.
        AstctGradingError: ``course`` is neither a model nor a mapping.

    Example:
        >>> fever = {"temperature": {"value": 38.6, "unit": "C"}, "hypotension": False,
        ...          "oxygen": {"device": "room_air"}}
        >>> afebrile_hypoxic = {"temperature": {"value": 37.2, "unit": "C"},
        ...     "hypotension": False, "oxygen": {"device": "nasal_cannula", "flow_l_min": 3}}
        >>> result = grade_course({
        ...     "patient_id": "P1",
        ...     "infusion_at": "2024-03-04T10:00:00+01:00",
        ...     "crs_assessments": [
        ...         {"at": "2024-03-05T08:00:00+01:00", "assessment": fever},
        ...         {"at": "2024-03-05T20:00:00+01:00", "assessment": afebrile_hypoxic},
        ...     ],
        ...     "treatments": [{"at": "2024-03-05T12:00:00+01:00", "therapy": "tocilizumab"}],
        ... })
        >>> [(g.result.grade, g.waiver) for g in result.crs]
        [(1, False), (2, True)]
        >>> episode = result.crs_episodes[0]
        >>> episode.onset_day, episode.max_grade, episode.resolved_at is None
        (1, 2, True)
    """
    course = coerce(course, Course, "grade_course")
    clock = Clock.starting(course.infusion_at, course.time_zone)
    therapies = sorted(
        (t for t in course.treatments if t.therapy in WAIVING_THERAPIES), key=lambda t: utc(t.at)
    )
    crs = grade_crs_timeline(course, clock, therapies, options)
    crs_events = crs_events_from(crs)
    crs_death = death_event(course.death, lambda d: d.due_to_crs)
    crs_episodes = group_episodes("CRS", crs_events, crs_death, clock, therapies, options)
    icans = tuple(
        TimedGrade(
            scale="ICANS",
            index=position,
            at=item.at,
            hours=clock.hours(item.at),
            day=clock.day(item.at),
            result=grade_icans(item.assessment, options=options.icans),
        )
        for position, item in enumerate(course.icans_assessments)
    )
    icans_events = icans_events_from(icans)
    icans_death = death_event(course.death, lambda d: d.due_to_icans)
    icans_episodes = group_episodes("ICANS", icans_events, icans_death, clock, therapies, options)
    given = sorted(course.treatments, key=lambda t: utc(t.at))
    patient = PatientSummary(
        patient_id=course.patient_id,
        product=course.product,
        crs=scale_summary("CRS", bool(crs), crs_events, crs_death, crs_episodes),
        icans=scale_summary("ICANS", bool(icans), icans_events, icans_death, icans_episodes),
        treatments=unique(t.therapy.value for t in given),
        died=course.death is not None,
        death_day=clock.day(course.death.at) if course.death is not None else None,
    )
    return CourseResult(
        patient_id=course.patient_id,
        product=course.product,
        infusion_at=course.infusion_at,
        time_zone=course.time_zone,
        resolution_hours=options.resolution_hours,
        crs=crs,
        crs_episodes=crs_episodes,
        icans=icans,
        icans_episodes=icans_episodes,
        summary=patient,
        sledai=trajectory(course, clock, options.sledai),
        death=course.death,
    )
