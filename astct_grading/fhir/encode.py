"""Write a :class:`~astct_grading.course.Course` as FHIR R4 resources, the form the reader reads.

For the demo Bundle (shipped as a file: :mod:`astct_grading.fhir.demo`), the tests (read ->
grade equals grading the course) and integrators who want an example of every encoding the
reader accepts. Each input goes where docs/fhir.md says the reader looks for it; a field left at
its default is not written. SLEDAI-2K visits are not part of the FHIR mapping and are not written.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

from astct_grading.course.models import Course, Treatment
from astct_grading.crs.grading import CrsAssessment
from astct_grading.fhir.codes import (
    CODE_SYSTEM,
    LOINC,
    PRODUCT_EXTENSION,
    RXNORM,
    RXNORM_VASOPRESSORS,
    UCUM,
)
from astct_grading.fhir.mapping import FIELDS
from astct_grading.icans import IcansAssessment
from astct_grading.report.demo import load_demo_cohort

__all__ = ["course_bundle", "course_resources", "demo_bundle", "fhir_id"]

_ID = re.compile(r"[A-Za-z0-9\-.]{1,40}")
_UNKNOWN = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "unknown",
        }
    ]
}
_RXCUI = {agent.value: rxcui for rxcui, agent in RXNORM_VASOPRESSORS.items()}
_VITAL_SIGNS = [
    {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "vital-signs",
            }
        ]
    }
]


def fhir_id(patient_id: str) -> str:
    """The FHIR id the patient is written with: the patient id when it is a valid FHIR id.

    Example:
        >>> fhir_id("DEMO-01"), fhir_id("Ünïcode id")
        ('DEMO-01', 'p-060a45cb8c63c7c9')
    """
    if _ID.fullmatch(patient_id):
        return patient_id
    return "p-" + hashlib.sha256(patient_id.encode("utf-8")).hexdigest()[:16]


def _full_url(reference: str) -> str:
    """A Bundle entry's absolute fullUrl, a name-based UUID of the resource's reference."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, reference)}"


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding], **({"text": display} if display else {})}


def _quantity(value: float, code: str) -> dict[str, Any]:
    return {"value": value, "unit": code, "system": UCUM, "code": code}


