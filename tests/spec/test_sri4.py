"""SRI-4 (Furie 2009, on SLEDAI-2K by D19): a row on both sides of each bound, PGA worsening on
the decimals given (D14), unknown inputs (D13)."""

from __future__ import annotations

from typing import Any

import pytest

from astct_grading.sle.response import (
    Outcome,
    ResponseResult,
    Sri4Input,
    assess_sri4,
)
from astct_grading.sle.sledai import Sledai2kOptions, SledaiVisit
from tests.sledai_form import DESCRIPTORS

ABSENT: dict[str, Any] = dict.fromkeys(DESCRIPTORS, False)
MORE_THAN_TWO = Sledai2kOptions(arthritis_threshold="more_than_two")
#: Arthritis at exactly 2 joints: 4 points under the default reading, 0 with ``more_than_two``.
TWO_JOINTS: dict[str, Any] = {**ABSENT, "arthritis": None, "arthritis_joint_count": 2}


def visit(**changes: Any) -> dict[str, Any]:
    return {**ABSENT, **changes}


def outcomes(result: ResponseResult) -> dict[str, str]:
    return {c.key: c.outcome.value for c in result.criteria}


# --- SRI-4 -----------------------------------------------------------------------------------

SRI4_OK: dict[str, Any] = {
    "baseline": visit(arthritis=True, rash=True, proteinuria=True),  # 10
    "follow_up": visit(rash=True),  # 2
    "new_bilag_a": 0,
    "new_bilag_b": 1,
    "pga_baseline": 1.0,
    "pga_follow_up": 1.0,
}


def sri4(**changes: Any) -> ResponseResult:
    return assess_sri4({**SRI4_OK, **changes})


def test_sri4_all_criteria_met() -> None:
    result = sri4()
    assert result.outcome is Outcome.MET
    assert list(outcomes(result)) == [
        "sledai_reduction_at_least_4",
        "no_new_bilag_a",
        "at_most_one_new_bilag_b",
        "pga_increase_below_0_3",
    ]
    assert result.criteria_version == "SRI-4-2009 on SLEDAI-2K (D19)"
    assert "SELENA-SLEDAI" in result.criterion("sledai_reduction_at_least_4").rule
    assert [s.score for s in result.scores] == [10, 2]


@pytest.mark.parametrize(
    ("follow_up", "reduction", "outcome"),
    [
        (visit(arthritis=True), 3, "not_met"),  # 7 -> 4
        (visit(rash=True, fever=True), 4, "met"),  # 7 -> 3
        (ABSENT, 7, "met"),
        (visit(arthritis=True, rash=True, fever=True), 0, "not_met"),
        (visit(seizure=True), -1, "not_met"),
    ],
)
def test_sri4_sledai_reduction_at_least_4(
    follow_up: dict[str, Any], reduction: int, outcome: str
) -> None:
    result = sri4(baseline=visit(arthritis=True, rash=True, fever=True), follow_up=follow_up)
    assert outcomes(result)["sledai_reduction_at_least_4"] == outcome
    assert f"reduction {reduction} (≥ 4 needed)" in result.explanation
    assert result.outcome.value == outcome


@pytest.mark.parametrize(("new_a", "outcome"), [(0, "met"), (1, "not_met"), (9, "not_met")])
def test_sri4_no_new_bilag_a(new_a: int, outcome: str) -> None:
    result = sri4(new_bilag_a=new_a)
    assert outcomes(result)["no_new_bilag_a"] == outcome
    assert result.outcome.value == outcome


@pytest.mark.parametrize(("new_b", "outcome"), [(0, "met"), (1, "met"), (2, "not_met")])
def test_sri4_at_most_one_new_bilag_b(new_b: int, outcome: str) -> None:
    result = sri4(new_bilag_b=new_b)
    assert outcomes(result)["at_most_one_new_bilag_b"] == outcome
    assert result.outcome.value == outcome


@pytest.mark.parametrize(
    ("before", "after", "outcome"),
    [
        (1.0, 1.29, "met"),
        (1.0, 1.3, "not_met"),
        (0.0, 0.29, "met"),
        (0.0, 0.3, "not_met"),
        (2.1, 2.4, "not_met"),
        (2.11, 2.4, "met"),
        (1.0, 0.2, "met"),
        (0.7, 3.0, "not_met"),
    ],
)
def test_sri4_pga_worsening_below_0_3(before: float, after: float, outcome: str) -> None:
    result = sri4(pga_baseline=before, pga_follow_up=after)
    assert outcomes(result)["pga_increase_below_0_3"] == outcome
    assert result.outcome.value == outcome


@pytest.mark.parametrize(
    ("before", "after", "outcome", "missing"),
    [
        (None, 0.29, "met", ()),  # at most 0.29 whatever the baseline
        (None, 0.3, "cannot_tell", ("pga_baseline",)),
        (2.71, None, "met", ()),  # at most 0.29 whatever the follow-up
        (2.7, None, "cannot_tell", ("pga_follow_up",)),
        (None, None, "cannot_tell", ("pga_baseline", "pga_follow_up")),
    ],
)
def test_sri4_unknown_pga(
    before: float | None, after: float | None, outcome: str, missing: tuple[str, ...]
) -> None:
    result = sri4(pga_baseline=before, pga_follow_up=after)
    criterion = result.criterion("pga_increase_below_0_3")
    assert (criterion.outcome.value, criterion.missing) == (outcome, missing)
    assert result.missing == missing


