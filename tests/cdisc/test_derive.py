"""The mapping, table by table: each SDTM record and what the course gets from it."""

from __future__ import annotations

from typing import Any

import pytest

from astct_grading.cdisc import (
    AdverseEventMapping,
    MedicationMapping,
    OxygenMapping,
    SdtmMapping,
    StudyDerivation,
    derive_study,
)

T0 = "2024-03-05T08:00"
T1 = "2024-03-05T12:00"


def dm(**extra: Any) -> dict[str, Any]:
    return {
        "STUDYID": "S",
        "USUBJID": "P1",
        "AGE": 40.0,
        "AGEU": "YEARS",
        "RFXSTDTC": "2024-03-04T10:00",
        **extra,
    }


def vs(
    test: str, value: Any, unit: str | None, at: str | None = T0, **extra: Any
) -> dict[str, Any]:
    return {
        "USUBJID": "P1",
        "VSSEQ": 1.0,
        "VSTESTCD": test,
        "VSORRES": value,
        "VSORRESU": unit,
        "VSDTC": at,
        **extra,
    }


def xo(test: str, value: Any, at: str = T0, unit: str | None = None) -> dict[str, Any]:
    return {"USUBJID": "P1", "XOTESTCD": test, "XOORRES": value, "XOORRESU": unit, "XODTC": at}


def cm(name: str, start: str | None, end: str | None = None) -> dict[str, Any]:
    return {
        "USUBJID": "P1",
        "CMSEQ": 1.0,
        "CMTRT": name,
        "CMDECOD": name,
        "CMSTDTC": start,
        "CMENDTC": end,
    }


def qs(test: str, value: Any, at: str = T0, **extra: Any) -> dict[str, Any]:
    return {"USUBJID": "P1", "QSSEQ": 1.0, "QSTESTCD": test, "QSORRES": value, "QSDTC": at, **extra}


#: A study that declares its CM complete. CM is not complete by default (vasopressors are unknown
#: where no CM record covers a time, D13); the tests of the other domains below say "no
#: vasopressor was given" with an empty CM, so they declare it, as a study would with
#: ``--cm-complete``. The default itself is tested in
#: ``test_vasopressors_are_unknown_where_cm_has_no_record_unless_cm_is_declared_complete``.
CM_COMPLETE = MedicationMapping(complete=True)
DECLARED = SdtmMapping(medications=CM_COMPLETE)


def study(mapping: SdtmMapping | None = None, **domains: list[dict[str, Any]]) -> StudyDerivation:
    domains.setdefault("DM", [dm()])
    return derive_study(domains, DECLARED if mapping is None else mapping)


def crs(result: StudyDerivation, index: int = 0) -> Any:
    subject = result.subjects[0]
    assert subject.result is not None
    return subject.result.crs[index].result


def reasons(result: StudyDerivation) -> list[tuple[str, str, str]]:
    return [(i.domain, i.variable, i.kind) for i in result.issues]


# --- VS: temperature, both sides of 38.0 °C and of 100.4 °F (D14) --------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "fever"),
    [
        ("37.9", "C", False),
        ("38.0", "C", True),
        ("38", "C", True),
        ("100.3", "F", False),
        ("100.4", "F", True),
        (38.0, "C", True),
    ],
)
def test_temperature_both_sides_of_the_fever_bound(value: Any, unit: str, fever: bool) -> None:
    result = study(
        VS=[vs("TEMP", value, unit), vs("SYSBP", "120", "mmHg")],
        XO=[xo("O2DEV", "ROOM AIR")],
        CM=[],
    )
    assert crs(result).grade == (1 if fever else 0)
    assert not result.issues


def test_standard_result_is_read_when_there_is_no_original_one() -> None:
    row = vs("TEMP", None, None, VSSTRESN=38.2, VSSTRESU="C")
    result = study(VS=[row], CM=[])
    assert crs(result).grade_min == 1


def test_the_highest_of_two_temperatures_at_one_time_counts() -> None:
    result = study(
        VS=[vs("TEMP", "38.5", "C"), vs("TEMP", "37.0", "C"), vs("TEMP", "36.0", "C")], CM=[]
    )
    subject = result.subjects[0]
    assert subject.course is not None
    temperature = subject.course.crs_assessments[0].assessment.temperature
    assert temperature is not None
    assert temperature.value == 38.5


