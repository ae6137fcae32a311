"""LLDAS (Franklyn 2016): a row on both sides of each bound (D14, D19), major-organ activity,
unknown inputs (D13)."""

from __future__ import annotations

from typing import Any

import pytest

from astct_grading.sle.response import (
    Outcome,
    ResponseResult,
    assess_lldas,
)
from astct_grading.sle.sledai import Sledai2kOptions
from tests.sledai_form import DESCRIPTORS

# LLDAS major organ systems: renal, CNS, cardiopulmonary, vasculitis, fever (Franklyn 2016).
MAJOR = (
    "seizure",
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cranial_nerve_disorder",
    "lupus_headache",
    "cerebrovascular_accident",
    "vasculitis",
    "urinary_casts",
    "haematuria",
    "proteinuria",
    "pyuria",
    "pleurisy",
    "pericarditis",
    "fever",
)
NOT_MAJOR = tuple(d for d in DESCRIPTORS if d not in MAJOR)
ABSENT: dict[str, Any] = dict.fromkeys(DESCRIPTORS, False)
MORE_THAN_TWO = Sledai2kOptions(arthritis_threshold="more_than_two")
#: Arthritis at exactly 2 joints: 4 points under the default reading, 0 with ``more_than_two``.
TWO_JOINTS: dict[str, Any] = {**ABSENT, "arthritis": None, "arthritis_joint_count": 2}


def visit(**changes: Any) -> dict[str, Any]:
    return {**ABSENT, **changes}


def outcomes(result: ResponseResult) -> dict[str, str]:
    return {c.key: c.outcome.value for c in result.criteria}


# --- LLDAS -----------------------------------------------------------------------------------

LLDAS_OK: dict[str, Any] = {
    "visit": visit(arthritis=True),
    "haemolytic_anaemia": False,
    "gastrointestinal_activity": False,
    "new_activity": False,
    "pga": 1.0,
    "prednisolone_mg_day": 7.5,
    "standard_maintenance": True,
}


def lldas(**changes: Any) -> ResponseResult:
    return assess_lldas({**LLDAS_OK, **changes})


def test_lldas_all_criteria_met() -> None:
    result = lldas()
    assert result.outcome is Outcome.MET
    assert list(outcomes(result)) == [
        "sledai_at_most_4",
        "no_major_organ_activity",
        "no_haemolytic_anaemia",
        "no_gastrointestinal_activity",
        "no_new_activity",
        "pga_at_most_1",
        "prednisolone_at_most_7_5",
        "standard_maintenance",
    ]
    assert result.criteria_version == "LLDAS-2016"


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"arthritis": True}, "met"),  # 4
        ({"arthritis": True, "leukopenia": True}, "not_met"),  # 5
        ({"low_complement": True, "increased_dna_binding": True}, "met"),  # 4, serology counts
        ({"arthritis": True, "low_complement": True}, "not_met"),  # 6
        ({"rash": True, "alopecia": True, "thrombocytopenia": True}, "not_met"),  # 5
    ],
)
def test_lldas_sledai_at_most_4(changes: dict[str, Any], outcome: str) -> None:
    result = lldas(visit=visit(**changes))
    assert outcomes(result)["sledai_at_most_4"] == outcome
    assert outcomes(result)["no_major_organ_activity"] == "met"
    assert result.outcome.value == outcome


@pytest.mark.parametrize("name", MAJOR)
def test_lldas_major_organ_activity_is_not_lldas(name: str) -> None:
    result = lldas(visit=visit(**{name: True}))
    assert outcomes(result)["no_major_organ_activity"] == "not_met"
    assert result.outcome is Outcome.NOT_MET
    assert f"major-organ activity: {name}" in result.explanation


@pytest.mark.parametrize("name", NOT_MAJOR)
def test_lldas_minor_activity_alone_is_allowed(name: str) -> None:
    result = lldas(visit=visit(**{name: True}))
    assert result.outcome is Outcome.MET


@pytest.mark.parametrize(
    ("pga", "outcome"),
    [(0, "met"), (1.0, "met"), (1.004, "met"), (1.01, "not_met"), (1.1, "not_met")],
)
def test_lldas_pga_at_most_1(pga: float, outcome: str) -> None:
    assert outcomes(lldas(pga=pga))["pga_at_most_1"] == outcome
    assert lldas(pga=pga).outcome.value == outcome


@pytest.mark.parametrize(
    ("dose", "outcome"), [(7.5, "met"), (7.504, "met"), (7.51, "not_met"), (7.6, "not_met")]
)
def test_lldas_prednisolone_at_most_7_5(dose: float, outcome: str) -> None:
    result = lldas(prednisolone_mg_day=dose)
    assert outcomes(result)["prednisolone_at_most_7_5"] == outcome
    assert result.outcome.value == outcome
    assert f"prednisolone {dose:g} mg/day (≤ 7.5 mg/day needed)" in result.explanation


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("haemolytic_anaemia", True, "no_haemolytic_anaemia"),
        ("gastrointestinal_activity", True, "no_gastrointestinal_activity"),
        ("new_activity", True, "no_new_activity"),
        ("standard_maintenance", False, "standard_maintenance"),
    ],
)
def test_lldas_flags(field: str, value: bool, key: str) -> None:
    result = lldas(**{field: value})
    assert outcomes(result)[key] == "not_met"
    assert result.outcome is Outcome.NOT_MET
    unknown = lldas(**{field: None})
    assert outcomes(unknown)[key] == "cannot_tell"
    assert unknown.missing == (field,)


def test_lldas_unknown_descriptor_lists_only_the_inputs_that_matter() -> None:
    # Leukopenia (1) cannot move the total across 4 whether or not the seizure is present.
    result = lldas(visit=visit(seizure=None, leukopenia=None))
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.criterion("sledai_at_most_4").missing == ("visit.seizure",)
    assert result.criterion("no_major_organ_activity").missing == ("visit.seizure",)
    assert result.missing == ("visit.seizure",)


def test_lldas_unknown_minor_descriptor_at_the_bound() -> None:
    result = lldas(visit=visit(arthritis=True, leukopenia=None))
    assert outcomes(result)["sledai_at_most_4"] == "cannot_tell"
    assert outcomes(result)["no_major_organ_activity"] == "met"
    assert result.missing == ("visit.leukopenia", "visit.wbc_10e9_l")


def test_lldas_unknown_cause_of_a_major_finding() -> None:
    result = lldas(visit=visit(fever=True, fever_other_cause=None))
    assert outcomes(result)["no_major_organ_activity"] == "cannot_tell"
    assert result.missing == ("visit.fever_other_cause",)
    assert "major-organ descriptors open: fever" in result.explanation
    excluded = lldas(visit=visit(fever=True, fever_other_cause=True))
    assert excluded.outcome is Outcome.MET


def test_lldas_scores_the_visit_with_the_option() -> None:
    # The SLEDAI-2K option (D16) reaches the visit scored.
    result = assess_lldas({"visit": TWO_JOINTS}, options=MORE_THAN_TWO)
    assert result.scores[0].score == 0
    assert result.criterion("sledai_at_most_4").detail == "SLEDAI-2K 0 (≤ 4 needed): met"
