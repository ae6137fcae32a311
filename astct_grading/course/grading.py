"""One patient's course over time: graded assessments, CRS and ICANS episodes, SLEDAI-2K trajectory.

A :class:`Course` holds what happened to one patient after a CAR-T infusion: timestamped CRS and
ICANS assessments, the treatments given, SLEDAI-2K visits and death. :func:`grade_course` grades
every assessment, deriving the post-treatment fever waiver of decisions.md D1 from the history
(it is never asked of the user), groups the grades into episodes by D20, and summarises the patient.

Conventions (docs/course.md):

* Every timestamp carries a time zone; naive ones are rejected.
* Assessments of one scale are listed in non-decreasing time; an out-of-order list is rejected
  rather than sorted, so each result's ``index`` is the input's position and a mistyped date is
  caught instead of silently moved.
* Days follow one local calendar: the course's IANA ``time_zone`` when it names one (daylight
  saving included), else the infusion's own time zone, which for JSON input is a fixed UTC offset.
  Day 0 is the infusion's date on that calendar; a time is converted to it before its date is
  taken.
* Unknown stays unknown (D13): when it cannot be told whether a CRS episode was established, the
  waiver is unknown and the grades it touches are ranges.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import Enum
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, Field, TypeAdapter, field_validator, model_validator
from pydantic_core import PydanticCustomError

from astct_grading.core.results import GradeResult
from astct_grading.core.validation import Flag, InputModel
from astct_grading.criteria.crs import WAIVER_THERAPIES
from astct_grading.crs.grading import CrsAssessment, CrsOptions, grade_crs
from astct_grading.errors import AstctGradingError
from astct_grading.icans.grading import IcansAssessment, IcansOptions, grade_icans
from astct_grading.sle.response import (
    BilagCount,
    DorisInput,
    LldasInput,
    Pga,
    PrednisoloneMgDay,
    ResponseResult,
    SledaiChangeInput,
    SledaiChangeResult,
    Sri4Input,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
)
from astct_grading.sle.sledai import Sledai2kOptions, Sledai2kResult, SledaiVisit, score_sledai2k

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


# --- Inputs ----------------------------------------------------------------------------------


class Therapy(str, Enum):
    """A treatment for CRS or ICANS, as recorded in a course.

    Every one of these is antipyretic or anti-cytokine therapy in the ASTCT 2019 sense, so each
    waives the fever requirement once a CRS episode is established (D1;
    :data:`~astct_grading.criteria.crs.WAIVER_THERAPIES`).
    """

    TOCILIZUMAB = "tocilizumab"
    CORTICOSTEROID = "corticosteroid"
    ANTIPYRETIC = "antipyretic"
    SILTUXIMAB = "siltuximab"
    ANAKINRA = "anakinra"
    OTHER_ANTICYTOKINE = "other_anticytokine"


#: The therapies that waive the fever requirement inside an established episode (D1). Read from
#: the criteria table, so a change there changes the waiver here.
WAIVING_THERAPIES = frozenset(t for t in Therapy if t.value in WAIVER_THERAPIES)


class Treatment(InputModel):
    """One treatment given, with its time.

    Example:
        >>> Treatment(at="2024-03-05T14:00:00+01:00", therapy="tocilizumab").therapy.value
        'tocilizumab'
    """

    at: AwareDatetime
    """When it was given (time zone required)."""
    therapy: Therapy
    """The kind of therapy."""
    agent: str | None = Field(default=None, min_length=1, max_length=64)
    """The agent, for the record (e.g. ``dexamethasone``, ``paracetamol``)."""
    dose: str | None = Field(default=None, min_length=1, max_length=64)
    """The dose, for the record (e.g. ``8 mg/kg``); it never changes a grade."""


class TimedCrsAssessment(InputModel):
    """A CRS assessment with the time it describes.

    The fever waiver is derived from the course (D1), so ``assessment.fever_waiver`` must not be
    set; death is recorded once for the course (:class:`Death`), so ``death_due_to_crs`` must not
    be set either.

    Example:
        >>> TimedCrsAssessment(
        ...     at="2024-03-05T08:00:00Z", assessment={"temperature": {"value": 38.4, "unit": "C"}}
        ... ).at.isoformat()
        '2024-03-05T08:00:00+00:00'
    """

    at: AwareDatetime
    """When the assessment was made (time zone required)."""
    assessment: CrsAssessment
    """What was observed (its ``fever_waiver`` left unset: the course derives it, D1)."""

    @model_validator(mode="after")
    def _course_derives(self) -> TimedCrsAssessment:
        if self.assessment.fever_waiver is not None:
            raise PydanticCustomError(
                "waiver_derived",
                "fever_waiver is derived from the course history (D1); do not set it in a "
                "course: record the treatments and their times instead",
            )
        if self.assessment.death_due_to_crs is not False:
            raise PydanticCustomError(
                "death_in_course",
                "record death once for the course (death.due_to_crs), not in an assessment",
            )
        return self


class TimedIcansAssessment(InputModel):
    """An ICANS assessment with the time it describes.

    Death is recorded once for the course (:class:`Death`), so ``death_due_to_icans`` must not be
    set in the assessment.

    Example:
        >>> TimedIcansAssessment(
        ...     at="2024-03-09T08:00:00+01:00", assessment={"ice": {"total": 6}}
        ... ).assessment.ice.total
        6
    """

    at: AwareDatetime
    """When the assessment was made (time zone required)."""
    assessment: IcansAssessment
    """What was observed."""

    @model_validator(mode="after")
    def _course_records_death(self) -> TimedIcansAssessment:
        if self.assessment.death_due_to_icans is not False:
            raise PydanticCustomError(
                "death_in_course",
                "record death once for the course (death.due_to_icans), not in an assessment",
            )
        return self


class Death(InputModel):
    """The patient's death, with its time and attribution (D6).

    Example:
        >>> Death(at="2024-03-20T03:00:00+00:00", due_to_crs=True).due_to_icans
        False
    """

    at: AwareDatetime
    """When the patient died (time zone required)."""
    due_to_crs: Flag | None = False
    """CRS was the principal cause (grade 5 CRS, D6). None: not known."""
    due_to_icans: Flag | None = False
    """ICANS was the principal cause (grade 5 ICANS, D6). None: not known."""
    cause: str | None = Field(default=None, min_length=1, max_length=200)
    """The recorded cause, for the record."""


def _utc(at: datetime) -> datetime:
    """The same instant in UTC.

    Python compares and subtracts two datetimes that share one tzinfo object by their wall-clock
    readings, which is wrong across a daylight-saving change; every comparison and difference in
    this module goes through UTC instead.
    """
    return at.astimezone(timezone.utc)


# IANA names are ASCII path segments ("America/New_York", "Etc/GMT+5", "UTC"); checking the shape
# first keeps absolute paths, "..", spaces and other file names away from the zoneinfo loader.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*")
# Files of a tz database that are not IANA zones: "localtime" and "posixrules" are this machine's
# own settings, so a course naming them would grade differently from machine to machine; the
# "posix/" and "right/" trees are compiled variants (the latter counts leap seconds).
_NOT_ZONES = frozenset({"localtime", "posixrules"})
_NOT_ZONE_TREES = ("posix/", "right/")


def _tz_database_found() -> bool:
    try:
        ZoneInfo("UTC")
    except ZoneInfoNotFoundError:
        return False
    return True


def _time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, from the system's tz database or the ``tzdata`` package.

    Raises ``unknown_time_zone`` when ``name`` is not a zone of the database, and
    ``time_zone_database_missing`` when this system has no database at all (zoneinfo then reads
    the ``tzdata`` package, if installed).
    """
    if (
        _ZONE_NAME.fullmatch(name)
        and name not in _NOT_ZONES
        and not name.startswith(_NOT_ZONE_TREES)
    ):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass  # told apart below: an unknown name, or no database to look it up in
    if not _tz_database_found():
        raise PydanticCustomError(
            "time_zone_database_missing",
            "no time-zone database was found on this system, so {shown} cannot be looked up: "
            "install the tzdata package (python3 -m pip install tzdata), which Python's zoneinfo "
            "reads when the system has none",
            {"name": name, "shown": repr(name)},
        )
    raise PydanticCustomError(
        "unknown_time_zone",
        "{shown} is not a known IANA time-zone name: give one such as 'America/New_York' or "
        "'Europe/Berlin' (case matters); a UTC offset such as -05:00 belongs in the timestamps",
        {"name": name, "shown": repr(name)},
    )