@pytest.mark.parametrize(
    ("row", "variable", "kind"),
    [
        (vs("TEMP", "310", "K"), "VSORRESU", "unmappable"),
        (vs("TEMP", "hot", "C"), "VSORRES", "unmappable"),
        (vs("TEMP", "50", "C"), "VSORRES", "unmappable"),
        (vs("TEMP", None, "C"), "VSORRES", "unmappable"),
        (vs("TEMP", "38.5", "C", at="2024-03-05"), "VSDTC", "unplaced"),
        (vs("TEMP", "38.5", "C", at="2024-03-05T08"), "VSDTC", "unplaced"),
        (vs("TEMP", "38.5", "C", at="05/03/2024"), "VSDTC", "unplaced"),
        (vs("TEMP", "38.5", "C", at=None), "VSDTC", "unplaced"),
        (vs("SYSBP", "85", "kPa"), "VSORRESU", "unmappable"),
        (vs("SYSBP", "low", "mmHg"), "VSORRES", "unmappable"),
        (vs("SYSBP", "10", "mmHg"), "VSORRES", "unmappable"),
        (vs("SYSBP", None, "mmHg"), "VSORRES", "unmappable"),
        (vs("OXYSAT", "91", "%"), "VSTESTCD", "not_used"),
        (vs("TEMP", None, None, VSSTAT="NOT DONE"), "VSSTAT", "not_used"),
    ],
)
def test_vs_records_that_cannot_be_used_are_reported(
    row: dict[str, Any], variable: str, kind: str
) -> None:
    result = study(VS=[row])
    assert reasons(result) == [("VS", variable, kind)]
    assert result.subjects[0].result is not None  # the course is still built
    assert result.subjects[0].result.crs == ()


def test_other_vital_signs_are_not_inputs() -> None:
    assert not study(VS=[vs("WEIGHT", "70", "kg")]).issues


# --- VS: systolic pressure and age (D5, PALS) -----------------------------------------------------


@pytest.mark.parametrize(("systolic", "grade"), [("89", 2), ("90", 0), ("89.9", 2)])
def test_systolic_both_sides_of_the_adult_threshold(systolic: str, grade: int) -> None:
    result = study(
        VS=[vs("TEMP", "38.5", "C"), vs("SYSBP", systolic, "mmHg")],
        XO=[xo("O2DEV", "ROOM AIR")],
        CM=[],
    )
    assert crs(result).grade == max(1, grade)


@pytest.mark.parametrize(
    ("age", "unit", "years"),
    [
        (40.0, "YEARS", 40.0),
        (18.0, "MONTHS", 1.5),
        (52.0, "WEEKS", 52 * 7 / 365.25),
        (365.25, "DAYS", 1.0),
        (24.0, "HOURS", 1 / 365.25),
    ],
)
def test_age_units(age: float, unit: str, years: float) -> None:
    result = study(DM=[dm(AGE=age, AGEU=unit)])
    assert result.subjects[0].age_years == pytest.approx(years)


@pytest.mark.parametrize(
    ("age", "unit", "variable"),
    [("forty", "YEARS", "AGE"), (40.0, None, "AGEU"), (40.0, "DECADES", "AGEU")],
)
def test_an_unreadable_age_is_reported_and_a_systolic_then_unused(
    age: Any, unit: Any, variable: str
) -> None:
    result = study(DM=[dm(AGE=age, AGEU=unit)], VS=[vs("SYSBP", "85", "mmHg")])
    assert ("DM", variable, "unmappable") in reasons(result)
    assert ("VS", "VSORRES", "unmappable") in reasons(result)


# --- Oxygen: findings domain (default) and interventions (CM/PR) ----------------------------------


@pytest.mark.parametrize(
    ("device", "flow", "hypoxia"),
    [
        ("NASAL CANNULA", "6", 2),
        ("NASAL CANNULA", "6.1", 3),
        ("NASAL CANNULA", None, 2),
        ("HIGH FLOW NASAL CANNULA", None, 3),
        ("BLOW-BY", None, 2),
        ("SIMPLE FACE MASK", None, 3),
        ("CPAP", None, 4),
        ("BIPAP", None, 4),
        ("MECHANICAL VENTILATION", None, 4),
        ("ROOM AIR", None, 0),
        ("ROOM AIR", "0", 0),
    ],
)
def test_oxygen_findings_both_sides_of_6_l_min(device: str, flow: str | None, hypoxia: int) -> None:
    rows = [xo("O2DEV", device)]
    if flow is not None:
        rows.append(xo("O2FLOW", flow, unit="L/min"))
    result = study(VS=[vs("TEMP", "38.5", "C"), vs("SYSBP", "120", "mmHg")], XO=rows, CM=[])
    assert crs(result).grade == max(1, hypoxia)
    assert not result.issues


