"""CRS and ICANS episodes over a course (decisions.md D20), and each scale's summary.

A CRS episode starts at the first qualifying fever (>= 38.0 °C, not attributed to another cause);
an ICANS episode at the first assessment graded >= 1. It lasts while findings of grade >= 1
continue and resolves at the first assessment without one, once no such finding follows within the
resolution period. A death attributed to the scale is a grade 5 finding (D6). Unknown inputs are
read at their most severe end, so an episode is never closed, nor a possible one missed, on a
guess (D13).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from astct_grading.course.clock import Clock, hours_between, stamp, utc
from astct_grading.course.models import Death, Treatment
from astct_grading.course.options import CourseOptions
from astct_grading.course.results import Episode, ScaleSummary, TimedGrade
from astct_grading.course.waiver import first_therapy

__all__ = [
    "crs_events_from",
    "death_event",
    "group_episodes",
    "icans_events_from",
    "scale_summary",
    "unique",
]


@dataclass(frozen=True, slots=True)
class Event:
    """A graded moment on one scale: an assessment, or a death (index None).

    Attributes:
        at: when it happened.
        index: the assessment's position in the course's list; None for a death.
        low: the lowest grade it can have (D13).
        high: the highest grade it can have.
        starts_surely: it surely starts an episode (a qualifying fever for CRS, grade >= 1 for
            ICANS; D20).
        starts_possibly: it could start one, given the unknown inputs.
        missing: the input fields whose absence leaves its grade open.
        waiver_unknown: CRS: the D1 waiver could not be told at this assessment.
    """

    at: datetime
    index: int | None
    low: int
    high: int
    starts_surely: bool
    starts_possibly: bool
    missing: tuple[str, ...] = ()
    waiver_unknown: bool = False


@dataclass(slots=True)
class _Window:
    events: list[Event]
    clear_since: datetime | None = None
    confirmed: bool = False
    death: bool = False


def _windows(events: Sequence[Event], death: Event | None, resolution: timedelta) -> list[_Window]:
    """Group events into episodes (D20), reading every unknown input at its most severe end.

    An episode starts at an event that can start one (a qualifying fever for CRS, a grade >= 1 for
    ICANS); every event that can be grade >= 1 keeps it going; the first event that is surely
    grade 0 after the last such finding starts the resolution clock, and the episode has resolved
    once ``resolution`` passes from there without a finding. Reading unknowns at the severe end
    means an episode is never closed, nor a possible one missed, on a guess (D13).
    """
    done: list[_Window] = []
    current: _Window | None = None
    for event in events:
        if (
            current is not None
            and current.clear_since is not None
            and utc(event.at) - utc(current.clear_since) >= resolution
        ):
            current.confirmed = True
            done.append(current)
            current = None
        if current is None:
            if event.starts_possibly:
                current = _Window([event])
            continue
        current.events.append(event)
        if event.high >= 1:
            current.clear_since = None
        elif current.clear_since is None:
            current.clear_since = event.at
    if death is not None:
        if (
            current is not None
            and current.clear_since is not None
            and utc(death.at) - utc(current.clear_since) >= resolution
        ):
            current.confirmed = True
            done.append(current)
            current = None
        if current is not None:
            current.death = True
            if death.high >= 1:
                current.events.append(death)
                current.clear_since = None
        elif death.starts_possibly:
            current = _Window([death], death=True)
    if current is not None:
        done.append(current)
    return done


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """``values`` without repeats, each at its first place.

    Example:
        >>> unique(["antipyretic", "tocilizumab", "antipyretic"])
        ('antipyretic', 'tocilizumab')
    """
    return tuple(dict.fromkeys(values))


def _episode(
    scale: str,
    number: int,
    window: _Window,
    clock: Clock,
    therapies: Sequence[Treatment],
) -> Episode:
    last = max(i for i, e in enumerate(window.events) if e.high >= 1)
    events = window.events[: last + 1]  # trailing grade-0 assessments are not inside
    sure = [e for e in events if e.starts_surely]
    established = True if sure else None
    onset = (sure or events)[0]
    earliest = events[0].at if utc(events[0].at) < utc(onset.at) else None
    low = max(e.low for e in events)
    high = max(e.high for e in events)
    reached = next((e.at for e in events if e.low == low), None) if low >= 1 else None
    resolved = window.clear_since
    duration = hours_between(resolved, onset.at) if resolved is not None else None
    waiver = first_therapy(therapies, onset.at, events[-1].at) if scale == "CRS" else None
    notes: list[str] = []
    if established is None:
        notes.append(
            f"possible {scale} episode: only inputs that were not assessed could make it (D13)"
        )
    elif onset.index is None:
        notes.append(f"established by a death attributed to {scale}, with no earlier finding (D6)")
    if earliest is not None:
        notes.append(
            f"could have begun as early as {stamp(earliest)}: an earlier assessment with "
            "unknown inputs may belong to it (D13)"
        )
    if high > low:
        notes.append(f"maximum grade could be as high as {high}: inputs not assessed (D13)")
    if waiver is not None:
        notes.append(
            f"fever not required from {stamp(waiver.at)} ({waiver.therapy.value}) for the rest "
            "of the episode (D1)"
        )
    unknown_waivers = sum(e.waiver_unknown for e in events)
    if unknown_waivers:
        notes.append(
            f"the fever waiver cannot be told at {unknown_waivers} assessment(s): whether CRS "
            "was ongoing when treatment was given depends on inputs not assessed (D1, D13)"
        )
    if window.death:
        notes.append("the patient died before the episode was seen to resolve")
    elif resolved is not None and not window.confirmed:
        notes.append(
            "resolution not confirmed: observation ends before the resolution period had passed"
        )
    elif resolved is None:
        notes.append("not resolved by the last assessment")
    return Episode(
        scale=scale,
        number=number,
        established=established,
        onset_at=onset.at,
        onset_hours=clock.hours(onset.at),
        onset_day=clock.day(onset.at),
        earliest_possible_onset_at=earliest,
        max_grade=low if low == high else None,
        max_grade_min=low,
        max_grade_max=high,
        max_grade_at=reached,
        max_grade_day=clock.day(reached) if reached is not None else None,
        could_be_higher=high > low,
        resolved_at=resolved,
        resolution_confirmed=window.confirmed,
        resolution_day=clock.day(resolved) if resolved is not None else None,
        duration_hours=duration,
        duration_days=duration / 24 if duration is not None else None,
        ended_by_death=window.death,
        waiver_from=waiver.at if waiver is not None else None,
        assessments=tuple(e.index for e in events if e.index is not None),
        missing=unique(m for e in events for m in e.missing if m != "fever_waiver"),
        notes=tuple(notes),
    )


def group_episodes(
    scale: str,
    events: Sequence[Event],
    death: Event | None,
    clock: Clock,
    therapies: Sequence[Treatment],
    options: CourseOptions,
) -> tuple[Episode, ...]:
    """The episodes of one scale (D20), numbered from 1 in time order.

    Args:
        scale: ``CRS`` or ``ICANS``.
        events: the scale's assessments as events, in time order.
        death: the death as an event on this scale (:func:`death_event`), if any.
        clock: the course's clock.
        therapies: the waiving therapies given, sorted by time (D1, for the CRS notes).
        options: the resolution period (D20).

    Returns:
        The established and possible episodes.

    Example:
        >>> from datetime import datetime, timezone
        >>> infusion = datetime(2024, 3, 4, 10, tzinfo=timezone.utc)
        >>> events = [Event(infusion.replace(day=5), 0, 2, 2, True, True)]
        >>> [(e.number, e.onset_day, e.max_grade) for e in group_episodes(
        ...     "ICANS", events, None, Clock.starting(infusion, None), (), CourseOptions())]
        [(1, 1, 2)]
    """
    windows = _windows(events, death, timedelta(hours=options.resolution_hours))
    return tuple(
        _episode(scale, number, window, clock, therapies)
        for number, window in enumerate(windows, start=1)
    )


def death_event(death: Death | None, attributed: Callable[[Death], bool | None]) -> Event | None:
    """The death as a finding on one scale: grade 5 when attributed, 0-5 when unknown (D6).

    Example:
        >>> death = Death(at="2024-03-20T03:00:00Z", due_to_crs=None)
        >>> event = death_event(death, lambda d: d.due_to_crs)
        >>> event.low, event.high, event.starts_surely, event.starts_possibly
        (0, 5, False, True)
    """
    if death is None:
        return None
    due = attributed(death)
    high = 0 if due is False else 5
    low = 5 if due else 0
    return Event(death.at, None, low, high, low >= 1, high >= 1)


def crs_events_from(graded: Sequence[TimedGrade]) -> list[Event]:
    """The graded CRS assessments as events: a qualifying fever starts an episode (D1, D20).

    Example:
        >>> from astct_grading.course import grade_course
        >>> graded = grade_course({
        ...     "patient_id": "P1", "infusion_at": "2024-03-04T10:00:00Z",
        ...     "crs_assessments": [{"at": "2024-03-05T10:00:00Z",
        ...                          "assessment": {"temperature": {"value": 38.4, "unit": "C"}}}],
        ... }).crs
        >>> [(e.starts_surely, e.low, e.high) for e in crs_events_from(graded)]
        [(True, 1, 4)]
    """
    events: list[Event] = []
    for item in graded:
        fever = item.result.finding("fever")
        events.append(
            Event(
                at=item.at,
                index=item.index,
                low=item.result.grade_min,
                high=item.result.grade_max,
                # A CRS episode starts at a qualifying fever (D1, D20).
                starts_surely=fever.grade_min >= 1,
                starts_possibly=fever.grade_max >= 1,
                missing=item.result.missing,
                waiver_unknown=item.waiver is None,
            )
        )
    return events


def icans_events_from(graded: Sequence[TimedGrade]) -> list[Event]:
    """The graded ICANS assessments as events: a grade >= 1 starts an episode (D20).

    Example:
        >>> from astct_grading.course import grade_course
        >>> graded = grade_course({
        ...     "patient_id": "P1", "infusion_at": "2024-03-04T10:00:00Z",
        ...     "icans_assessments": [{"at": "2024-03-05T10:00:00Z",
        ...                            "assessment": {"ice": {"total": 10}}}],
        ... }).icans
        >>> [(e.starts_surely, e.starts_possibly) for e in icans_events_from(graded)]
        [(False, True)]
    """
    return [
        Event(
            at=item.at,
            index=item.index,
            low=item.result.grade_min,
            high=item.result.grade_max,
            starts_surely=item.result.grade_min >= 1,
            starts_possibly=item.result.grade_max >= 1,
            missing=item.result.missing,
        )
        for item in graded
    ]


def scale_summary(
    scale: str,
    assessed: bool,
    events: Sequence[Event],
    death: Event | None,
    episodes: Sequence[Episode],
) -> ScaleSummary:
    """One scale over the whole course: the maximum grade and the first established episode.

    Args:
        scale: ``CRS`` or ``ICANS``.
        assessed: the course has at least one assessment on this scale.
        events: the scale's assessments as events.
        death: the death as an event on this scale, if any.
        episodes: the scale's episodes (:func:`group_episodes`).

    Returns:
        The summary; with no assessment at all the maximum is unknown, 0-4 (D13).

    Example:
        >>> summary = scale_summary("ICANS", False, [], None, [])
        >>> summary.max_grade, summary.max_grade_min, summary.max_grade_max
        (None, 0, 4)
    """
    everything = [*events, *([death] if death is not None else [])]
    # With no assessment at all the maximum is unknown, never 0 (D13): any of 0-4.
    low = max((e.low for e in everything), default=0)
    high = max([e.high for e in everything] + ([] if assessed else [4]))
    first = next((e for e in episodes if e.established), None)
    return ScaleSummary(
        scale=scale,
        assessed=assessed,
        max_grade=low if low == high else None,
        max_grade_min=low,
        max_grade_max=high,
        episodes=sum(1 for e in episodes if e.established),
        possible_episodes=sum(1 for e in episodes if not e.established),
        onset_at=first.onset_at if first else None,
        onset_hours=first.onset_hours if first else None,
        onset_day=first.onset_day if first else None,
        duration_hours=first.duration_hours if first else None,
        duration_days=first.duration_days if first else None,
    )
