"""Reading FHIR resources into courses: each code path, and each reason a resource is not used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from astct_grading.fhir import FhirMapping, Medication, read_bundle, read_path, read_resources
from astct_grading.fhir.codes import CODE_SYSTEM, LOINC
from astct_grading.fhir.reader import PRODUCT_EXTENSION, FhirRead, PatientCourse
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

LATER = "2024-03-05T09:00:00+01:00"


def one(read: FhirRead) -> PatientCourse:
    (patient,) = read.patients
    return patient


def reasons(patient: PatientCourse) -> dict[str, str]:
    return {p.resource: p.reason for p in patient.problems}


def crs(resources: list[dict[str, Any]], mapping: FhirMapping | None = None) -> dict[str, Any]:
    patient = one(read_resources(with_patient(*resources), mapping or FhirMapping()))
    assert patient.course is not None
    (timed,) = patient.course.crs_assessments
    return timed.assessment.model_dump(exclude_defaults=True)


def test_blood_pressure_panel_with_age_from_birth_date() -> None:
    panel = obs(
        "bp",
        cc(LOINC, "85354-9"),
        component=[
            {"code": cc(LOINC, "8462-4"), "valueQuantity": q(50, "mm[Hg]")},
            {"code": cc(LOINC, "8480-6"), "valueQuantity": q(85, "mm[Hg]")},
        ],
    )
    assessment = crs([panel])
    assert assessment["systolic_bp_mmhg"] == 85
    assert assessment["age_years"] == pytest.approx(54.17)


def test_systolic_alone_and_without_a_birth_date() -> None:
    systolic = obs("s", cc(LOINC, "8480-6"), valueQuantity=q(85, "mm[Hg]"))
    assert crs([systolic])["systolic_bp_mmhg"] == 85
    patient = one(read_resources([{"resourceType": "Patient", "id": "P1"}, INFUSION, systolic]))
    assert "needs the patient's age" in reasons(patient)["Observation/s"]


def test_panel_without_systolic() -> None:
    panel = obs("bp", cc(LOINC, "85354-9"), component=[{"code": cc(LOINC, "8462-4")}])
    patient = one(read_resources(with_patient(panel)))
    assert "without a systolic component" in reasons(patient)["Observation/bp"]


def test_pulse_oximetry_components_and_device_text() -> None:
    spo2 = obs(
        "o",
        cc(LOINC, "59408-5"),
        valueQuantity=q(93, "%"),
        component=[
            {"code": cc(LOINC, "3151-8"), "valueQuantity": q(8, "L/min")},
            {"code": cc(LOINC, "3150-0"), "valueQuantity": q(40, "%")},
        ],
    )
    device = field(
        "d", "crs.oxygen.device", valueCodeableConcept={"text": " High-Flow Nasal Cannula"}
    )
    assessment = crs([spo2, device])
    assert assessment["oxygen"] == {
        "device": "high_flow_nasal_cannula",
        "flow_l_min": 8.0,
        "fio2": 0.4,
    }


def test_device_as_string_and_as_component() -> None:
    device = field("d", "crs.oxygen.device", valueString="room air")
    assert crs([device])["oxygen"] == {"device": "room_air"}
    spo2 = obs(
        "o",
        cc(LOINC, "2708-6"),
        component=[
            {
                "code": cc(CODE_SYSTEM, "crs.oxygen.device"),
                "valueCodeableConcept": cc(CODE_SYSTEM, "cpap"),
            }
        ],
    )
    assert crs([spo2])["oxygen"] == {"device": "cpap"}


def test_unknown_device_and_saturation_alone() -> None:
    device = field("d", "crs.oxygen.device", valueCodeableConcept={"text": "helmet"})
    spo2 = obs("o", cc(LOINC, "59408-5"), valueQuantity=q(93, "%"))
    patient = one(read_resources(with_patient(device, spo2)))
    found = reasons(patient)
    assert "is not known" in found["Observation/d"]
    assert "saturation itself is not an ASTCT 2019 input" in found["Observation/o"]


def test_flow_without_a_device_is_not_guessed() -> None:
    flow = obs("f", cc(LOINC, "3151-8"), valueQuantity=q(4, "L/min"))
    fever = temp("t", 38.5, "Cel")
    assessment = crs([flow, fever])
    assert "oxygen" not in assessment
    patient = one(read_resources(with_patient(flow, fever)))
    assert "without an oxygen device" in reasons(patient)["Observation/f"]


def test_vasopressors_by_rxnorm_name_and_period() -> None:
    fever = temp("t", 38.5, "Cel")
    hypo = field("h", "crs.hypotension", valueBoolean=True)
    norepi = med("ne", rx("7512"), at=None, effectivePeriod={"start": AT})
    vaso = med("va", {"text": "Vasopressin"})
    adrenaline = med("ad", {"coding": [{"system": "x", "code": "y", "display": "adrenaline"}]})
    assessment = crs([fever, hypo, norepi, vaso, adrenaline])
    assert [v["agent"] for v in assessment["vasopressors"]] == [
        "epinephrine",
        "norepinephrine",
        "vasopressin",
    ]


def test_vasopressor_period_that_spans_no_assessment() -> None:
    norepi = med(
        "ne",
        rx("7512"),
        at=None,
        effectivePeriod={"start": "2024-03-06T08:00:00+01:00", "end": "2024-03-06T09:00:00+01:00"},
    )
    patient = one(read_resources(with_patient(temp("t", 38.5, "Cel"), norepi)))
    assert "no CRS assessment" in reasons(patient)["MedicationAdministration/ne"]


def test_no_vasopressor_recorded_and_record_complete() -> None:
    fever = temp("t", 38.5, "Cel")
    assert "vasopressors" not in crs([fever])
    assert crs([fever], FhirMapping(medication_record_complete=True))["vasopressors"] == ()
    none = field("n", "crs.vasopressors", valueBoolean=False)
    assert crs([fever, none])["vasopressors"] == ()
    patient = one(read_resources(with_patient(fever, none, med("ne", rx("7512")))))
    assert "while one is given" in reasons(patient)["Observation/n"]
    wrong = field("w", "crs.vasopressors", valueBoolean=True)
    assert "false" in reasons(one(read_resources(with_patient(wrong))))["Observation/w"]


def test_inotrope_and_unknown_medication() -> None:
    patient = one(
        read_resources(with_patient(med("do", rx("3616")), med("x", {"text": "aspirin"})))
    )
    found = reasons(patient)
    assert "inotrope" in found["MedicationAdministration/do"]
    assert "not an input" in found["MedicationAdministration/x"]


def test_treatments_with_dose_and_medication_reference() -> None:
    medication = {"resourceType": "Medication", "id": "dex", "code": {"text": "Dexamethasone"}}
    dex = med("d", None, dosage={"dose": {"value": 10, "unit": "mg"}})  # type: ignore[arg-type]
    del dex["medicationCodeableConcept"]
    dex["medicationReference"] = {"reference": "Medication/dex"}
    para = med("p", {"text": "acetaminophen"}, dosage={"text": "1 g"})
    toci = med("t", cc(CODE_SYSTEM, "therapy.tocilizumab"))
    lost = med("l", None)  # type: ignore[arg-type]
    del lost["medicationCodeableConcept"]
    lost["medicationReference"] = {"reference": "Medication/none"}
    patient = one(read_resources(with_patient(medication, dex, para, toci, lost)))
    assert patient.course is not None
    treatments = [t.model_dump(exclude={"at"}, mode="json") for t in patient.course.treatments]
    assert treatments == [
        {"therapy": "corticosteroid", "agent": "dexamethasone", "dose": "10 mg"},
        {"therapy": "antipyretic", "agent": "acetaminophen", "dose": "1 g"},
        {"therapy": "tocilizumab", "agent": "therapy.tocilizumab", "dose": None},
    ]
    assert "not in the input" in reasons(patient)["MedicationAdministration/l"]


@pytest.mark.parametrize(
    ("resource", "reason"),
    [
        (temp("t", 38.5, "Cel", at="2024-03-05"), "a date without a time"),
        (temp("t", 38.5, "Cel", at="2024-03-05T08:00:00"), "no time zone"),
        (temp("t", 38.5, "Cel", at="2024-03-05T08:00:00+99:00"), "not a FHIR dateTime"),
        (obs("t", cc(LOINC, "8310-5"), at=None, effectivePeriod={"start": AT}), "over a period"),
        (obs("t", cc(LOINC, "8310-5"), at=None), "no time"),
        ({**temp("t", 38.5, "Cel"), "status": "preliminary"}, "not a result"),
        (obs("t", cc(LOINC, "8867-4")), "not an input of the grading"),
        (med("t", rx("7512"), at=None), "no time"),
        ({**med("t", rx("7512")), "status": "not-done"}, "not given"),
        (field("t", "icans.seizure", valueString="yes"), "valueBoolean"),
        (field("t", "icans.ice.total", valueBoolean=True), "valueInteger"),
        (field("t", "icans.motor", valueBoolean=True), "no code"),
        (field("t", "icans.age_years", valueQuantity=q(3, "b")), "unknown unit"),
        ({"resourceType": "Encounter", "id": "t", "subject": SUBJECT}, "are not read"),
    ],
)
def test_unusable_resources_are_listed(resource: dict[str, Any], reason: str) -> None:
    patient = one(read_resources(with_patient(resource)))
    assert reason in reasons(patient)[f"{resource['resourceType']}/t"]


def test_resources_without_a_patient() -> None:
    read = read_resources(
        [
            {"resourceType": "Observation", "id": "o", "status": "final"},
            {"no": "type"},
            {"resourceType": "Patient"},
            {"resourceType": "Bundle", "entry": [{"search": {}}]},
        ]
    )
    assert [p.reason[:20] for p in read.problems] == [
        "no subject or patien",
        "not a FHIR resource ",
        "a Patient without an",
        "not a FHIR resource ",
    ]


def test_no_infusion_record() -> None:
    patient = one(read_resources([PATIENT, temp("t", 38.5, "Cel")]))
    assert patient.course is None
    assert "no CAR-T infusion record" in reasons(patient)["Patient/P1"]


def test_infusion_from_medication_and_a_later_one() -> None:
    kymriah = med("k", {"text": "Tisagenlecleucel"}, at="2024-03-04T09:00:00+01:00")
    patient = one(read_resources(with_patient(kymriah)))
    assert patient.course is not None
    assert patient.course.product == "CD19"
    assert "later infusion" in reasons(patient)["Procedure/inf"]
    only_procedures = FhirMapping(infusion_sources=frozenset({"Procedure"}))
    patient = one(read_resources(with_patient(kymriah), only_procedures))
    assert (
        "not read from MedicationAdministration" in reasons(patient)["MedicationAdministration/k"]
    )


def test_infusion_procedure_variants() -> None:
    period = {**INFUSION, "performedPeriod": {"start": INFUSION["performedDateTime"]}}
    del period["performedDateTime"]
    period["extension"] = [{"url": PRODUCT_EXTENSION, "valueString": "BCMA"}]
    patient = one(read_resources([PATIENT, period]))
    assert patient.course is not None
    assert patient.course.product == "BCMA"
    bad = [
        {**INFUSION, "id": "a", "code": cc(LOINC, "0")},
        {**INFUSION, "id": "b", "status": "not-done"},
        {key: v for key, v in {**INFUSION, "id": "c"}.items() if key != "performedDateTime"},
    ]
    found = reasons(one(read_resources([PATIENT, *bad])))
    assert "not a CAR-T infusion code" in found["Procedure/a"]
    assert "not given" in found["Procedure/b"]
    assert "no time" in found["Procedure/c"]
    no_procedures = FhirMapping(infusion_sources=frozenset({"MedicationAdministration"}))
    found = reasons(one(read_resources([PATIENT, INFUSION], no_procedures)))
    assert "not read from Procedure" in found["Procedure/inf"]


def test_conflicting_values_at_one_time_are_neither_used() -> None:
    a, b = temp("a", 38.5, "Cel"), temp("b", 37.0, "Cel")
    same = temp("c", 38.5, "Cel")
    patient = one(read_resources(with_patient(a, b, same)))
    found = reasons(patient)
    assert "disagrees" in found["Observation/a"]
    assert "disagrees" in found["Observation/b"]
    assert patient.course is not None
    assert patient.course.crs_assessments == ()


def test_invalid_assessment_is_listed() -> None:
    fever = temp("t", 38.5, "Cel")
    no_fever = field("f", "crs.fever", valueBoolean=False)
    found = reasons(one(read_resources(with_patient(fever, no_fever))))
    assert "is invalid" in found["Observation/t"]
    assert "is invalid" in found["Observation/f"]


def test_icans_fields_questionnaire_and_icp_list() -> None:
    qr = {
        "resourceType": "QuestionnaireResponse",
        "id": "qr",
        "status": "completed",
        "subject": SUBJECT,
        "authored": AT,
        "item": [
            {
                "linkId": "ice",
                "item": [
                    {"linkId": "icans.ice.orientation_year", "answer": [{"valueInteger": 1}]},
                    {"linkId": "icans.ice.total", "answer": [{"valueInteger": 7}]},
                    {"linkId": "local-note", "answer": [{"valueString": "calm"}]},
                    {"linkId": "icans.ice.naming_object_1", "answer": [{"valueString": "x"}]},
                    {"linkId": "icans.ice.naming_object_2"},
                ],
            }
        ],
    }
    icp = [
        field("i1", "icans.icp", valueCodeableConcept=cc(CODE_SYSTEM, "papilledema")),
        field("i2", "icans.icp", valueString="focal_oedema"),
        field("i3", "icans.icp", valueString="focal_oedema"),
    ]
    seizure = field("s", "icans.seizure_duration_min", valueQuantity=q(360, "s"))
    seized = field("z", "icans.seizure", valueBoolean=True)
    unknown = field("u", "icans.consciousness_other_cause", dataAbsentReason={"text": "unknown"})
    patient = one(read_resources(with_patient(qr, *icp, seizure, seized, unknown)))
    assert patient.course is not None
    (timed,) = patient.course.icans_assessments
    a = timed.assessment
    assert (a.ice.orientation_year, a.ice.total) == (1, 7)  # type: ignore[union-attr]
    assert [f.value for f in a.icp or ()] == ["papilloedema", "focal_oedema"]
    assert a.seizure_duration_min == 6
    assert a.consciousness_other_cause is None
    assert a.age_years == pytest.approx(54.17)
    found = reasons(patient)["QuestionnaireResponse/qr"]
    assert "local-note (not mapped)" in found
    assert "naming_object_1" in found
    assert set(patient.icans_sources[0]) >= {"QuestionnaireResponse/qr", "Observation/i1"}


def test_icp_none_conflicts_with_a_finding() -> None:
    icp = [
        field("i1", "icans.icp", valueString="none"),
        field("i2", "icans.icp", valueString="papilloedema"),
        field("i3", "icans.icp", valueString="diffuse_oedema"),
        field("i4", "icans.icp", dataAbsentReason={"text": "unknown"}),
    ]
    found = reasons(one(read_resources(with_patient(*icp))))
    assert "disagrees" in found["Observation/i1"]
    none_only = one(read_resources(with_patient(icp[0])))
    assert none_only.course is not None
    assert none_only.course.icans_assessments[0].assessment.icp == ()


def test_questionnaire_without_answers_or_final_status() -> None:
    base = {"resourceType": "QuestionnaireResponse", "subject": SUBJECT, "authored": AT}
    found = reasons(
        one(
            read_resources(
                with_patient(
                    {**base, "id": "a", "status": "completed", "item": [{"linkId": "x"}]},
                    {**base, "id": "b", "status": "in-progress"},
                )
            )
        )
    )
    assert "no answered item" in found["QuestionnaireResponse/a"]
    assert "not a completed" in found["QuestionnaireResponse/b"]


def test_death_with_attribution_and_without_time() -> None:
    dead = {**PATIENT, "deceasedDateTime": "2024-03-10T03:00:00Z"}
    crs_death = field("d", "death.due_to_crs", valueBoolean=True)
    patient = one(read_resources([dead, INFUSION, crs_death]))
    assert patient.course is not None
    death = patient.course.death
    assert death is not None
    assert (death.due_to_crs, death.due_to_icans) == (True, None)
    found = reasons(
        one(read_resources([{**PATIENT, "deceasedBoolean": True}, INFUSION, crs_death]))
    )
    assert "deceasedBoolean without a time" in found["Patient/P1"]
    assert "without a death" in found["Observation/d"]
    bad_time = {**PATIENT, "deceasedDateTime": "2024-03-10"}
    assert (
        "death is not recorded" in reasons(one(read_resources([bad_time, INFUSION])))["Patient/P1"]
    )


def test_invalid_course_and_partial_birth_date() -> None:
    dead = {**PATIENT, "birthDate": "1970", "deceasedDateTime": "2024-03-05T07:00:00+01:00"}
    patient = one(read_resources([dead, INFUSION, temp("t", 38.5, "Cel")]))
    assert patient.course is None
    found = reasons(patient)["Patient/P1"]
    assert "not a full date" in patient.problems[0].reason
    assert "the course is invalid" in found


def test_age_before_birth_is_unknown() -> None:
    unborn = {**PATIENT, "birthDate": "2025-01-01"}
    patient = one(
        read_resources([unborn, INFUSION, field("s", "icans.seizure", valueBoolean=False)])
    )
    assert patient.course is not None
    assert patient.course.icans_assessments[0].assessment.age_years is None


def test_references_by_full_url_and_patient_field() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:aaa", "resource": {"resourceType": "Patient", "id": "P9"}},
            {
                "fullUrl": "urn:uuid:inf",
                "resource": {
                    **{k: v for k, v in INFUSION.items() if k != "id"},
                    "subject": {"reference": "urn:uuid:aaa"},
                },
            },
            {
                "resource": {
                    **temp("t", 38.5, "Cel"),
                    "subject": {"reference": "http://ehr.example/fhir/Patient/P9/_history/2"},
                }
            },
            {"resource": {**temp("u", 38.5, "Cel"), "subject": {"reference": "urn:uuid:bbb"}}},
        ],
    }
    read = read_bundle(bundle)
    ids = [p.patient_id for p in read.patients]
    assert ids == ["P9", "bbb"]
    assert read.patients[0].other_sources[0] == "urn:uuid:inf"


def test_mapping_rejects_unknown_paths_and_zones() -> None:
    with pytest.raises(ValueError, match="unknown field paths"):
        FhirMapping(questionnaire_items={"x": "crs.nothing"})
    with pytest.raises(ValueError, match="time"):
        FhirMapping(time_zone="Mars/Olympus")


def test_site_codes() -> None:
    site = ("http://site.example", "TEMP")
    mapping = FhirMapping().with_codes(
        {("http://site.example", "HYPO"): "crs.hypotension"},
        concepts={},
        medications={("http://site.example", "NE"): Medication("vasopressor", "norepinephrine")},
        oxygen_devices={site: __import__("astct_grading").criteria.crs.OxygenDevice.BIPAP},
        infusion_codes=frozenset({site}),
    )
    hypo = obs("h", cc("http://site.example", "HYPO"), valueBoolean=True)
    device = field("d", "crs.oxygen.device", valueCodeableConcept=cc(*site))
    ne = med("n", cc("http://site.example", "NE"))
    assessment = crs([hypo, device, ne], mapping)
    assert assessment["hypotension"] is True
    assert assessment["oxygen"] == {"device": "bipap"}


@pytest.mark.parametrize("value", [None, "dobutamine", "Norepinephrine", "noradrenaline"])
def test_a_site_vasopressor_code_must_name_an_agent_d3_counts(value: str | None) -> None:
    # D3: the agents counted are the enum's; synonyms are read from names, not site codes.
    with pytest.raises(ValueError, match=f"not {value!r}"):
        Medication("vasopressor", value)


@pytest.mark.parametrize("value", ["norepinephrine", "vasopressin", "angiotensin_ii"])
def test_a_site_vasopressor_code_may_name_any_agent_d3_counts(value: str) -> None:
    assert Medication("vasopressor", value).value == value


def test_files_folders_and_ndjson(tmp_path: Path) -> None:
    resources = with_patient(temp("t", 38.5, "Cel"))
    (tmp_path / "a.ndjson").write_text(
        "\n".join(json.dumps(r) for r in resources) + "\n\n{broken\n", encoding="utf-8"
    )
    (tmp_path / "b.json").write_text("{broken", encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps(field("s", "crs.hypotension", valueBoolean=False)))
    (tmp_path / "notes.txt").write_text("ignored")
    read = read_path(tmp_path)
    assert [p.resource for p in read.problems] == ["a.ndjson line 5", "b.json"]
    patient = one(read)
    assert patient.course is not None
    assert patient.course.crs_assessments[0].assessment.hypotension is False
    single = read_path(tmp_path / "c.json")
    assert single.patients[0].course is None
