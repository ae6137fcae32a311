"""Assemble a patient's course from the inputs read, and list what could not be used.

Day 0 is the first CAR-T infusion record (a later one is reported). Vasopressors given over a
period count at each CRS assessment the period spans (D3). At each assessment, an input that
two resources disagree on is left unknown and both resources are reported (D13: unknown is never
normal); oxygen flow or FiO2 without a device is unknown (the device decides the grade, D4); the
age is derived from ``Patient.birthDate`` where an assessment needs it and does not give it, and
a systolic pressure without an age is unknown (D5). What remains is validated by the library's
own models (:class:`~astct_grading.course.Course`), so an invalid course is a problem, never a
guess.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from astct_grading.course.clock import utc
from astct_grading.course.models import Course
from astct_grading.crs.grading import CrsAssessment
from astct_grading.fhir.mapping import FhirMapping
from astct_grading.fhir.models import PatientCourse, Problem
from astct_grading.fhir.resources import CONFLICT, Instant, PatientInputs, add
from astct_grading.fhir.values import errors
from astct_grading.icans import IcansAssessment

__all__ = ["assemble"]


def assemble(patient: PatientInputs, mapping: FhirMapping) -> PatientCourse:
    """The patient's course, with the problems of its resources.

    Args:
        patient: what was read for the patient (its ``problems`` grow with what is not used).
        mapping: the choices (the site's time zone, whether the medication record is complete).

    Returns:
        The course (None when none can be built: no infusion record, an invalid course) and the
        problems, with the resources each assessment was read from.
    """
    problems = patient.problems
    if not patient.infusions:
        problems.append(
            Problem(
                f"Patient/{patient.pid}",
                "no CAR-T infusion record (Procedure or MedicationAdministration): day 0 is "
                "unknown, so the course cannot be graded",
            )
        )
        return PatientCourse(patient.pid, None, tuple(problems))
    infusions = sorted(patient.infusions, key=lambda item: utc(item[0]))
    infusion_at, infusion_ref, target = infusions[0]
    for _, ref, _ in infusions[1:]:
        problems.append(Problem(ref, "a later infusion record: day 0 is the first infusion"))
    for start, end, agent, ref in patient.vaso_periods:
        spanned = [
            slot
            for key, slot in patient.crs.items()
            if utc(start) <= key and (end is None or key <= utc(end))
        ]
        if not spanned:
            problems.append(Problem(ref, "no CRS assessment falls within its period"))
        for slot in spanned:
            slot.agents.setdefault(agent, []).append(ref)
            add(slot.refs, ref)
    crs, crs_sources = _assessments(patient, patient.crs, "crs", mapping)
    icans, icans_sources = _assessments(patient, patient.icans, "icans", mapping)
    record: dict[str, Any] = {
        "patient_id": patient.pid,
        "infusion_at": infusion_at,
        "crs_assessments": crs,
        "icans_assessments": icans,
        "treatments": [t for t, _ in patient.treatments],
        "time_zone": mapping.time_zone,
    }
    if target is not None:
        record["product"] = target
    if patient.deceased_at is not None:
        record["death"] = {
            "at": patient.deceased_at,
            "due_to_crs": patient.death.get("due_to_crs"),
            "due_to_icans": patient.death.get("due_to_icans"),
        }
    elif patient.death_refs:
        problems.extend(
            Problem(ref, "a death attribution without a death (Patient.deceasedDateTime)")
            for ref in patient.death_refs
        )
    others = [infusion_ref, *patient.refs, *(r for _, r in patient.treatments)]
    if patient.deceased_at is not None:
        others += patient.death_refs
    try:
        course = Course.model_validate(record)
    except ValidationError as error:
        problems.append(
            Problem(f"Patient/{patient.pid}", f"the course is invalid: {errors(error)}")
        )
        return PatientCourse(patient.pid, None, tuple(problems))
    return PatientCourse(
        patient.pid,
        course,
        tuple(problems),
        tuple(crs_sources),
        tuple(icans_sources),
        tuple(dict.fromkeys(others)),
    )


def _assessments(
    patient: PatientInputs, table: dict[datetime, Instant], scale: str, mapping: FhirMapping
) -> tuple[list[dict[str, Any]], list[tuple[str, ...]]]:
    model = CrsAssessment if scale == "crs" else IcansAssessment
    assessments: list[dict[str, Any]] = []
    sources: list[tuple[str, ...]] = []
    for key in sorted(table):
        slot = table[key]
        fields = _settle(patient, slot, scale, mapping)
        if fields is None:
            continue
        nested: dict[str, Any] = {}
        for path, value in fields.items():
            head, _, tail = path.partition(".")
            if tail:
                nested.setdefault(head, {})[tail] = value
            else:
                nested[head] = value
        try:
            assessment = model.model_validate(nested)
        except ValidationError as error:
            reason = f"the {scale.upper()} assessment at {slot.at.isoformat()} is invalid: "
            patient.problems.extend(Problem(ref, reason + errors(error)) for ref in slot.refs)
            continue
        assessments.append({"at": slot.at, "assessment": assessment})
        sources.append(tuple(slot.refs))
    return assessments, sources


def _settle(
    patient: PatientInputs, slot: Instant, scale: str, mapping: FhirMapping
) -> dict[str, Any] | None:
    fields = dict(slot.fields)
    for path, value in slot.fields.items():
        if value is CONFLICT:
            del fields[path]
            patient.problems.extend(
                Problem(
                    ref,
                    f"{scale}.{path} at {slot.at.isoformat()} disagrees with another "
                    "resource at the same time: neither is used",
                )
                for ref in slot.field_refs[path]
            )
    if scale == "crs":
        if slot.agents:
            if fields.get("vasopressors") == []:
                patient.problems.extend(
                    Problem(ref, "'no vasopressor' is recorded while one is given")
                    for ref in slot.field_refs["vasopressors"]
                )
            fields["vasopressors"] = sorted(slot.agents)
        elif "vasopressors" not in fields and mapping.medication_record_complete:
            fields["vasopressors"] = []
        if ("oxygen.flow_l_min" in fields or "oxygen.fio2" in fields) and (
            "oxygen.device" not in fields
        ):
            for path in ("oxygen.flow_l_min", "oxygen.fio2"):
                if path in fields:
                    del fields[path]
                    patient.problems.extend(
                        Problem(
                            ref,
                            f"{path} at {slot.at.isoformat()} without an oxygen device: the "
                            "device decides the grade (D4), so the oxygen support is unknown",
                        )
                        for ref in slot.field_refs[path]
                    )
        if "systolic_bp_mmhg" in fields and "age_years" not in fields:
            age = _age(patient, slot.at)
            if age is None:
                del fields["systolic_bp_mmhg"]
                patient.problems.extend(
                    Problem(
                        ref,
                        "the systolic pressure needs the patient's age (D5), and there is "
                        "no Patient.birthDate",
                    )
                    for ref in slot.field_refs["systolic_bp_mmhg"]
                )
            else:
                fields["age_years"] = age
    elif "age_years" not in fields:
        age = _age(patient, slot.at)
        if age is not None:
            fields["age_years"] = age
    return fields if fields or slot.agents else None


def _age(patient: PatientInputs, at: datetime) -> float | None:
    if patient.birth is None:
        return None
    days = (at.date() - patient.birth).days
    return round(days / 365.25, 2) if days >= 0 else None