@pytest.mark.parametrize("field", ["new_bilag_a", "new_bilag_b"])
def test_sri4_unknown_bilag(field: str) -> None:
    result = sri4(**{field: None})
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.missing == (field,)


def test_sri4_unknown_descriptor_at_the_bound() -> None:
    result = sri4(baseline=visit(arthritis=True), follow_up=visit(fever=None))  # 4 - {0, 1}
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.missing == ("follow_up.fever", "follow_up.temperature")
    assert "reduction 3 to 4" in result.explanation


def test_sri4_lists_only_the_descriptors_that_matter() -> None:
    # Reduction 4 + {0, 1} - {0, 8}: the seizure decides; the fever never does.
    result = sri4(baseline=visit(arthritis=True, fever=None), follow_up=visit(seizure=None))
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.missing == ("follow_up.seizure",)


def test_sri4_range_on_one_side_of_the_bound_is_determined() -> None:
    assert sri4(baseline=visit(arthritis=True, rash=None), follow_up=ABSENT).outcome is Outcome.MET
    not_met = sri4(baseline=visit(rash=True, fever=None), follow_up=ABSENT)
    assert not_met.outcome is Outcome.NOT_MET


def test_sri4_uses_the_arthritis_option() -> None:
    data = {
        **SRI4_OK,
        "baseline": visit(arthritis=None, arthritis_joint_count=2),
        "follow_up": ABSENT,
    }
    assert assess_sri4(data).outcome is Outcome.MET
    result = assess_sri4(data, options=Sledai2kOptions(arthritis_threshold="more_than_two"))
    assert result.outcome is Outcome.NOT_MET
    assert "D16" in result.decisions


def test_sri4_scores_both_visits_with_the_option() -> None:
    result = assess_sri4({"baseline": TWO_JOINTS, "follow_up": TWO_JOINTS}, options=MORE_THAN_TWO)
    assert [score.score for score in result.scores] == [0, 0]
    assert result.criterion("sledai_reduction_at_least_4").detail == (
        "SLEDAI-2K 0 at baseline, 0 at follow-up, reduction 0 (≥ 4 needed): not met"
    )


@pytest.mark.parametrize(
    ("baseline", "follow_up", "increase", "outcome"),
    [
        # 'worsens by < 0.3' on the decimals given, at 0.01 half up (D14):
        # 1.295 - 1.0 is 0.295 exactly, 0.30 at 0.01 (half up): not below 0.3. Only the follow-up
        # is not a whole number of hundredths (0.29 if 1.005, stored as 1.00499..., were rounded
        # to 1.00 first).
        (1.0, 1.295, "0.3", Outcome.NOT_MET),
        (1.0, 1.294, "0.29", Outcome.MET),
        (0.71, 1.005, "0.3", Outcome.NOT_MET),
        # Only the baseline: 0.31 - 0.015 is 0.295, 0.30 half up (0.29 if 0.015 were rounded
        # to 0.02 first).
        (0.015, 0.31, "0.3", Outcome.NOT_MET),
        (0.015, 0.3, "0.29", Outcome.MET),
        # Neither. 1.0049 - 0.7049 is 0.3 exactly, although the float difference is
        # 0.29999999999999993.
        (0.7049, 1.0049, "0.3", Outcome.NOT_MET),
        (0.7101, 1.0049, "0.29", Outcome.MET),
        (2.5, 2.8049, "0.3", Outcome.NOT_MET),
    ],
)
def test_pga_increase_is_exact_on_the_decimals_given(
    baseline: float, follow_up: float, increase: str, outcome: Outcome
) -> None:
    result = assess_sri4(
        {"baseline": {}, "follow_up": {}, "pga_baseline": baseline, "pga_follow_up": follow_up}
    )
    criterion = result.criterion("pga_increase_below_0_3")
    assert criterion.outcome is outcome
    assert f", increase {increase} (< 0.3 needed)" in criterion.detail
    assert criterion.detail == (
        f"PGA {baseline:g} at baseline, PGA {follow_up:g} at follow-up, "
        f"increase {increase} (< 0.3 needed): {outcome.value.replace('_', ' ')}"
    )


def test_bilag_counts_outside_the_tables_are_still_assessed() -> None:
    # 'no new BILAG A', 'no more than 1 new BILAG B': a validated input holds 0-9 new BILAG
    # grades, all in the tables built at import; a model built without validation can hold more,
    # and is assessed the same way.
    data = Sri4Input.model_construct(
        baseline=SledaiVisit(),
        follow_up=SledaiVisit(),
        new_bilag_a=10,
        new_bilag_b=10,
        pga_baseline=None,
        pga_follow_up=None,
    )
    result = assess_sri4(data)
    a, b = result.criterion("no_new_bilag_a"), result.criterion("at_most_one_new_bilag_b")
    assert (a.outcome, a.detail, a.missing) == (
        Outcome.NOT_MET,
        "10 new BILAG A (none allowed): not met",
        (),
    )
    assert (b.outcome, b.detail, b.missing) == (
        Outcome.NOT_MET,
        "10 new BILAG B (≤ 1 allowed): not met",
        (),
    )
    assert a.rule == "no new BILAG A domain score"
    assert b.rule == "no more than 1 new BILAG B domain score"