class SledaiVisitRecord(InputModel):
    """A SLEDAI-2K visit in a course, with the inputs the response definitions add (D19).

    The first visit of a course is its baseline; SRI-4, DORIS 2021 remission and LLDAS are assessed
    at every later visit (sle_response).

    Example:
        >>> record = SledaiVisitRecord(
        ...     label="month 1", visit={"visit_date": "2024-04-04", "rash": True}, pga=0.4
        ... )
        >>> record.visit.visit_date.isoformat()
        '2024-04-04'
    """

    label: str = Field(min_length=1, max_length=32)
    """The visit's name, e.g. ``baseline``, ``month 1``; visits are compared across patients by
    it."""
    visit: SledaiVisit
    """The SLEDAI-2K descriptors; ``visit_date`` is required in a course."""
    pga: Pga | None = None
    """Physician global assessment, 0-3 (SRI-4, DORIS, LLDAS)."""
    prednisolone_mg_day: PrednisoloneMgDay | None = None
    """Prednisolone or equivalent, mg/day (DORIS, LLDAS)."""
    new_bilag_a: BilagCount | None = None
    """BILAG domains newly scored A since baseline (SRI-4)."""
    new_bilag_b: BilagCount | None = None
    """BILAG domains newly scored B since baseline (SRI-4)."""
    stable_maintenance: Flag | None = None
    """Antimalarials, immunosuppressives and biologics, if any, at stable maintenance doses
    (DORIS)."""
    standard_maintenance: Flag | None = None
    """Standard maintenance doses only, no investigational drug (LLDAS)."""
    haemolytic_anaemia: Flag | None = None
    """Haemolytic anaemia present (LLDAS)."""
    gastrointestinal_activity: Flag | None = None
    """Gastrointestinal lupus activity present (LLDAS)."""
    new_activity: Flag | None = None
    """New lupus activity since the previous assessment (LLDAS)."""

    @model_validator(mode="after")
    def _dated(self) -> SledaiVisitRecord:
        if self.visit.visit_date is None:
            raise PydanticCustomError(
                "visit_date_required",
                "a SLEDAI-2K visit in a course needs its visit_date",
            )
        return self


