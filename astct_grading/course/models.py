"""The inputs of a course: one patient's timed assessments, treatments, visits and death.

A :class:`Course` holds what happened to one patient after a CAR-T infusion: timestamped CRS and
ICANS assessments, the treatments given, SLEDAI-2K visits and death (docs/course.md).

* Every timestamp carries a time zone; naive ones are rejected.
* Assessments of one scale are listed in non-decreasing time; an out-of-order list is rejected
  rather than sorted, so each result's ``index`` is the input's position and a mistyped date is
  caught instead of silently moved.
* The fever waiver is derived from the history (D1) and death is recorded once for the course
  (D6), so neither may be set inside an assessment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from pydantic import AwareDatetime, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from astct_grading.core.validation import Flag, InputModel
from astct_grading.course.clock import calendar, iana_zone, utc
from astct_grading.criteria.crs import WAIVER_THERAPIES
from astct_grading.crs.grading import CrsAssessment
from astct_grading.icans import IcansAssessment
from astct_grading.sle.response import BilagCount, Pga, PrednisoloneMgDay
from astct_grading.sle.sledai import SledaiVisit

__all__ = [
    "WAIVING_THERAPIES",
    "Course",
    "Death",
    "SledaiVisitRecord",
    "Therapy",
    "TimedCrsAssessment",
    "TimedIcansAssessment",
    "Treatment",
]


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
            iana_zone(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Course:
        _check_order(self.crs_assessments, lambda item: utc(item.at), "crs_assessments")
        _check_order(self.icans_assessments, lambda item: utc(item.at), "icans_assessments")
        _check_order(self.sledai_visits, lambda item: item.visit.visit_date, "sledai_visits")
        labels = [item.label for item in self.sledai_visits]
        if len(set(labels)) != len(labels):
            raise PydanticCustomError(
                "duplicate_label", "each SLEDAI-2K visit in a course needs its own label"
            )
        if self.death is not None:
            died = utc(self.death.at)
            for name, times in (
                ("crs_assessments", [item.at for item in self.crs_assessments]),
                ("icans_assessments", [item.at for item in self.icans_assessments]),
                ("treatments", [item.at for item in self.treatments]),
            ):
                for position, at in enumerate(times):
                    if utc(at) > died:
                        raise PydanticCustomError(
                            "after_death",
                            "{name}[{position}] is dated after the patient's death",
                            {"name": name, "position": position},
                        )
            # The death's date on the course's calendar, like every other date of the course.
            died_on = self.death.at.astimezone(calendar(self.time_zone, self.infusion_at)).date()
            for position, record in enumerate(self.sledai_visits):
                if record.visit.visit_date is not None and record.visit.visit_date > died_on:
                    raise PydanticCustomError(
                        "after_death",
                        "{name}[{position}] is dated after the patient's death",
                        {"name": "sledai_visits", "position": position},
                    )
        return self
