"""The reader's and writer's remaining branches, one case each."""

from __future__ import annotations

from astct_grading.course import grade_course
from astct_grading.fhir import Problem, read_resources, result_resources
from astct_grading.fhir.codes import CODE_SYSTEM, LOINC
from astct_grading.fhir.reader import PRODUCT_EXTENSION
from tests.fhir.helpers import INFUSION, PATIENT, SUBJECT, cc, field, med, obs, q, rx, temp
from tests.fhir.test_reader import crs, one, reasons


def test_small_accessors() -> None:
    assert Problem("Observation/x", "why").to_dict() == {
        "resource": "Observation/x",
        "reason": "why",
    }
    read = read_resources([PATIENT, INFUSION, {"resourceType": "Patient", "id": "P2"}])
    assert [c.patient_id for c in read.courses] == ["P1"]


def test_odd_but_readable_shapes() -> None:
    not_a_time = {**temp("t", 38.5, "Cel"), "effectiveDateTime": 5}
    assert (
        "no effectiveDateTime"
        in reasons(one(read_resources([PATIENT, INFUSION, not_a_time])))["Observation/t"]
    )
    motor = field(
        "m",
        "icans.motor",
        valueCodeableConcept={
            "coding": [{"system": "x", "code": "y"}, {"system": CODE_SYSTEM, "code": "none"}]
        },
    )
    via_patient = {**motor, "subject": {"reference": "Group/g1"}, "patient": SUBJECT}
    patient = one(read_resources([PATIENT, INFUSION, via_patient]))
    assert patient.course is not None
    assert patient.course.icans_assessments[0].assessment.motor is not None
    twice = obs(
        "bp",
        cc(LOINC, "85354-9"),
        component=[
            {"code": cc(LOINC, "3151-8"), "valueQuantity": q(2, "L/min")},
            {"code": cc(LOINC, "8480-6"), "valueQuantity": q(85, "mm[Hg]")},
            {"code": cc(LOINC, "8480-6"), "valueQuantity": q(85, "mm[Hg]")},
        ],
    )
    device = field(
        "d",
        "crs.oxygen.device",
        valueCodeableConcept={"coding": [{"system": "x", "code": "y"}], "text": "cpap"},
    )
    assessment = crs([twice, device])
    assert (assessment["systolic_bp_mmhg"], assessment["oxygen"]) == (85, {"device": "cpap"})


def test_unknown_icp_against_a_finding_is_a_conflict() -> None:
    unknown = field("u", "icans.icp", dataAbsentReason={"text": "unknown"})
    finding = field("f", "icans.icp", valueString="papilloedema")
    found = reasons(one(read_resources([PATIENT, INFUSION, unknown, finding])))
    assert "disagrees" in found["Observation/f"]


def test_other_extensions_and_a_vasopressor_in_two_periods() -> None:
    infusion = {
        **INFUSION,
        "extension": [
            {"url": "http://other.example", "valueString": "x"},
            {"url": PRODUCT_EXTENSION, "valueString": "CD19"},
        ],
    }
    period = {"start": "2024-03-05T07:00:00+01:00", "end": "2024-03-05T09:00:00+01:00"}
    norepi = med("ne", rx("7512"), at=None, effectivePeriod=period)
    norepi_again = med("ne", rx("7512"), at=None, effectivePeriod=period)
    patient = one(read_resources([PATIENT, infusion, temp("t", 38.5, "Cel"), norepi, norepi_again]))
    assert patient.course is not None
    assert patient.course.product == "CD19"
    assert patient.crs_sources == (("Observation/t", "MedicationAdministration/ne"),)


def test_written_without_derived_from_or_evidence() -> None:
    (patient,) = read_resources([PATIENT, INFUSION, med("ne", rx("7512"))]).patients
    assert patient.course is not None
    observation = result_resources(patient, grade_course(patient.course))[0]
    assert "derivedFrom" not in observation
    dead = {**PATIENT, "deceasedDateTime": "2024-03-06T08:00:00+01:00"}
    resources = [
        dead,
        INFUSION,
        field("c", "death.due_to_crs", valueBoolean=True),
        field("i", "death.due_to_icans", valueBoolean=False),
    ]
    (patient,) = read_resources(resources).patients
    assert patient.course is not None
    written = result_resources(patient, grade_course(patient.course))
    (condition,) = [r for r in written if r["resourceType"] == "Condition"]
    assert "evidence" not in condition
    assert condition["code"]["coding"][0]["code"] == "D89.835"
