"""Small builders of FHIR resources for the FHIR adapter's tests."""

from __future__ import annotations

from typing import Any

from astct_grading.fhir.codes import CODE_SYSTEM, LOINC, RXNORM, UCUM

SUBJECT = {"reference": "Patient/P1"}
INFUSION_AT = "2024-03-04T10:00:00+01:00"
AT = "2024-03-05T08:00:00+01:00"


def cc(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def q(value: float, code: str) -> dict[str, Any]:
    return {"value": value, "unit": code, "system": UCUM, "code": code}


def obs(rid: str, code: dict[str, Any], at: str | None = AT, **value: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": code,
        "subject": SUBJECT,
        **value,
    }
    if at is not None:
        resource["effectiveDateTime"] = at
    return resource


def temp(rid: str, value: float, unit: str, at: str = AT) -> dict[str, Any]:
    return obs(rid, cc(LOINC, "8310-5"), at, valueQuantity=q(value, unit))


def field(rid: str, path: str, at: str = AT, **value: Any) -> dict[str, Any]:
    return obs(rid, cc(CODE_SYSTEM, path), at, **value)


def med(rid: str, concept: dict[str, Any], at: str | None = AT, **more: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": rid,
        "status": "completed",
        "medicationCodeableConcept": concept,
        "subject": SUBJECT,
        **more,
    }
    if at is not None:
        resource["effectiveDateTime"] = at
    return resource


def rx(code: str) -> dict[str, Any]:
    return cc(RXNORM, code)


PATIENT: dict[str, Any] = {"resourceType": "Patient", "id": "P1", "birthDate": "1970-01-01"}
INFUSION: dict[str, Any] = {
    "resourceType": "Procedure",
    "id": "inf",
    "status": "completed",
    "code": cc(CODE_SYSTEM, "car-t-infusion"),
    "subject": SUBJECT,
    "performedDateTime": INFUSION_AT,
}


def with_patient(*resources: dict[str, Any]) -> list[dict[str, Any]]:
    return [PATIENT, INFUSION, *resources]