def test_flow_in_standard_units_and_the_most_severe_of_two_devices() -> None:
    rows = [
        xo("O2DEV", "NASAL CANNULA"),
        xo("O2DEV", "CPAP"),
        {**xo("O2FLOW", None), "XOSTRESN": 4.0, "XOSTRESU": "L/min"},
    ]
    result = study(VS=[vs("TEMP", "38.5", "C"), vs("SYSBP", "120", "mmHg")], XO=rows, CM=[])
    assert crs(result).grade == 4


@pytest.mark.parametrize(
    ("rows", "variable"),
    [
        ([xo("O2DEV", "TENT")], "XOORRES"),
        ([xo("O2DEV", "NASAL CANNULA"), xo("O2FLOW", "4", unit="mL/min")], "XOORRESU"),
        ([xo("O2DEV", "NASAL CANNULA"), xo("O2FLOW", "four", unit="L/min")], "XOORRES"),
        ([xo("O2DEV", "NASAL CANNULA"), xo("O2FLOW", "90", unit="L/min")], "XOORRES"),
        ([xo("O2FLOW", "4", unit="L/min")], "O2FLOW"),
    ],
)
def test_oxygen_that_cannot_be_read_is_reported_and_left_unknown(
    rows: list[dict[str, Any]], variable: str
) -> None:
    result = study(VS=[vs("TEMP", "38.5", "C"), vs("SYSBP", "120", "mmHg")], XO=rows, CM=[])
    assert ("XO", variable, "unmappable") in reasons(result)
    assert "oxygen" in crs(result).missing


def test_two_flows_at_one_time_leave_the_oxygen_unknown() -> None:
    rows = [
        xo("O2DEV", "NASAL CANNULA"),
        xo("O2FLOW", "4", unit="L/min"),
        xo("O2FLOW", "8", unit="L/min"),
    ]
    result = study(VS=[vs("TEMP", "38.5", "C"), vs("SYSBP", "120", "mmHg")], XO=rows, CM=[])
    assert "oxygen" in crs(result).missing


def test_oxygen_not_done_and_other_tests_are_skipped() -> None:
    rows = [
        {**xo("O2DEV", None), "XOSTAT": "NOT DONE"},
        xo("FIO2", "0.4"),
        xo("O2DEV", "CPAP", at="2024-03-05"),
    ]
    result = study(XO=rows, CM=[])
    assert reasons(result) == [("XO", "XODTC", "unplaced")]


def pr(
    name: str, start: str | None, end: str | None = None, dose: Any = None, unit: str | None = None
) -> dict[str, Any]:
    return {
        "USUBJID": "P1",
        "PRSEQ": 1.0,
        "PRTRT": name,
        "PRSTDTC": start,
        "PRENDTC": end,
        "PRDOSE": dose,
        "PRDOSU": unit,
    }


PR_OXYGEN = SdtmMapping(oxygen=OxygenMapping(kind="interventions", domain="PR"))


@pytest.mark.parametrize(
    ("records", "complete", "grade_min", "grade_max"),
    [
        (
            [pr("HIGH FLOW NASAL CANNULA", "2024-03-05T06:00", "2024-03-05T10:00", 40.0, "L/min")],
            False,
            3,
            3,
        ),
        ([pr("NASAL CANNULA", "2024-03-05T06:00", None, 2.0, "L/min")], False, 2, 2),
        ([pr("CPAP", "2024-03-05T09:00")], False, 1, 4),
        ([pr("CPAP", "2024-03-05T09:00")], True, 1, 1),
        ([pr("CPAP", "2024-03-05")], False, 1, 4),
        ([pr("BIOPSY", "2024-03-05T06:00")], True, 1, 1),
        ([pr("ROOM AIR", "2024-03-05T06:00", None, 0.0, "L/min")], False, 1, 1),
    ],
)
def test_oxygen_from_intervention_records(
    records: list[dict[str, Any]], complete: bool, grade_min: int, grade_max: int
) -> None:
    mapping = SdtmMapping(
        oxygen=OxygenMapping(kind="interventions", domain="PR", complete=complete),
        medications=CM_COMPLETE,  # the empty CM: no vasopressor given (declared)
    )
    result = study(
        mapping, VS=[vs("TEMP", "38.5", "C"), vs("SYSBP", "120", "mmHg")], PR=records, CM=[]
    )
    assert (crs(result).grade_min, crs(result).grade_max) == (grade_min, grade_max)