def _check_order(items: Sequence[Any], key: Callable[[Any], Any], name: str) -> None:
    for position in range(1, len(items)):
        if key(items[position]) < key(items[position - 1]):
            raise PydanticCustomError(
                "out_of_order",
                "{name}[{position}] is earlier than the entry before it; list {name} in "
                "non-decreasing time",
                {"name": name, "position": position},
            )


class Course(InputModel):
    """One patient's course after a CAR-T infusion.

    Example:
        >>> course = Course(
        ...     patient_id="P1",
        ...     infusion_at="2024-03-04T10:00:00+01:00",
        ...     crs_assessments=[
        ...         {"at": "2024-03-05T09:00:00+01:00",
        ...          "assessment": {"temperature": {"value": 38.6, "unit": "C"}}},
        ...     ],
        ... )
        >>> len(course.crs_assessments)
        1
    """

    patient_id: str = Field(min_length=1, max_length=64)
    """The patient's identifier in the study."""
    infusion_at: AwareDatetime
    """When the CAR-T cells were infused (time zone required); its date is day 0."""
    product: str | None = Field(default=None, min_length=1, max_length=64)
    """The product or its target, e.g. ``CD19`` or ``BCMA``."""
    crs_assessments: tuple[TimedCrsAssessment, ...] = ()
    """CRS assessments, in non-decreasing time."""
    icans_assessments: tuple[TimedIcansAssessment, ...] = ()
    """ICANS assessments, in non-decreasing time."""
    treatments: tuple[Treatment, ...] = ()
    """Treatments given (any order)."""
    sledai_visits: tuple[SledaiVisitRecord, ...] = ()
    """SLEDAI-2K visits in date order, each with a distinct label; the first is the baseline."""
    death: Death | None = None
    """The patient's death, if they died."""
    time_zone: str | None = Field(default=None, examples=["America/New_York", "Europe/Berlin"])
    """The site's IANA time-zone name, e.g. ``America/New_York`` (optional). Day numbers (day 0 =
    the infusion's date) and every other date of the course are read on this zone's local
    calendar, daylight-saving changes included. Without it they are read at the infusion's own UTC
    offset, which a daylight-saving change after the infusion does not follow: a time within an
    hour of local midnight can then fall on the neighbouring day (00:30 just after a spring-forward
    change falls on the day before; docs/course.md)."""

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            _time_zone(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Course:
        _check_order(self.crs_assessments, lambda item: _utc(item.at), "crs_assessments")
        _check_order(self.icans_assessments, lambda item: _utc(item.at), "icans_assessments")
        _check_order(self.sledai_visits, lambda item: item.visit.visit_date, "sledai_visits")
        labels = [item.label for item in self.sledai_visits]
        if len(set(labels)) != len(labels):
            raise PydanticCustomError(
                "duplicate_label", "each SLEDAI-2K visit in a course needs its own label"
            )
        if self.death is not None:
            died = _utc(self.death.at)
            for name, times in (
                ("crs_assessments", [item.at for item in self.crs_assessments]),
                ("icans_assessments", [item.at for item in self.icans_assessments]),
                ("treatments", [item.at for item in self.treatments]),
            ):
                for position, at in enumerate(times):
                    if _utc(at) > died:
                        raise PydanticCustomError(
                            "after_death",
                            "{name}[{position}] is dated after the patient's death",
                            {"name": name, "position": position},
                        )
            # The death's date on the course's calendar, like every other date of the course.
            died_on = self.death.at.astimezone(_calendar(self)).date()
            for position, record in enumerate(self.sledai_visits):
                if record.visit.visit_date is not None and record.visit.visit_date > died_on:
                    raise PydanticCustomError(
                        "after_death",
                        "{name}[{position}] is dated after the patient's death",
                        {"name": "sledai_visits", "position": position},
                    )
        return self


_COURSE_ADAPTER: TypeAdapter[Course] = TypeAdapter(Course)


def _calendar(course: Course) -> tzinfo:
    """The zone whose local dates are the course's days: its ``time_zone``, else the infusion's."""
    if course.time_zone is not None:
        return _time_zone(course.time_zone)
    return cast(tzinfo, course.infusion_at.tzinfo)  # an AwareDatetime's is never None


# --- Options ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CourseOptions:
    """Named, documented parameters of course grading (docs/course.md).

    Attributes:
        resolution_hours: an episode resolves once this many hours pass without any grade >= 1
            finding, counted from the first assessment without one (D20; default 24).
        crs: the options for grading each CRS assessment.
        icans: the options for grading each ICANS assessment (D7).
        sledai: the options for scoring SLEDAI-2K (D16).
    """

    resolution_hours: float = 24.0
    crs: CrsOptions = field(default_factory=CrsOptions)
    icans: IcansOptions = field(default_factory=IcansOptions)
    sledai: Sledai2kOptions = field(default_factory=Sledai2kOptions)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.resolution_hours) and self.resolution_hours > 0):
            raise AstctGradingError(
                "invalid_option",
                f"resolution_hours must be a positive number, not {self.resolution_hours!r}",
            )


