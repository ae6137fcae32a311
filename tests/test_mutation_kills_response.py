"""SLE response definitions: the details that mutation testing found unpinned (docs/mutation.md).

The table, property and snapshot tests pin every outcome and every result; these pin what else a
caller reads or relies on: the error texts, the JSON form, the SLEDAI-2K option reaching every
visit scored, PGA readings that are not whole hundredths (D14), and the BILAG criteria of a count
outside the tables built at import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading.errors import AstctGradingError
from astct_grading.sle.response import (
    Outcome,
    Sri4Input,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
)
from astct_grading.sle.sledai import Sledai2kOptions, SledaiVisit
from tests.sledai_form import NO_ACTIVITY

MORE_THAN_TWO = Sledai2kOptions(arthritis_threshold="more_than_two")
#: Arthritis at exactly 2 joints: 4 points under the default reading, 0 with ``more_than_two``.
TWO_JOINTS: dict[str, Any] = {**NO_ACTIVITY, "arthritis": None, "arthritis_joint_count": 2}


# --- Errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("assess", [change_from_baseline, assess_sri4])
def test_visits_out_of_order_name_both_dates(assess: Callable[[Any], Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        assess(
            {"baseline": {"visit_date": "2024-03-02"}, "follow_up": {"visit_date": "2024-03-01"}}
        )
    (error,) = caught.value.errors()
    assert (error["type"], error["loc"]) == ("visit_order", ())
    assert error["msg"] == (
        "the follow-up visit (2024-03-01) is dated before the baseline visit (2024-03-02)"
    )
    assert error["ctx"] == {"follow_up": "2024-03-01", "baseline": "2024-03-02"}


@pytest.mark.parametrize(
    ("assess", "message"),
    [
        (change_from_baseline, "change_from_baseline takes a SledaiChangeInput or a mapping"),
        (assess_sri4, "assess_sri4 takes a Sri4Input or a mapping"),
        (assess_doris_remission, "assess_doris_remission takes a DorisInput or a mapping"),
        (assess_lldas, "assess_lldas takes a LldasInput or a mapping"),
    ],
)
def test_misuse_names_the_function_the_model_and_the_type_given(
    assess: Callable[[Any], Any], message: str
) -> None:
    with pytest.raises(AstctGradingError) as caught:
        assess([1, 2])
    assert caught.value.type == "input_type"
    assert str(caught.value) == f"{message}, not list"


def test_a_criterion_the_definition_does_not_have_raises_with_its_key() -> None:
    with pytest.raises(KeyError) as caught:
        assess_lldas({"visit": {}}).criterion("not_a_criterion")
    assert caught.value.args == ("not_a_criterion",)


# --- JSON ------------------------------------------------------------------------------------


def test_a_response_result_is_compact_utf8_json() -> None:
    text = assess_sri4({"baseline": {"rash": True}, "follow_up": {}}).to_json()
    assert text.startswith(
        '{"definition":"SRI-4","outcome":"cannot_tell","criteria":[{"key":'
        '"sledai_reduction_at_least_4","outcome":"cannot_tell","rule":"SLEDAI-2K reduced by ≥ 4'
    )


def test_a_change_result_is_compact_utf8_json() -> None:
    result = change_from_baseline(
        {"baseline": {"temperature": {"value": 38.4, "unit": "C"}}, "follow_up": {}}
    )
    text = result.to_json()
    assert text.startswith('{"baseline":{"scale":"SLEDAI-2K","score":null,"score_min":1,')
    assert '"detail":"38.4 °C > 38.0 °C"' in text


# --- The SLEDAI-2K option reaches every visit ------------------------------------------------


def test_change_from_baseline_scores_both_visits_with_the_option() -> None:
    both = {"baseline": TWO_JOINTS, "follow_up": TWO_JOINTS}
    assert change_from_baseline(both).baseline.score == 4
    result = change_from_baseline(both, options=MORE_THAN_TWO)
    assert (result.baseline.score, result.follow_up.score, result.change) == (0, 0, 0)


def test_sri4_scores_both_visits_with_the_option() -> None:
    result = assess_sri4({"baseline": TWO_JOINTS, "follow_up": TWO_JOINTS}, options=MORE_THAN_TWO)
    assert [score.score for score in result.scores] == [0, 0]
    assert result.criterion("sledai_reduction_at_least_4").detail == (
        "SLEDAI-2K 0 at baseline, 0 at follow-up, reduction 0 (≥ 4 needed): not met"
    )


def test_doris_scores_the_visit_with_the_option() -> None:
    result = assess_doris_remission({"visit": TWO_JOINTS}, options=MORE_THAN_TWO)
    assert result.scores[0].score == 0
    assert result.criterion("clinical_sledai_zero").outcome is Outcome.MET


def test_lldas_scores_the_visit_with_the_option() -> None:
    result = assess_lldas({"visit": TWO_JOINTS}, options=MORE_THAN_TWO)
    assert result.scores[0].score == 0
    assert result.criterion("sledai_at_most_4").detail == "SLEDAI-2K 0 (≤ 4 needed): met"


# --- PGA readings that are not whole hundredths (D14) -----------------------------------------


@pytest.mark.parametrize(
    ("baseline", "follow_up", "increase", "outcome"),
    [
        # Only the follow-up is not a whole number of hundredths: 0.295 is 0.30 half up (0.29 if
        # 1.005, stored as 1.00499..., were rounded to 1.00 first).
        (1.0, 1.295, "0.3", Outcome.NOT_MET),
        (0.71, 1.005, "0.3", Outcome.NOT_MET),
        # Only the baseline: 0.31 - 0.015 is 0.295, 0.30 half up (0.29 if 0.015 were rounded
        # to 0.02 first).
        (0.015, 0.31, "0.3", Outcome.NOT_MET),
        (0.015, 0.3, "0.29", Outcome.MET),
        # Neither.
        (0.7049, 1.0049, "0.3", Outcome.NOT_MET),
        (0.7101, 1.0049, "0.29", Outcome.MET),
    ],
)
def test_pga_increase_from_readings_in_thousandths(
    baseline: float, follow_up: float, increase: str, outcome: Outcome
) -> None:
    result = assess_sri4(
        {"baseline": {}, "follow_up": {}, "pga_baseline": baseline, "pga_follow_up": follow_up}
    )
    criterion = result.criterion("pga_increase_below_0_3")
    assert criterion.outcome is outcome
    assert criterion.detail == (
        f"PGA {baseline:g} at baseline, PGA {follow_up:g} at follow-up, "
        f"increase {increase} (< 0.3 needed): {outcome.value.replace('_', ' ')}"
    )


# --- BILAG counts outside the tables ----------------------------------------------------------


def test_bilag_counts_outside_the_tables_are_still_assessed() -> None:
    # A validated input holds 0-9 new BILAG grades, all in the tables built at import; a model
    # built without validation can hold more, and is assessed the same way.
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