def test_intervention_records_without_a_start_or_with_a_bad_flow_are_reported() -> None:
    records = [pr("CPAP", None), pr("NASAL CANNULA", "2024-03-05T06:00", None, 4.0, "mL/min")]
    result = study(PR_OXYGEN, VS=[vs("TEMP", "38.5", "C")], PR=records, CM=[])
    assert reasons(result) == [("PR", "PRSTDTC", "unplaced"), ("PR", "PRDOSU", "unmappable")]


# --- CM: vasopressors (D3) and the therapies of the waiver (D1) -----------------------------------


@pytest.mark.parametrize(
    ("names", "grade"),
    [
        (["NOREPINEPHRINE"], 3),
        (["NORADRENALINE"], 3),
        (["VASOPRESSIN"], 3),
        (["NOREPINEPHRINE", "VASOPRESSIN"], 3),
        (["NOREPINEPHRINE", "ADRENALINE"], 4),
        (["NOREPINEPHRINE", "NORADRENALINE"], 3),
        (["ANGIOTENSIN II", "DOPAMINE"], 4),
        (["Phenylephrine"], 3),
    ],
)
def test_vasopressors_by_name_and_synonym(names: list[str], grade: int) -> None:
    records = [cm(name, "2024-03-05T07:00", "2024-03-05T09:00") for name in names]
    result = study(
        VS=[vs("TEMP", "38.5", "C"), vs("SYSBP", "100", "mmHg")],
        XO=[xo("O2DEV", "ROOM AIR")],
        CM=records,
    )
    assert crs(result).grade == grade


def test_a_vasopressor_covers_only_its_own_interval() -> None:
    records = [cm("NOREPINEPHRINE", "2024-03-05T07:00", "2024-03-05T09:00")]
    result = study(
        VS=[vs("TEMP", "38.5", "C", at=T1), vs("SYSBP", "100", "mmHg", at=T1)],
        XO=[xo("O2DEV", "ROOM AIR", at=T1)],
        CM=records,
    )
    assert crs(result).grade == 1


def test_an_ongoing_vasopressor_covers_every_later_time() -> None:
    result = study(
        VS=[vs("TEMP", "38.5", "C", at=T1)],
        XO=[xo("O2DEV", "ROOM AIR", at=T1)],
        CM=[cm("NOREPINEPHRINE", "2024-03-05T07:00")],
    )
    assert crs(result).grade == 3


def test_an_imprecise_vasopressor_leaves_vasopressors_unknown_and_is_reported() -> None:
    result = study(
        VS=[vs("TEMP", "38.5", "C"), vs("SYSBP", "85", "mmHg")],
        XO=[xo("O2DEV", "ROOM AIR")],
        CM=[cm("NOREPINEPHRINE", "2024-03-05")],
    )
    assert reasons(result) == [("CM", "CMSTDTC", "unplaced")]
    assert (crs(result).grade_min, crs(result).grade_max) == (2, 4)