DEFAULT_OPTIONS = CourseOptions()


# --- Results ---------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class SledaiPoint:
    """One SLEDAI-2K visit of the trajectory, with change and responses from baseline.

    Attributes:
        label: the visit's label (``baseline``, ``month 1``...).
        visit_date: the visit date.
        day: days from the infusion date (day 0 = infusion day).
        score: the SLEDAI-2K result (``.score`` or its range ``.score_min``-``.score_max``).
        change: the change from baseline (None at the baseline visit).
        sri4: SRI-4 at this visit against baseline (None at baseline).
        doris: DORIS 2021 remission at this visit (None at baseline).
        lldas: LLDAS at this visit (None at baseline).
    """

    label: str
    visit_date: date
    day: int
    score: Sledai2kResult
    change: SledaiChangeResult | None
    sri4: ResponseResult | None
    doris: ResponseResult | None
    lldas: ResponseResult | None

    @property
    def responses(self) -> dict[str, ResponseResult]:
        """The response definitions assessed at this visit, by name (empty at baseline)."""
        found = {"SRI-4": self.sri4, "DORIS remission": self.doris, "LLDAS": self.lldas}
        return {name: result for name, result in found.items() if result is not None}


#: The response definitions assessed at each follow-up visit, in report order (D19).
RESPONSE_DEFINITIONS = ("SRI-4", "DORIS remission", "LLDAS")


