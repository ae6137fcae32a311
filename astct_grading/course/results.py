"""The results of a graded course: graded assessments, episodes, summaries, the whole course.

Every result is a frozen dataclass; :class:`CourseResult` is serialised by one path,
:func:`fields_of` (``to_dict``) and ``json.dumps`` of it (``to_json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from astct_grading.core.results import GradeResult
from astct_grading.core.validation import InputModel
from astct_grading.course.models import Death
from astct_grading.course.trajectory import SledaiPoint

__all__ = [
    "CourseResult",
    "Episode",
    "PatientSummary",
    "ScaleSummary",
    "TimedGrade",
    "fields_of",
    "jsonable",
]


@dataclass(frozen=True, slots=True)
class TimedGrade:
    """One assessment of a course, graded.

    Attributes:
        scale: ``CRS`` or ``ICANS``.
        index: the assessment's position in the course's list for that scale.
        at: when it was made.
        hours: hours from infusion (negative before it).
        day: the day from infusion (day 0 = the infusion's date on the course's calendar).
        result: the grade (or range) of this assessment.
        waiver: CRS only: the post-treatment fever waiver derived from the history (D1); None
            when it cannot be told. Always None for ICANS, where it does not apply.
        waiver_detail: why the waiver does or does not apply (empty for ICANS).
    """

    scale: str
    index: int
    at: datetime
    hours: float
    day: int
    result: GradeResult
    waiver: bool | None = None
    waiver_detail: str = ""


@dataclass(frozen=True, slots=True)
class Episode:
    """One CRS or ICANS episode (D20).

    A CRS episode starts at the first qualifying fever (>= 38.0 °C, not attributed to another
    cause); an ICANS episode at the first assessment graded >= 1. It lasts while findings of grade
    >= 1 continue and resolves at the first assessment without one, once no such finding follows
    within the resolution period.

    Attributes:
        scale: ``CRS`` or ``ICANS``.
        number: 1, 2, ... in time order within the scale.
        established: True when the episode surely happened; None for a *possible* episode, one
            that only unknown inputs could make (e.g. a fever that was not measured; D13).
        onset_at: the first qualifying finding (for a possible episode, the first possible one).
        onset_hours: hours from infusion to onset.
        onset_day: the day of onset (day 0 = infusion day).
        earliest_possible_onset_at: an earlier time the episode could have started, when an
            earlier assessment with unknown inputs could belong to it; otherwise None.
        max_grade: the episode's maximum grade, or None when unknown inputs leave it open.
        max_grade_min: the lowest the maximum can be (the maximum of the assessments' minimums).
        max_grade_max: the highest the maximum can be (the maximum of their maximums).
        max_grade_at: when the episode first surely reached ``max_grade_min`` (None if that is 0).
        max_grade_day: the day of ``max_grade_at``.
        could_be_higher: True when unknown inputs could make the maximum higher than
            ``max_grade_min``.
        resolved_at: the first assessment with no grade >= 1 finding after the last one, when no
            such finding follows within the resolution period; None when it did not resolve.
        resolution_confirmed: True when a later assessment shows the resolution period passed
            without a finding; False when observation ends (or the patient died) sooner.
        resolution_day: the day of ``resolved_at``.
        duration_hours: ``resolved_at`` minus ``onset_at``, in hours (None when not resolved).
        duration_days: ``duration_hours`` / 24.
        ended_by_death: the patient died while the episode was ongoing.
        waiver_from: CRS: the first antipyretic or anti-cytokine therapy given in the episode,
            from which fever is no longer required (D1); None when none was given.
        assessments: the positions (in the course's list) of the assessments inside the episode,
            from its first to its last possible finding.
        missing: the input fields whose absence leaves a grade inside the episode open.
        notes: plain sentences on anything uncertain or notable.
    """

    scale: str
    number: int
    established: bool | None
    onset_at: datetime
    onset_hours: float
    onset_day: int
    earliest_possible_onset_at: datetime | None
    max_grade: int | None
    max_grade_min: int
    max_grade_max: int
    max_grade_at: datetime | None
    max_grade_day: int | None
    could_be_higher: bool
    resolved_at: datetime | None
    resolution_confirmed: bool
    resolution_day: int | None
    duration_hours: float | None
    duration_days: float | None
    ended_by_death: bool
    waiver_from: datetime | None
    assessments: tuple[int, ...]
    missing: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScaleSummary:
    """A patient's CRS or ICANS over the whole course.

    Attributes:
        scale: ``CRS`` or ``ICANS``.
        assessed: True when the course has at least one assessment on this scale.
        max_grade: the maximum grade over the course, or None when unknown inputs leave it open
            (then ``max_grade_min``-``max_grade_max`` is the range; D13). With no assessment at
            all the maximum is unknown: 0-4 (0-5 when the cause of a death is unknown).
        max_grade_min: the lowest the maximum can be.
        max_grade_max: the highest the maximum can be.
        episodes: the number of established episodes.
        possible_episodes: the number of possible episodes (only unknown inputs could make them).
        onset_at: onset of the first established episode (None when there is none).
        onset_hours: its onset in hours from infusion.
        onset_day: its onset day (day 0 = infusion day).
        duration_hours: the first established episode's duration (None when it did not resolve).
        duration_days: the same in days (hours / 24).
    """

    scale: str
    assessed: bool
    max_grade: int | None
    max_grade_min: int
    max_grade_max: int
    episodes: int
    possible_episodes: int
    onset_at: datetime | None
    onset_hours: float | None
    onset_day: int | None
    duration_hours: float | None
    duration_days: float | None


@dataclass(frozen=True, slots=True)
class PatientSummary:
    """One line per patient: maximum grades, onset, duration, treatments.

    Attributes:
        patient_id: the patient's identifier.
        product: the product or target label, if given.
        crs: the CRS summary.
        icans: the ICANS summary.
        treatments: the therapies given, each once, in the order first given.
        died: True when a death is recorded.
        death_day: the day of death from infusion, if the patient died.
    """

    patient_id: str
    product: str | None
    crs: ScaleSummary
    icans: ScaleSummary
    treatments: tuple[str, ...]
    died: bool
    death_day: int | None


def jsonable(value: Any) -> Any:
    """``value`` as JSON-compatible data: datetimes and dates as ISO 8601, enums by value.

    Dataclasses become objects field by field (:func:`fields_of`), input models their
    ``model_dump()``, tuples lists. A grade, score or response inside a course is walked field by
    field too rather than through its own ``asdict``-based ``to_dict``, which would copy it first
    and double the cost; the two give the same JSON, which
    ``tests/equivalence/test_course_json.py`` checks for every kind of result a course holds.

    Example:
        >>> from datetime import date
        >>> jsonable({"day": date(2024, 3, 4), "grades": (1, 2)})
        {'day': '2024-03-04', 'grades': [1, 2]}
    """
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, InputModel):
        return jsonable(value.model_dump())
    if is_dataclass(value) and not isinstance(value, type):
        return fields_of(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def fields_of(result: Any) -> dict[str, Any]:
    """A dataclass ``result`` as a JSON-compatible object, field by field in declaration order.

    The ``to_dict`` of :class:`CourseResult` and of :class:`~astct_grading.report.CohortReport`:
    the one serialisation of the course and report results (``to_json`` dumps it).

    Example:
        >>> summary = ScaleSummary("ICANS", False, None, 0, 4, 0, 0, None, None, None, None, None)
        >>> fields_of(summary)["max_grade_max"]
        4
    """
    return {f.name: jsonable(getattr(result, f.name)) for f in fields(result)}


@dataclass(frozen=True, slots=True)
class CourseResult:
    """A graded course: every assessment, the episodes, the summary and the SLEDAI-2K trajectory.

    Attributes:
        patient_id: the patient's identifier.
        product: the product or target label, if given.
        infusion_at: the infusion time (day 0 is its date on the course's local calendar).
        time_zone: the course's IANA time zone whose calendar gave the days, or None when the
            days were read at the infusion's own UTC offset.
        resolution_hours: the resolution period the episodes were built with (D20).
        crs: each CRS assessment graded, in input order, with the derived waiver (D1).
        crs_episodes: the CRS episodes (D20), established and possible.
        icans: each ICANS assessment graded, in input order.
        icans_episodes: the ICANS episodes (D20), established and possible.
        summary: the per-patient summary.
        sledai: the SLEDAI-2K trajectory, one point per visit, baseline first.
        death: the recorded death, if any.
    """

    patient_id: str
    product: str | None
    infusion_at: datetime
    time_zone: str | None
    resolution_hours: float
    crs: tuple[TimedGrade, ...]
    crs_episodes: tuple[Episode, ...]
    icans: tuple[TimedGrade, ...]
    icans_episodes: tuple[Episode, ...]
    summary: PatientSummary
    sledai: tuple[SledaiPoint, ...]
    death: Death | None

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-compatible data (times as ISO 8601 strings)."""
        return fields_of(self)

    def to_json(self) -> str:
        """The result as a JSON document (UTF-8 text)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