def test_vasopressors_are_unknown_where_cm_has_no_record_unless_cm_is_declared_complete() -> None:
    # Hypotension (85 mmHg at 40 years, D5) with a fever on room air and no CM record at that time.
    rows = [vs("TEMP", "38.5", "C"), vs("SYSBP", "85", "mmHg")]
    oxygen = [xo("O2DEV", "ROOM AIR")]
    # The default: CM is not known to be complete, so vasopressors are unknown (D13): 2-4.
    assert SdtmMapping().medications.complete is False
    default = crs(study(SdtmMapping(), VS=rows, XO=oxygen, CM=[]))
    assert (default.grade_min, default.grade_max, default.missing) == (2, 4, ("vasopressors",))
    # The study declares its CM complete (--cm-complete): no record means none given: 2.
    assert crs(study(DECLARED, VS=rows, XO=oxygen, CM=[])).grade == 2
    # Without a CM domain at all, vasopressors are unknown even when CM is declared complete.
    assert crs(study(DECLARED, VS=rows, XO=oxygen)).grade_max == 4
    # A normal systolic pressure does not settle it either: a vasopressor may be what keeps it
    # normal, so by default a fever with 120 mmHg is 1-4, and 1 once CM is declared complete.
    normal = [vs("TEMP", "38.5", "C"), vs("SYSBP", "120", "mmHg")]
    default = crs(study(SdtmMapping(), VS=normal, XO=oxygen, CM=[]))
    assert (default.grade_min, default.grade_max) == (1, 4)
    assert crs(study(DECLARED, VS=normal, XO=oxygen, CM=[])).grade == 1
    # A record that covers the time gives its agent under either setting: 3.
    pressor = [cm("NOREPINEPHRINE", "2024-03-05T07:00", "2024-03-05T09:00")]
    assert crs(study(SdtmMapping(), VS=rows, XO=oxygen, CM=pressor)).grade == 3
    assert crs(study(DECLARED, VS=rows, XO=oxygen, CM=pressor)).grade == 3


def test_an_inotrope_is_reported_not_counted() -> None:
    result = study(
        VS=[vs("TEMP", "38.5", "C"), vs("SYSBP", "85", "mmHg")],
        XO=[xo("O2DEV", "ROOM AIR")],
        CM=[cm("DOBUTAMINE", "2024-03-05T07:00")],
    )
    assert reasons(result) == [("CM", "CMDECOD", "not_used")]
    assert crs(result).grade == 2


def test_a_vasopressor_without_start_is_reported() -> None:
    result = study(CM=[cm("NOREPINEPHRINE", None)])
    assert reasons(result) == [("CM", "CMSTDTC", "unplaced")]


@pytest.mark.parametrize("name", ["TOCILIZUMAB", "DEXAMETHASONE", "PARACETAMOL", "ACETAMINOPHEN"])
def test_a_therapy_after_the_fever_waives_it(name: str) -> None:
    rows = [
        vs("TEMP", "38.5", "C", at=T0),
        vs("TEMP", "37.0", "C", at=T1),
        vs("SYSBP", "85", "mmHg", at=T1),
    ]
    result = study(VS=rows, XO=[xo("O2DEV", "ROOM AIR", at=T1)], CM=[cm(name, "2024-03-05T09:00")])
    subject = result.subjects[0]
    assert subject.result is not None
    assert subject.result.crs[1].waiver is True
    assert crs(result, 1).grade == 2


def test_a_therapy_at_an_imprecise_time_is_reported_not_placed() -> None:
    result = study(CM=[cm("TOCILIZUMAB", "2024-03")])
    assert reasons(result) == [("CM", "CMSTDTC", "unplaced")]
    course = result.subjects[0].course
    assert course is not None
    assert course.treatments == ()


def test_other_medications_are_not_inputs() -> None:
    assert not study(CM=[cm("ONDANSETRON", "2024-03-05T07:00")]).issues


# --- QS: ICE, CAPD and the neurological findings (D7-D11) ----------------------------------------

ALERT = [qs("LOC", "ALERT"), qs("SEIZURE", "N"), qs("MOTOR", "NONE"), qs("ICP", "NONE")]


def icans(result: StudyDerivation) -> Any:
    subject = result.subjects[0]
    assert subject.result is not None
    return subject.result.icans[0].result


@pytest.mark.parametrize(
    ("total", "grade"), [("10", 0), ("9", 1), ("7", 1), ("6", 2), ("3", 2), ("2", 3)]
)
def test_ice_total_bands(total: str, grade: int) -> None:
    assert icans(study(QS=[qs("ICETOT", total), *ALERT])).grade == grade


def test_ice_items_and_standard_result() -> None:
    items = [qs(f"ICE{n:02d}", "1") for n in range(1, 10)] + [qs("ICE10", None, QSSTRESN=0.0)]
    assert icans(study(QS=[*items, *ALERT])).grade == 1