# --- Time ------------------------------------------------------------------------------------


def _hours(at: datetime, origin: datetime) -> float:
    return (_utc(at) - _utc(origin)).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class _Clock:
    """Hours and days from the infusion, days on the course's local calendar (D20).

    The calendar is the course's IANA ``time_zone`` when given, else the infusion's own tzinfo
    (for JSON input a fixed UTC offset, blind to daylight saving). A time is converted to that
    calendar before its date is taken, so 23:30 local stays on its day whichever zone the
    assessment was written in.
    """

    infusion: datetime
    zone: tzinfo
    day0: date  # the infusion's date on the calendar

    @classmethod
    def of(cls, course: Course) -> _Clock:
        zone = _calendar(course)
        return cls(course.infusion_at, zone, course.infusion_at.astimezone(zone).date())

    def hours(self, at: datetime) -> float:
        return _hours(at, self.infusion)

    def day(self, at: datetime) -> int:
        return self.days_to(at.astimezone(self.zone).date())

    def days_to(self, on: date) -> int:
        return (on - self.day0).days


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="minutes")


# --- The D1 waiver over time -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Step:
    """One assessment as one pass of the waiver derivation saw it."""

    waiver: bool
    onset: datetime | None  # the episode ongoing when the assessment was made (None: none)
    therapy: Treatment | None  # the first waiving therapy in that episode, at or before it


def _first_therapy(
    therapies: Sequence[Treatment], start: datetime, end: datetime
) -> Treatment | None:
    # At or after the episode's onset, at or before the assessment (D1): a therapy charted at the
    # same minute as the fever that established the episode treats that episode.
    for therapy in therapies:
        if _utc(start) <= _utc(therapy.at) <= _utc(end):
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
            and _utc(at) - _utc(clear_since) >= resolution
        ):
            onset, clear_since = None, None  # resolved (D20)
        therapy = _first_therapy(therapies, onset, at) if onset is not None else None
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
            f"{lower.therapy.therapy.value} at {_stamp(lower.therapy.at)}, after the CRS episode "
            f"began at {_stamp(lower.onset)}: fever no longer required (D1)"
        )
    if upper.therapy is not None:
        return (
            "cannot be told (D13): an earlier assessment with unknown inputs leaves open whether "
            f"a CRS episode was ongoing when {upper.therapy.therapy.value} was given at "
            f"{_stamp(upper.therapy.at)} (D1)"
        )
    if lower.onset is not None:
        return (
            f"CRS episode ongoing since {_stamp(lower.onset)}; no antipyretic or anti-cytokine "
            "therapy since its onset, so fever is still required (D1)"
        )
    earlier = [t for t in therapies if _utc(t.at) <= _utc(at)]
    if not earlier:
        return "no CRS episode ongoing: fever is required (D1)"
    last = earlier[-1]
    given = f"{last.therapy.value} at {_stamp(last.at)}"
    if first_onset is None or _utc(last.at) < _utc(first_onset):
        return (
            f"no CRS episode ongoing: {given} came before any CRS fever (prophylaxis) and "
            "waives nothing (D1)"
        )
    return (
        f"no CRS episode ongoing: {given} was given before this point in an earlier episode or "
        "between episodes, and the waiver lasts only for the episode it was given in (D1, D20)"
    )


