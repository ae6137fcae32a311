"""What is written validates against the R4B models of fhir.resources; codes are the table's."""

from __future__ import annotations

from typing import Any

import pytest

from astct_grading.course import grade_course
from astct_grading.fhir import (
    code_system,
    demo_bundle,
    grade_fhir,
    read_bundle,
    read_resources,
    result_resources,
    results_bundle,
)
from astct_grading.fhir.codes import AE_GRADE_EXTENSION, CRS_ICD10CM, ICANS_ICD10CM
from astct_grading.fhir.reader import PatientCourse
from tests.fhir.helpers import field, med, rx, temp, with_patient

fhir_resources = pytest.importorskip("fhir.resources.R4B")


def validate(resource: dict[str, Any]) -> None:
    model = fhir_resources.get_fhir_model_class(resource["resourceType"])
    model.model_validate(resource)


def test_demo_results_validate_resource_by_resource() -> None:
    read = read_bundle(demo_bundle())
    bundle = results_bundle(grade_fhir(read), read)
    validate(bundle)
    for entry in bundle["entry"]:
        validate(entry["resource"])
    validate(demo_bundle())
    validate(code_system())


def test_demo_bundle_resources_validate() -> None:
    for entry in demo_bundle()["entry"]:
        validate(entry["resource"])


def test_the_code_tables() -> None:
    assert [CRS_ICD10CM[g][0] for g in (1, 2, 3, 4, 5, None)] == [
        "D89.831",
        "D89.832",
        "D89.833",
        "D89.834",
        "D89.835",
        "D89.839",
    ]
    assert [ICANS_ICD10CM[g][0] for g in (1, 2, 3, 4, 5, None)] == [
        "G92.01",
        "G92.02",
        "G92.03",
        "G92.04",
        "G92.05",
        "G92.00",
    ]


def _graded(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    (patient,) = read_resources(with_patient(*resources)).patients
    assert patient.course is not None
    written = result_resources(patient, grade_course(patient.course))
    for resource in written:
        validate(resource)
    return written


def test_a_determined_grade_is_an_integer_and_a_range_is_never_one() -> None:
    fever = temp("t", 38.5, "Cel")
    room = field("d", "crs.oxygen.device", valueString="room_air")
    no_hypo = field("h", "crs.hypotension", valueBoolean=False)
    written = _graded([fever, room, no_hypo])
    observation = written[0]
    assert observation["valueInteger"] == 1
    assert "valueRange" not in observation
    assert observation["method"]["coding"][0]["code"] == "ASTCT-2019"
    assert [d["reference"] for d in observation["derivedFrom"]] == [
        "Observation/t",
        "Observation/d",
        "Observation/h",
    ]
    open_ = _graded([fever])[0]
    assert "valueInteger" not in open_
    assert open_["valueRange"] == {"low": {"value": 1}, "high": {"value": 4}}
    assert open_["note"][0]["text"].startswith("Grade not determined: between 1 and 4")


def test_episode_condition_and_adverse_event() -> None:
    fever = temp("t", 38.5, "Cel")
    room = field("d", "crs.oxygen.device", valueString="room_air")
    hypo = field("h", "crs.hypotension", valueBoolean=True)
    norepi = med("ne", rx("7512"))
    later = "2024-03-07T08:00:00+01:00"
    cool = [
        temp("t2", 36.8, "Cel", at=later),
        field("d2", "crs.oxygen.device", at=later, valueString="room_air"),
        field("h2", "crs.hypotension", at=later, valueBoolean=False),
    ]
    written = _graded([fever, room, hypo, norepi, *cool])
    observation, _, condition, event = written
    assert observation["valueInteger"] == 3
    assert observation["extension"] == [
        {
            "url": "urn:astct-grading:fhir:StructureDefinition:input",
            "valueReference": {"reference": "MedicationAdministration/ne"},
        }
    ]
    assert condition["code"]["coding"][0]["code"] == "D89.833"
    assert condition["clinicalStatus"]["coding"][0]["code"] == "resolved"
    assert condition["abatementDateTime"] == later
    assert event["extension"][0]["url"] == AE_GRADE_EXTENSION
    assert event["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "C41340"
    assert event["actuality"] == "actual"
    assert event["outcome"]["coding"][0]["code"] == "resolved"


def test_resolved_fatal_and_possible_episodes() -> None:
    dead = {"resourceType": "Patient", "id": "P1", "deceasedDateTime": "2024-03-09T08:00:00Z"}
    resources = [
        dead,
        *with_patient(temp("t", 38.5, "Cel"))[1:],
        field("c", "death.due_to_crs", valueBoolean=True),
        field("i", "death.due_to_icans", valueBoolean=False),
        field("x", "icans.seizure", valueBoolean=True, at="2024-03-06T08:00:00+01:00"),
        field("y", "icans.seizure", valueBoolean=False, at="2024-03-08T08:00:00+01:00"),
        field("z", "icans.seizure", valueBoolean=False, at="2024-03-08T20:00:00+01:00"),
    ]
    (patient,) = read_resources(resources).patients
    assert patient.course is not None
    written = result_resources(patient, grade_course(patient.course))
    for resource in written:
        validate(resource)
    events = [r for r in written if r["resourceType"] == "AdverseEvent"]
    outcomes = {e["event"]["coding"][0]["code"]: e["outcome"]["coding"][0]["code"] for e in events}
    assert outcomes["D89.835"] == "fatal"
    assert list(outcomes.values()).count("resolved") + list(outcomes.values()).count("ongoing") >= 1
    unknown = read_resources(with_patient(field("f", "crs.fever", valueBoolean=None)))
    (patient,) = unknown.patients


def test_a_possible_episode_is_provisional() -> None:
    written = _graded([field("f", "crs.hypotension", valueBoolean=True)])
    conditions = [r for r in written if r["resourceType"] == "Condition"]
    events = [r for r in written if r["resourceType"] == "AdverseEvent"]
    assert conditions[0]["verificationStatus"]["coding"][0]["code"] == "provisional"
    assert events[0]["actuality"] == "potential"
    assert "possible episode" in conditions[0]["note"][0]["text"]


def test_problems_are_written_as_operation_outcomes() -> None:
    read = read_resources(
        [
            *with_patient(temp("t", 38.5, "degC")),
            {"resourceType": "Patient", "id": "P2"},
            {"resourceType": "Observation", "id": "orphan", "status": "final"},
        ]
    )
    bundle = results_bundle(grade_fhir(read), read)
    validate(bundle)
    outcomes = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "OperationOutcome"
    ]
    assert len(outcomes) == 3
    empty = PatientCourse("P3", None, ())
    assert results_bundle([(empty, None)])["entry"] == []
