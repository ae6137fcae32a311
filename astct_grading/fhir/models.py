"""What the FHIR reader returns: each patient's course, and the resources it could not use.

:class:`FhirRead` holds one :class:`PatientCourse` per patient and the :class:`Problem` entries no
patient could be named for (docs/fhir.md, "What is not used").
"""

from __future__ import annotations

from dataclasses import dataclass

from astct_grading.course.models import Course

__all__ = ["FhirRead", "PatientCourse", "Problem"]


@dataclass(frozen=True, slots=True)
class Problem:
    """A resource (or a line of a file) that could not be used, and why.

    Attributes:
        resource: the resource's reference (``Observation/abc``) or where it was read.
        reason: why it was not used.
    """

    resource: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """The problem as JSON."""
        return {"resource": self.resource, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class PatientCourse:
    """One patient's course as read, with what could not be used.

    Attributes:
        patient_id: the patient's id (``Patient.id``, or the id the resources refer to).
        course: the course, or None when none could be built (no infusion record, an invalid
            course; ``problems`` says why).
        problems: the patient's resources that were not used, with the reasons.
        crs_sources: for each CRS assessment of ``course``, the references of the resources it
            was read from.
        icans_sources: the same for each ICANS assessment.
        other_sources: the references of the other resources used (infusion, treatments,
            vasopressors, patient).
    """

    patient_id: str
    course: Course | None
    problems: tuple[Problem, ...]
    crs_sources: tuple[tuple[str, ...], ...] = ()
    icans_sources: tuple[tuple[str, ...], ...] = ()
    other_sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FhirRead:
    """Everything read: one entry per patient, and the problems no patient could be named for.

    Attributes:
        patients: each patient's course, in order of patient id.
        problems: resources without a patient (and unreadable lines or files).
    """

    patients: tuple[PatientCourse, ...]
    problems: tuple[Problem, ...]

    @property
    def courses(self) -> tuple[Course, ...]:
        """The courses that could be built."""
        return tuple(p.course for p in self.patients if p.course is not None)