def _grade_crs_items(
    course: Course, clock: _Clock, therapies: Sequence[Treatment], options: CourseOptions
) -> tuple[TimedGrade, ...]:
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


# --- Episodes (D20) --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Event:
    """A graded moment on one scale: an assessment, or a death (index None)."""

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
    events: list[_Event]
    clear_since: datetime | None = None
    confirmed: bool = False
    death: bool = False


def _windows(
    events: Sequence[_Event], death: _Event | None, resolution: timedelta
) -> list[_Window]:
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
            and _utc(event.at) - _utc(current.clear_since) >= resolution
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
            and _utc(death.at) - _utc(current.clear_since) >= resolution
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


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _episode(
    scale: str,
    number: int,
    window: _Window,
    clock: _Clock,
    therapies: Sequence[Treatment],
) -> Episode:
    last = max(i for i, e in enumerate(window.events) if e.high >= 1)
    events = window.events[: last + 1]  # trailing grade-0 assessments are not inside
    sure = [e for e in events if e.starts_surely]
    established = True if sure else None
    onset = (sure or events)[0]
    earliest = events[0].at if _utc(events[0].at) < _utc(onset.at) else None
    low = max(e.low for e in events)
    high = max(e.high for e in events)
    reached = next((e.at for e in events if e.low == low), None) if low >= 1 else None
    resolved = window.clear_since
    duration = _hours(resolved, onset.at) if resolved is not None else None
    waiver = _first_therapy(therapies, onset.at, events[-1].at) if scale == "CRS" else None
    notes: list[str] = []
    if established is None:
        notes.append(
            f"possible {scale} episode: only inputs that were not assessed could make it (D13)"
        )
    elif onset.index is None:
        notes.append(f"established by a death attributed to {scale}, with no earlier finding (D6)")
    if earliest is not None:
        notes.append(
            f"could have begun as early as {_stamp(earliest)}: an earlier assessment with "
            "unknown inputs may belong to it (D13)"
        )
    if high > low:
        notes.append(f"maximum grade could be as high as {high}: inputs not assessed (D13)")
    if waiver is not None:
        notes.append(
            f"fever not required from {_stamp(waiver.at)} ({waiver.therapy.value}) for the rest "
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
        missing=_unique(m for e in events for m in e.missing if m != "fever_waiver"),
        notes=tuple(notes),
    )


def _episodes(
    scale: str,
    events: Sequence[_Event],
    death: _Event | None,
    clock: _Clock,
    therapies: Sequence[Treatment],
    options: CourseOptions,
) -> tuple[Episode, ...]:
    windows = _windows(events, death, timedelta(hours=options.resolution_hours))
    return tuple(
        _episode(scale, number, window, clock, therapies)
        for number, window in enumerate(windows, start=1)
    )


def _death_event(death: Death | None, attributed: Callable[[Death], bool | None]) -> _Event | None:
    """The death as a finding on one scale: grade 5 when attributed, 0-5 when unknown (D6)."""
    if death is None:
        return None
    due = attributed(death)
    high = 0 if due is False else 5
    low = 5 if due else 0
    return _Event(death.at, None, low, high, low >= 1, high >= 1)


