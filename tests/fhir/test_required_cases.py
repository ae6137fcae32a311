"""The cases the FHIR adapter must handle, one named test each (docs/fhir.md, "Tested by").

°F temperatures, a blood-pressure panel, NDJSON bulk data, unknown units, resources without a
time, a patient without an infusion record, ICE and CAPD from a QuestionnaireResponse and from
Observations, and the round trip read -> grade -> write -> validate. The other code paths are in
test_reader.py, test_units.py and test_writer.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from astct_grading import grade_crs
from astct_grading.fhir import (
    grade_fhir,
    read_path,
    read_resources,
    results_bundle,
)
from astct_grading.fhir.codes import CODE_SYSTEM, LOINC
from tests.fhir.helpers import (
    AT,
    INFUSION,
    PATIENT,
    SUBJECT,
    cc,
    field,
    med,
    obs,
    q,
    rx,
    temp,
    with_patient,
)
from tests.fhir.test_reader import one, reasons

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fhir_bundle.json"
LATER = "2024-03-05T20:00:00+01:00"


def _resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"]]


def _ref(resource: dict[str, Any]) -> str:
    return f"{resource['resourceType']}/{resource['id']}"


@pytest.mark.parametrize(("fahrenheit", "fever"), [(100.3, False), (100.4, True), (102.2, True)])
def test_fahrenheit_temperatures_are_read_in_fahrenheit_and_graded(
    fahrenheit: float, fever: bool
) -> None:
    patient = one(read_resources(with_patient(temp("t", fahrenheit, "[degF]"))))
    assert patient.problems == ()
    assert patient.course is not None
    (timed,) = patient.course.crs_assessments
    temperature = timed.assessment.temperature
    assert temperature is not None
    assert (temperature.value, temperature.unit.value) == (fahrenheit, "F")  # kept in °F (D14)
    assert grade_crs(timed.assessment).findings[0].present is fever


def test_a_blood_pressure_panel_gives_the_systolic_pressure_only() -> None:
    panel = obs(
        "bp",
        cc(LOINC, "85354-9"),
        component=[
            {"code": cc(LOINC, "8480-6"), "valueQuantity": q(12, "kPa")},
            {"code": cc(LOINC, "8462-4"), "valueQuantity": q(40, "mm[Hg]")},
        ],
    )
    patient = one(read_resources(with_patient(panel, temp("t", 38.5, "Cel"))))
    assert patient.problems == ()
    assert patient.course is not None
    (timed,) = patient.course.crs_assessments
    assert timed.assessment.systolic_bp_mmhg == pytest.approx(90.01)  # 12 kPa * 760/101.325
    assert patient.crs_sources == (("Observation/bp", "Observation/t"),)


def test_ndjson_bulk_data_one_file_per_resource_type(tmp_path: Path) -> None:
    resources = with_patient(
        temp("t", 38.5, "Cel"),
        field("h", "crs.hypotension", valueBoolean=True),
        med("ne", rx("7512")),
        field("d", "crs.oxygen.device", valueString="room air"),
    )
    by_type: dict[str, list[dict[str, Any]]] = {}
    for resource in resources:
        by_type.setdefault(resource["resourceType"], []).append(resource)
    export = tmp_path / "export"
    export.mkdir()
    for kind, group in by_type.items():  # a FHIR bulk export: one resource type per file
        lines = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in group)
        (export / f"{kind}.ndjson").write_text(lines, encoding="utf-8")
    single = tmp_path / "all.jsonl"
    single.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")
    direct = one(read_resources(resources))
    assert direct.course is not None
    for read in (read_path(export), read_path(single)):
        assert read.problems == ()
        patient = one(read)
        assert patient.problems == ()
        assert patient.course == direct.course
    assert [
        v.agent.value for v in direct.course.crs_assessments[0].assessment.vasopressors or ()
    ] == ["norepinephrine"]


@pytest.mark.parametrize("code", ["degC", "[degC]", "C", "cel"])
def test_an_unknown_unit_is_an_error_for_that_resource_never_a_guess(code: str) -> None:
    patient = one(
        read_resources(with_patient(temp("t", 38.4, code), temp("u", 37.0, "Cel", LATER)))
    )
    assert reasons(patient) == {
        "Observation/t": f"temperature: unknown unit {code!r} (UCUM Cel, [degF] or K are read)"
    }
    assert patient.course is not None
    assert [t.at.isoformat() for t in patient.course.crs_assessments] == [LATER]


def test_resources_without_a_time_are_listed_for_their_patient_never_placed() -> None:
    timeless = [
        obs("t", cc(LOINC, "8310-5"), at=None, valueQuantity=q(39.0, "Cel")),
        med("dex", {"text": "dexamethasone"}, at=None),
        {
            "resourceType": "QuestionnaireResponse",
            "id": "ice",
            "status": "completed",
            "subject": SUBJECT,
            "item": [{"linkId": "icans.ice.total", "answer": [{"valueInteger": 3}]}],
        },
        {k: v for k, v in {**INFUSION, "id": "inf2"}.items() if k != "performedDateTime"},
        temp("d", 39.0, "Cel", at="2024-03-05"),  # a date without a time
    ]
    patient = one(read_resources(with_patient(temp("ok", 37.0, "Cel"), *timeless)))
    found = reasons(patient)
    assert "no time" in found["Observation/t"]
    assert "no time" in found["MedicationAdministration/dex"]
    assert "no authored time" in found["QuestionnaireResponse/ice"]
    assert "no time" in found["Procedure/inf2"]
    assert "a date without a time" in found["Observation/d"]
    assert patient.course is not None
    assert [t.at.isoformat() for t in patient.course.crs_assessments] == [AT]
    assert patient.course.icans_assessments == ()
    assert patient.course.treatments == ()


def test_a_patient_without_an_infusion_record_has_no_course_and_the_others_are_graded() -> None:
    other = {"reference": "Patient/P2"}
    without = [
        {"resourceType": "Patient", "id": "P2", "birthDate": "1980-01-01"},
        {**temp("t2", 39.0, "Cel"), "subject": other},
    ]
    read = read_resources([*with_patient(temp("t", 38.5, "Cel")), *without])
    graded = {p.patient_id: result for p, result in grade_fhir(read)}
    assert graded["P1"] is not None
    assert graded["P2"] is None  # day 0 unknown: no course, never a guessed one
    p2 = read.patients[1]
    assert (p2.patient_id, p2.course) == ("P2", None)
    assert "no CAR-T infusion record" in reasons(p2)["Patient/P2"]
    outcomes = [
        r
        for r in _resources(results_bundle(grade_fhir(read), read))
        if r["resourceType"] == "OperationOutcome"
    ]
    assert any(
        "no CAR-T infusion record" in issue["diagnostics"]
        for outcome in outcomes
        for issue in outcome["issue"]
    )


def test_ice_and_capd_from_a_questionnaire_and_from_observations() -> None:
    child = {**PATIENT, "birthDate": "2019-06-01"}
    capd = {
        "resourceType": "QuestionnaireResponse",
        "id": "capd",
        "status": "completed",
        "subject": SUBJECT,
        "authored": AT,
        "item": [
            {
                "linkId": "icans.capd.eye_contact",
                "answer": [{"valueCoding": {"system": CODE_SYSTEM, "code": "often"}}],
            },
            {"linkId": "icans.capd.restless", "answer": [{"valueString": "rarely"}]},
            {"linkId": "icans.capd.rass", "answer": [{"valueInteger": 0}]},
        ],
    }
    ice_total = field("ice", "icans.ice.total", at=LATER, valueInteger=8)
    consciousness = field("c", "icans.consciousness", at=LATER, valueString="alert")
    patient = one(read_resources([child, INFUSION, capd, ice_total, consciousness]))
    assert patient.problems == ()
    assert patient.course is not None
    first, second = patient.course.icans_assessments
    assert first.assessment.capd is not None
    assert (first.assessment.capd.eye_contact, first.assessment.capd.restless) == (
        "often",
        "rarely",
    )
    assert first.assessment.capd.rass == 0
    assert first.assessment.age_years == pytest.approx(4.76)
    assert second.assessment.ice is not None
    assert second.assessment.ice.total == 8
    assert patient.icans_sources == (
        ("QuestionnaireResponse/capd",),
        ("Observation/ice", "Observation/c"),
    )


def _validate(resource: dict[str, Any]) -> None:
    models = pytest.importorskip("fhir.resources.R4B")  # the `fhir` extra (in `test`)
    models.get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_round_trip_read_grade_write_validate() -> None:
    source = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    inputs = {_ref(r) for r in _resources(source) if "id" in r}
    read = read_path(EXAMPLE)
    graded = list(grade_fhir(read))
    ((patient, result),) = graded
    assert result is not None
    bundle = results_bundle(graded, read)
    _validate(bundle)
    written = _resources(bundle)
    for resource in written:
        _validate(resource)
    grades = [
        r
        for r in written
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "crs-grade"
    ]
    assert len(grades) == len(result.crs)
    for observation, timed, sources in zip(grades, result.crs, patient.crs_sources, strict=True):
        grade = timed.result.grade
        if grade is None:  # open: a range, never an integer
            assert "valueInteger" not in observation
            assert (
                observation["valueRange"]["low"]["value"]
                < observation["valueRange"]["high"]["value"]
            )
        else:
            assert observation["valueInteger"] == grade
        derived = {d["reference"] for d in observation.get("derivedFrom", [])}
        assert derived <= set(sources) <= inputs
    (outcome,) = [r for r in written if r["resourceType"] == "OperationOutcome"]
    assert len(outcome["issue"]) == len(patient.problems) + len(read.problems)
    assert {"Condition", "AdverseEvent"} <= {r["resourceType"] for r in written}