class _Writer:
    def __init__(self, course: Course) -> None:
        self.course = course
        self.pid = fhir_id(course.patient_id)
        self.subject = {"reference": f"Patient/{self.pid}"}
        self.resources: list[dict[str, Any]] = []

    def add(self, resource: dict[str, Any]) -> None:
        resource["id"] = f"{self.pid}-{len(self.resources)}"
        self.resources.append(resource)

    def observation(self, code: dict[str, Any], at: datetime, **value: Any) -> None:
        self.add(
            {
                "resourceType": "Observation",
                "status": "final",
                "code": code,
                "subject": self.subject,
                "effectiveDateTime": at.isoformat(),
                **value,
            }
        )

    def field(self, path: str, value: Any, at: datetime) -> None:
        kind = FIELDS[path]
        code = _coding(CODE_SYSTEM, path)
        if value is None:
            self.observation(code, at, dataAbsentReason=_UNKNOWN)
        elif kind in {"flag", "integer"}:
            self.observation(
                code, at, **{"valueBoolean" if kind == "flag" else "valueInteger": value}
            )
        elif kind == "years":
            self.observation(code, at, valueQuantity=_quantity(value, "a"))
        elif kind == "minutes":
            self.observation(code, at, valueQuantity=_quantity(value, "min"))
        else:
            text = value.value if isinstance(value, Enum) else str(value)
            self.observation(code, at, valueCodeableConcept=_coding(CODE_SYSTEM, text))

    def fields(self, scale: str, model: Any, at: datetime, skip: set[str]) -> None:
        for name, info in type(model).model_fields.items():
            path = f"{scale}.{name}"
            value = getattr(model, name)
            if name in skip or path not in FIELDS or value == info.default:
                continue
            if FIELDS[path] == "codes":
                for finding in value or ["none"]:
                    self.field(path, finding, at)
            else:
                self.field(path, value, at)

    def crs(self, at: datetime, a: CrsAssessment) -> None:
        if a.temperature is not None:
            code = "Cel" if a.temperature.unit.value == "C" else "[degF]"
            self.observation(
                _coding(LOINC, "8310-5", "Body temperature"),
                at,
                category=_VITAL_SIGNS,
                valueQuantity=_quantity(a.temperature.value, code),
            )
        if a.systolic_bp_mmhg is not None:
            self.observation(
                _coding(LOINC, "85354-9", "Blood pressure panel with all children optional"),
                at,
                category=_VITAL_SIGNS,
                component=[
                    {
                        "code": _coding(LOINC, "8480-6", "Systolic blood pressure"),
                        "valueQuantity": _quantity(a.systolic_bp_mmhg, "mm[Hg]"),
                    }
                ],
            )
        if a.oxygen is not None:
            self.observation(
                _coding(CODE_SYSTEM, "crs.oxygen.device"),
                at,
                valueCodeableConcept=_coding(CODE_SYSTEM, a.oxygen.device.value),
            )
            if a.oxygen.flow_l_min is not None:
                self.observation(
                    _coding(
                        LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"
                    ),
                    at,
                    category=_VITAL_SIGNS,
                    component=[
                        {
                            "code": _coding(LOINC, "3151-8", "Inhaled oxygen flow rate"),
                            "valueQuantity": _quantity(a.oxygen.flow_l_min, "L/min"),
                        }
                    ],
                )
            if a.oxygen.fio2 is not None:
                self.observation(
                    _coding(LOINC, "3150-0", "Inhaled oxygen concentration"),
                    at,
                    valueQuantity=_quantity(round(a.oxygen.fio2 * 100, 4), "%"),
                )
        if a.vasopressors is not None and not a.vasopressors:
            self.field("crs.vasopressors", False, at)
        for agent in sorted({v.agent.value for v in a.vasopressors or ()}):
            rxcui = _RXCUI.get(agent)
            drug = (
                _coding(RXNORM, rxcui, agent)
                if rxcui
                else _coding(CODE_SYSTEM, f"vasopressor.{agent}", agent)
            )
            self.medication(drug, at)
        self.fields("crs", a, at, {"vasopressors"})

    def icans(self, at: datetime, a: IcansAssessment) -> None:
        items: list[dict[str, Any]] = []
        for name, part in (("ice", a.ice), ("capd", a.capd)):
            if part is None:
                continue
            for item, value in part.model_dump(exclude_none=True).items():
                answer = (
                    {"valueInteger": value}
                    if isinstance(value, int)
                    else {"valueCoding": {"system": CODE_SYSTEM, "code": value}}
                )
                items.append({"linkId": f"icans.{name}.{item}", "answer": [answer]})
        if items:
            self.add(
                {
                    "resourceType": "QuestionnaireResponse",
                    "status": "completed",
                    "subject": self.subject,
                    "authored": at.isoformat(),
                    "item": items,
                }
            )
        self.fields("icans", a, at, {"ice", "capd"})

    def medication(self, code: dict[str, Any], at: datetime, dose: str | None = None) -> None:
        resource: dict[str, Any] = {
            "resourceType": "MedicationAdministration",
            "status": "completed",
            "medicationCodeableConcept": code,
            "subject": self.subject,
            "effectiveDateTime": at.isoformat(),
        }
        if dose:
            resource["dosage"] = {"text": dose}
        self.add(resource)

    def treatment(self, t: Treatment) -> None:
        code = _coding(CODE_SYSTEM, f"therapy.{t.therapy.value}", t.agent or t.therapy.value)
        self.medication(code, t.at, t.dose)

    def write(self) -> list[dict[str, Any]]:
        course = self.course
        patient: dict[str, Any] = {"resourceType": "Patient", "id": self.pid}
        if course.death is not None:
            patient["deceasedDateTime"] = course.death.at.isoformat()
        self.resources.append(patient)
        infusion: dict[str, Any] = {
            "resourceType": "Procedure",
            "status": "completed",
            "code": _coding(CODE_SYSTEM, "car-t-infusion", "CAR-T cell infusion"),
            "subject": self.subject,
            "performedDateTime": course.infusion_at.isoformat(),
        }
        if course.product is not None:
            infusion["extension"] = [{"url": PRODUCT_EXTENSION, "valueString": course.product}]
        self.add(infusion)
        for timed in course.crs_assessments:
            self.crs(timed.at, timed.assessment)
        for timed_icans in course.icans_assessments:
            self.icans(timed_icans.at, timed_icans.assessment)
        for treatment in course.treatments:
            self.treatment(treatment)
        if course.death is not None:
            self.field("death.due_to_crs", course.death.due_to_crs, course.death.at)
            self.field("death.due_to_icans", course.death.due_to_icans, course.death.at)
        return self.resources


def course_resources(course: Course) -> list[dict[str, Any]]:
    """The course as FHIR R4 resources (plain dicts), the Patient first.

    Args:
        course: the course.

    Returns:
        The resources.

    Example:
        >>> from astct_grading.course import Course
        >>> course = Course(patient_id="P1", infusion_at="2024-03-04T10:00:00+01:00")
        >>> [r["resourceType"] for r in course_resources(course)]
        ['Patient', 'Procedure']
    """
    return _Writer(course).write()


def course_bundle(courses: Iterable[Course]) -> dict[str, Any]:
    """The courses as one FHIR R4 Bundle of type ``collection``.

    Args:
        courses: the courses.

    Returns:
        The Bundle.
    """
    entries = [
        {"fullUrl": _full_url(f"{r['resourceType']}/{r['id']}"), "resource": r}
        for course in courses
        for r in course_resources(course)
    ]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def demo_bundle() -> dict[str, Any]:
    """The packaged demo cohort (illustrative synthetic data) as a FHIR R4 Bundle, generated now.

    The same Bundle is shipped as a file (:func:`~astct_grading.fhir.demo.load_demo_bundle`).

    Example:
        >>> bundle = demo_bundle()
        >>> sum(e["resource"]["resourceType"] == "Patient" for e in bundle["entry"])
        6
    """
    return course_bundle(load_demo_cohort())