def _crs_events(graded: Sequence[TimedGrade]) -> list[_Event]:
    events: list[_Event] = []
    for item in graded:
        fever = item.result.finding("fever")
        events.append(
            _Event(
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


def _icans_events(graded: Sequence[TimedGrade]) -> list[_Event]:
    # An ICANS episode starts at the first assessment graded >= 1 (D20).
    return [
        _Event(
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


def _summary(
    scale: str,
    assessed: bool,
    events: Sequence[_Event],
    death: _Event | None,
    episodes: Sequence[Episode],
) -> ScaleSummary:
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


# --- SLEDAI-2K trajectory (D19) -------------------------------------------------------------


def _point(
    record: SledaiVisitRecord,
    base: SledaiVisitRecord | None,
    clock: _Clock,
    options: Sledai2kOptions,
) -> SledaiPoint:
    visit_date = record.visit.visit_date
    if visit_date is None:  # pragma: no cover - a course requires it (visit_date_required)
        raise AstctGradingError("input_type", "a SLEDAI-2K visit in a course needs a date")
    score = score_sledai2k(record.visit, options=options)
    day = clock.days_to(visit_date)
    if base is None:
        return SledaiPoint(record.label, visit_date, day, score, None, None, None, None)
    change = change_from_baseline(
        SledaiChangeInput(baseline=base.visit, follow_up=record.visit), options=options
    )
    sri4 = assess_sri4(
        Sri4Input(
            baseline=base.visit,
            follow_up=record.visit,
            new_bilag_a=record.new_bilag_a,
            new_bilag_b=record.new_bilag_b,
            pga_baseline=base.pga,
            pga_follow_up=record.pga,
        ),
        options=options,
    )
    doris = assess_doris_remission(
        DorisInput(
            visit=record.visit,
            pga=record.pga,
            prednisolone_mg_day=record.prednisolone_mg_day,
            stable_maintenance=record.stable_maintenance,
        ),
        options=options,
    )
    lldas = assess_lldas(
        LldasInput(
            visit=record.visit,
            haemolytic_anaemia=record.haemolytic_anaemia,
            gastrointestinal_activity=record.gastrointestinal_activity,
            new_activity=record.new_activity,
            pga=record.pga,
            prednisolone_mg_day=record.prednisolone_mg_day,
            standard_maintenance=record.standard_maintenance,
        ),
        options=options,
    )
    return SledaiPoint(record.label, visit_date, day, score, change, sri4, doris, lldas)


def _trajectory(course: Course, clock: _Clock, options: Sledai2kOptions) -> tuple[SledaiPoint, ...]:
    """Score every visit; change and responses at each follow-up against the first (D19)."""
    visits = course.sledai_visits
    return tuple(
        _point(record, visits[0] if position else None, clock, options)
        for position, record in enumerate(visits)
    )


# --- Grading a course ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Convert results to JSON-compatible data: datetimes as ISO 8601, enums by value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, InputModel):
        return _plain(value.model_dump())
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


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
        data: dict[str, Any] = _plain(self)
        return data

    def to_json(self) -> str:
        """The result as a JSON document (UTF-8 text)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


def _coerce(course: Course | Mapping[str, Any]) -> Course:
    if isinstance(course, Course):
        return course
    if isinstance(course, Mapping):
        return _COURSE_ADAPTER.validate_python(course)
    raise AstctGradingError(
        "input_type", f"grade_course takes a Course or a mapping, not {type(course).__name__}"
    )


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
    course = _coerce(course)
    clock = _Clock.of(course)
    therapies = sorted(
        (t for t in course.treatments if t.therapy in WAIVING_THERAPIES), key=lambda t: _utc(t.at)
    )
    crs = _grade_crs_items(course, clock, therapies, options)
    crs_events = _crs_events(crs)
    crs_death = _death_event(course.death, lambda d: d.due_to_crs)
    crs_episodes = _episodes("CRS", crs_events, crs_death, clock, therapies, options)
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
    icans_events = _icans_events(icans)
    icans_death = _death_event(course.death, lambda d: d.due_to_icans)
    icans_episodes = _episodes("ICANS", icans_events, icans_death, clock, therapies, options)
    given = sorted(course.treatments, key=lambda t: _utc(t.at))
    summary = PatientSummary(
        patient_id=course.patient_id,
        product=course.product,
        crs=_summary("CRS", bool(crs), crs_events, crs_death, crs_episodes),
        icans=_summary("ICANS", bool(icans), icans_events, icans_death, icans_episodes),
        treatments=_unique(t.therapy.value for t in given),
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
        summary=summary,
        sledai=_trajectory(course, clock, options.sledai),
        death=course.death,
    )
