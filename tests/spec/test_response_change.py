"""SLEDAI-2K change from baseline: ranges with unknown descriptors (D13), windows (D18)."""

from __future__ import annotations

import json
from typing import Any

from astct_grading.sle.response import (
    ResponseResult,
    SledaiChangeInput,
    change_from_baseline,
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


# --- Change from baseline ----------------------------------------------------------------------


def test_change_from_baseline_determined() -> None:
    result = change_from_baseline(
        {
            "baseline": visit(arthritis=True, low_complement=True, visit_date="2024-01-10"),
            "follow_up": visit(low_complement=True, visit_date="2024-04-09"),
        }
    )
    assert (result.change, result.change_min, result.change_max) == (-4, -4, -4)
    assert result.clinical_change == -4
    assert result.days == 90
    assert result.missing == ()
    assert result.criteria_version == "SLEDAI-2K-2002"
    assert result.explanation == (
        "SLEDAI-2K change -4: baseline 6, follow-up 2 (90 days later); clinical SLEDAI change -4."
    )


def test_change_from_baseline_with_unknowns_is_a_range() -> None:
    result = change_from_baseline(
        {"baseline": visit(seizure=True, rash=None), "follow_up": visit(low_complement=None)}
    )
    assert (result.change, result.change_min, result.change_max) == (None, -10, -6)
    assert (result.clinical_change, result.clinical_change_min, result.clinical_change_max) == (
        None,
        -10,
        -8,
    )
    assert result.missing == (
        "baseline.rash",
        "follow_up.low_complement",
        "follow_up.c3",
        "follow_up.c4",
        "follow_up.ch50",
    )
    assert result.days is None
    assert "D13" in result.decisions


def test_change_from_baseline_records_different_windows() -> None:
    result = change_from_baseline(
        SledaiChangeInput(baseline=ABSENT, follow_up=visit(window_days=30))  # type: ignore[arg-type]
    )
    assert (result.baseline.window_days, result.follow_up.window_days) == (10, 30)
    assert "windows differ (10 and 30 days, D18)" in result.explanation
    assert json.loads(result.to_json())["follow_up"]["window_days"] == 30


def test_change_from_baseline_scores_both_visits_with_the_option() -> None:
    both = {"baseline": TWO_JOINTS, "follow_up": TWO_JOINTS}
    assert change_from_baseline(both).baseline.score == 4
    result = change_from_baseline(both, options=MORE_THAN_TWO)
    assert (result.baseline.score, result.follow_up.score, result.change) == (0, 0, 0)


def test_a_change_result_is_compact_utf8_json() -> None:
    result = change_from_baseline(
        {"baseline": {"temperature": {"value": 38.4, "unit": "C"}}, "follow_up": {}}
    )
    text = result.to_json()
    assert text.startswith('{"baseline":{"scale":"SLEDAI-2K","score":null,"score_min":1,')
    assert '"detail":"38.4 °C > 38.0 °C"' in text
