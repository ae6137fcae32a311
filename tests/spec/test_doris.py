"""DORIS 2021 remission (van Vollenhoven 2021): a row on both sides of each bound (D14, D19),
unknown inputs (D13)."""

from __future__ import annotations

from typing import Any

import pytest

from astct_grading.sle.response import (
    Outcome,
    ResponseResult,
    assess_doris_remission,
)
from astct_grading.sle.sledai import Sledai2kOptions
from tests.sledai_form import DESCRIPTORS

ABSENT: dict[str, Any] = dict.fromkeys(DESCRIPTORS, False)
MORE_THAN_TWO = Sledai2kOptions(arthritis_threshold="more_than_two")
#: Arthritis at exactly 2 joints: 4 points under the default reading, 0 with ``more_than_two``.
TWO_JOINTS: dict[str, Any] = {**ABSENT, "arthritis": None, "arthritis_joint_count": 2}


def visit(**changes: Any) -> dict[str, Any]:
    return {**ABSENT, **changes}


def outcomes(result: ResponseResult) -> dict[str, str]:
    return {c.key: c.outcome.value for c in result.criteria}


# --- DORIS 2021 remission --------------------------------------------------------------------

DORIS_OK: dict[str, Any] = {
    "visit": ABSENT,
    "pga": 0.2,
    "prednisolone_mg_day": 2.5,
    "stable_maintenance": True,
}


def doris(**changes: Any) -> ResponseResult:
    return assess_doris_remission({**DORIS_OK, **changes})


def test_doris_all_criteria_met() -> None:
    result = doris()
    assert result.outcome is Outcome.MET
    assert result.met is True
    assert list(outcomes(result)) == [
        "clinical_sledai_zero",
        "pga_below_0_5",
        "prednisolone_at_most_5",
        "stable_maintenance",
    ]
    assert set(outcomes(result).values()) == {"met"}
    assert result.criteria_version == "DORIS-2021"
    assert result.missing == ()
    assert "D19" in result.decisions
    assert result.explanation.startswith("DORIS remission met: clinical SLEDAI 0")


@pytest.mark.parametrize(
    ("pga", "outcome"),
    [
        (0.0, "met"),
        (0.49, "met"),
        (0.494, "met"),
        (0.495, "not_met"),
        (0.5, "not_met"),
        (3, "not_met"),
    ],
)
def test_doris_pga_is_strictly_below_0_5(pga: float, outcome: str) -> None:
    result = doris(pga=pga)
    assert result.outcome.value == outcome
    assert outcomes(result)["pga_below_0_5"] == outcome


@pytest.mark.parametrize(
    ("dose", "outcome"),
    [
        (0, "met"),
        (5.0, "met"),
        (5.004, "met"),
        (5.1, "not_met"),
        (5.01, "not_met"),
        (20, "not_met"),
    ],
)
def test_doris_prednisolone_at_most_5(dose: float, outcome: str) -> None:
    result = doris(prednisolone_mg_day=dose)
    assert result.outcome.value == outcome
    assert outcomes(result)["prednisolone_at_most_5"] == outcome


def test_doris_ignores_serology() -> None:
    result = doris(visit=visit(low_complement=True, increased_dna_binding=True))
    assert result.outcome is Outcome.MET
    assert result.scores[0].score == 4
    unknown_serology = doris(visit=visit(low_complement=None, increased_dna_binding=None))
    assert unknown_serology.outcome is Outcome.MET


@pytest.mark.parametrize(
    "name", [d for d in DESCRIPTORS if d not in ("low_complement", "increased_dna_binding")]
)
def test_doris_any_clinical_descriptor_prevents_remission(name: str) -> None:
    result = doris(visit=visit(**{name: True}))
    assert result.outcome is Outcome.NOT_MET
    assert outcomes(result)["clinical_sledai_zero"] == "not_met"


def test_doris_unknown_clinical_descriptor_cannot_tell() -> None:
    result = doris(visit=visit(rash=None))
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.met is None
    assert result.missing == ("visit.rash",)
    assert "D13" in result.decisions
    assert "open until given: visit.rash" in result.explanation


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"pga": None}, ("pga",)),
        ({"prednisolone_mg_day": None}, ("prednisolone_mg_day",)),
        ({"stable_maintenance": None}, ("stable_maintenance",)),
    ],
)
def test_doris_unknown_inputs_cannot_tell(
    changes: dict[str, Any], missing: tuple[str, ...]
) -> None:
    result = doris(**changes)
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.missing == missing


def test_doris_unstable_therapy_is_not_remission() -> None:
    result = doris(stable_maintenance=False)
    assert result.outcome is Outcome.NOT_MET
    assert "maintenance therapy not stable: not met" in result.explanation


def test_doris_one_criterion_not_met_decides_whatever_is_unknown() -> None:
    result = assess_doris_remission({"visit": visit(rash=None), "pga": 1.0})
    assert result.outcome is Outcome.NOT_MET
    assert result.met is False
    assert result.missing == ()


def test_doris_scores_the_visit_with_the_option() -> None:
    # The SLEDAI-2K option (D16) reaches the visit scored.
    result = assess_doris_remission({"visit": TWO_JOINTS}, options=MORE_THAN_TWO)
    assert result.scores[0].score == 0
    assert result.criterion("clinical_sledai_zero").outcome is Outcome.MET