def test_capd_for_a_child_and_its_answers() -> None:
    answers = [qs(f"CAPD{n:02d}", "NEVER" if n <= 4 else "ALWAYS") for n in range(1, 9)]
    result = study(DM=[dm(AGE=8.0)], QS=[*answers, *ALERT])
    assert icans(result).grade == 3
    assert icans(study(DM=[dm(AGE=8.0)], QS=[qs("CAPDTOT", "4"), *ALERT])).grade == 1


@pytest.mark.parametrize(
    ("finding", "grade"),
    [
        (qs("LOC", "AWAKENS TO VOICE"), 2),
        (qs("SEIZURE", "Y"), 3),
        (qs("MOTOR", "HEMIPARESIS"), 4),
        (qs("ICP", "FOCAL OEDEMA"), 3),
        (qs("ICP", "DIFFUSE OEDEMA"), 4),
    ],
)
def test_neurological_findings(finding: dict[str, Any], grade: int) -> None:
    rest = [r for r in ALERT if r["QSTESTCD"] != finding["QSTESTCD"]]
    assert icans(study(QS=[qs("ICETOT", "10"), *rest, finding])).grade_min == grade


def test_two_icp_findings_at_one_time_are_both_kept() -> None:
    rows = [
        qs("ICETOT", "10"),
        *ALERT[:3],
        qs("ICP", "FOCAL OEDEMA"),
        qs("ICP", "PAPILLOEDEMA"),
        qs("ICP", "PAPILLOEDEMA"),
    ]
    subject = study(QS=rows).subjects[0]
    assert subject.course is not None
    assert len(subject.course.icans_assessments[0].assessment.icp or ()) == 2


@pytest.mark.parametrize(
    ("row", "variable", "kind"),
    [
        (qs("ICETOT", "ten"), "QSORRES", "unmappable"),
        (qs("ICETOT", "9.5"), "QSORRES", "unmappable"),
        (qs("LOC", "SLEEPY"), "QSORRES", "unmappable"),
        (qs("ICETOT", "9", at="2024-03-05"), "QSDTC", "unplaced"),
        ({**qs("ICETOT", None), "QSSTAT": "NOT DONE"}, "QSSTAT", "not_used"),
        (qs("ICE01", "2"), "assessment.ice.orientation_year", "unmappable"),
    ],
)
def test_qs_records_that_cannot_be_used_are_reported(
    row: dict[str, Any], variable: str, kind: str
) -> None:
    result = study(QS=[row, qs("OTHER", "1")])
    assert reasons(result)[0][1:] == (variable, kind)


def test_without_age_icans_has_no_instrument_choice_but_is_graded() -> None:
    result = study(DM=[dm(AGE=None)], QS=[qs("ICETOT", "10"), *ALERT])
    assert icans(result).grade_max >= 0


# --- AE, DM, EX -----------------------------------------------------------------------------------


def ae(term: str, grade: Any, start: Any = T0, end: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "USUBJID": "P1",
        "AESEQ": 1.0,
        "AEDECOD": term,
        "AETOXGR": grade,
        "AESTDTC": start,
        "AEENDTC": end,
        **extra,
    }


@pytest.mark.parametrize(
    ("grade", "read", "issue"),
    [
        ("1", 1, False),
        ("5", 5, False),
        (3.0, 3, False),
        ("0", None, True),
        ("6", None, True),
        ("Grade 2", None, True),
        (None, None, True),
    ],
)
def test_aetoxgr_is_read_as_a_grade_1_to_5(grade: Any, read: int | None, issue: bool) -> None:
    result = study(AE=[ae("Cytokine release syndrome", grade)])
    assert result.subjects[0].events[0].grade == read
    assert bool(result.issues) is issue


def test_events_are_recognised_by_aedecod() -> None:
    rows = [
        ae("CYTOKINE RELEASE SYNDROME", "2"),
        ae("Immune effector cell-associated neurotoxicity syndrome", "1"),
        ae("Pyrexia", "1"),
        ae("Neurotoxicity", "2"),
    ]
    assert [e.scale for e in study(AE=rows).subjects[0].events] == ["CRS", "ICANS"]
    mapping = SdtmMapping(
        adverse_events=AdverseEventMapping(icans_terms=frozenset({"NEUROTOXICITY"}))
    )
    assert [e.scale for e in study(mapping, AE=rows).subjects[0].events] == ["CRS", "ICANS"]


@pytest.mark.parametrize(
    ("events", "crs", "icans_"),
    [
        ([ae("Cytokine release syndrome", "5", AEOUT="FATAL")], True, False),
        ([ae("Sepsis", "5", AESDTH="Y")], False, False),
        ([], None, None),
    ],
)
def test_death_attribution_from_fatal_events(
    events: list[dict[str, Any]], crs: Any, icans_: Any
) -> None:
    result = study(DM=[dm(DTHDTC="2024-03-06T10:00", DTHFL="Y")], AE=events)
    course = result.subjects[0].course
    assert course is not None
    assert course.death is not None
    assert (course.death.due_to_crs, course.death.due_to_icans) == (crs, icans_)


def test_an_imprecise_death_is_reported() -> None:
    result = study(DM=[dm(DTHDTC="2024-03", DTHFL="Y")])
    assert reasons(result) == [("DM", "DTHDTC", "unplaced")]


@pytest.mark.parametrize(
    ("dm_row", "ex", "mapping", "infusion"),
    [
        (dm(), [], None, "2024-03-04T10:00:00+00:00"),
        (
            dm(),
            [{"USUBJID": "P1", "EXTRT": "CART", "EXSTDTC": "2024-03-04T09:00"}],
            None,
            "2024-03-04T09:00:00+00:00",
        ),
        (
            dm(),
            [
                {"USUBJID": "P1", "EXTRT": "FLU", "EXSTDTC": "2024-02-28T09:00"},
                {"USUBJID": "P1", "EXTRT": "CART", "EXSTDTC": "2024-03-04T09:30"},
            ],
            SdtmMapping(infusion_treatments=frozenset({"CART"})),
            "2024-03-04T09:30:00+00:00",
        ),
        (
            dm(),
            [{"USUBJID": "P1", "EXTRT": "CART", "EXSTDTC": "2024-03-04"}],
            None,
            "2024-03-04T10:00:00+00:00",
        ),
        (dm(), [], SdtmMapping(time_zone="Asia/Tokyo"), "2024-03-04T10:00:00+09:00"),
    ],
)
def test_infusion_from_ex_then_dm(
    dm_row: dict[str, Any], ex: list[dict[str, Any]], mapping: Any, infusion: str
) -> None:
    result = study(mapping, DM=[dm_row], EX=ex)
    course = result.subjects[0].course
    assert course is not None
    assert course.infusion_at.isoformat() == infusion


@pytest.mark.parametrize("rfx", ["2024-03-04", None])
def test_without_a_precise_infusion_the_course_is_not_built(rfx: Any) -> None:
    result = study(DM=[dm(RFXSTDTC=rfx)])
    assert result.subjects[0].course is None
    assert result.issues[-1].kind == "subject"


def test_an_invalid_course_is_reported() -> None:
    # An assessment after the death makes the course invalid (after_death).
    result = study(DM=[dm(DTHDTC="2024-03-05T07:00")], VS=[vs("TEMP", "38.5", "C")])
    assert result.subjects[0].course is None
    assert result.issues[-1].kind == "subject"


def test_an_invalid_assessment_is_reported_and_left_out() -> None:
    # ICE items that disagree with the ICE total are refused by the model.
    items = [qs(f"ICE{n:02d}", "1") for n in range(1, 11)]
    result = study(QS=[*items, qs("ICETOT", "5")])
    assert result.issues
    assert result.issues[0].domain == "DM/QS"


def test_records_of_subjects_outside_dm_or_without_usubjid_are_reported() -> None:
    result = study(
        VS=[
            vs("TEMP", "38", "C"),
            {**vs("TEMP", "38", "C"), "USUBJID": "P2"},
            {**vs("TEMP", "38", "C"), "USUBJID": None},
        ]
    )
    assert sorted((str(i.usubjid), i.kind) for i in result.issues if i.kind != "unplaced") == [
        ("None", "unmappable"),
        ("P2", "subject"),
    ]


def test_without_dm_the_subjects_come_from_the_other_domains() -> None:
    result = derive_study({"EX": [{"USUBJID": "P9", "EXSTDTC": "2024-03-04T09:00"}]})
    assert [s.usubjid for s in result.subjects] == ["P9"]
    assert result.studyid is None


def test_an_unknown_time_zone_is_an_error() -> None:
    with pytest.raises(ValueError, match="IANA"):
        derive_study({}, SdtmMapping(time_zone="Mars/Olympus"))
