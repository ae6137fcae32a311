"""SLE response inputs and results: each validation error named, misuse, lookups, JSON (D15)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading.errors import AstctGradingError
from astct_grading.sle.response import (
    CriterionResult,
    DorisInput,
    LldasInput,
    Outcome,
    ResponseResult,
    SledaiChangeInput,
    Sri4Input,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
)
from tests.sledai_form import DESCRIPTORS
from tests.spec.test_doris import DORIS_OK
from tests.spec.test_lldas import LLDAS_OK
from tests.spec.test_sri4 import SRI4_OK, sri4

ABSENT: dict[str, Any] = dict.fromkeys(DESCRIPTORS, False)


def visit(**changes: Any) -> dict[str, Any]:
    return {**ABSENT, **changes}


def outcomes(result: ResponseResult) -> dict[str, str]:
    return {c.key: c.outcome.value for c in result.criteria}


def error_types(error: ValidationError) -> list[tuple[tuple[int | str, ...], str]]:
    return [(tuple(e["loc"]), e["type"]) for e in error.errors()]


# --- Input validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "data", "loc", "type_"),
    [
        (assess_doris_remission, {"visit": {}, "pga": 3.1}, ("pga",), "less_than_equal"),
        (assess_doris_remission, {"visit": {}, "pga": True}, ("pga",), "bool_not_number"),
        (assess_doris_remission, {"visit": {}, "pga": -0.1}, ("pga",), "greater_than_equal"),
        (
            assess_doris_remission,
            {"visit": {}, "prednisolone_mg_day": -1},
            ("prednisolone_mg_day",),
            "greater_than_equal",
        ),
        (
            assess_doris_remission,
            {"visit": {}, "prednisolone_mg_day": float("nan")},
            ("prednisolone_mg_day",),
            "finite_number",
        ),
        (assess_doris_remission, {"pga": 0}, ("visit",), "missing"),
        (assess_doris_remission, {"visit": {}, "pgaa": 0}, ("pgaa",), "extra_forbidden"),
        (
            assess_lldas,
            {"visit": {"fever": False, "temperature": {"value": 39, "unit": "C"}}},
            ("visit", "fever"),
            "sledai_descriptor_conflict",
        ),
        (assess_lldas, {"visit": {}, "new_activity": "maybe"}, ("new_activity",), "bool_type"),
        (
            assess_sri4,
            {"baseline": {}, "follow_up": {}, "new_bilag_b": True},
            ("new_bilag_b",),
            "bool_not_number",
        ),
        (
            assess_sri4,
            {"baseline": {}, "follow_up": {}, "new_bilag_a": 10},
            ("new_bilag_a",),
            "less_than_equal",
        ),
        (
            assess_sri4,
            {"baseline": {}, "follow_up": {"window_days": 28}},
            ("follow_up", "window_days"),
            "sledai_window",
        ),
        (
            assess_sri4,
            {"baseline": {"visit_date": "2024-02-01"}, "follow_up": {"visit_date": "2024-01-31"}},
            (),
            "visit_order",
        ),
        (
            change_from_baseline,
            {"baseline": {"visit_date": "2024-02-01"}, "follow_up": {"visit_date": "2024-01-31"}},
            (),
            "visit_order",
        ),
    ],
)
def test_bad_input_names_the_field(
    function: Any, data: dict[str, Any], loc: tuple[str, ...], type_: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        function(data)
    assert error_types(caught.value) == [(loc, type_)]


def test_visits_on_the_same_day_are_in_order() -> None:
    same_day = {"visit_date": "2024-02-01"}
    assert change_from_baseline({"baseline": same_day, "follow_up": same_day}).days == 0
    assert Sri4Input(baseline=same_day, follow_up=same_day).follow_up.visit_date is not None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("function", "name", "message"),
    [
        (
            assess_doris_remission,
            "DorisInput",
            "assess_doris_remission takes a DorisInput or a mapping",
        ),
        (assess_lldas, "LldasInput", "assess_lldas takes a LldasInput or a mapping"),
        (assess_sri4, "Sri4Input", "assess_sri4 takes a Sri4Input or a mapping"),
        (
            change_from_baseline,
            "SledaiChangeInput",
            "change_from_baseline takes a SledaiChangeInput or a mapping",
        ),
    ],
)
def test_input_that_is_neither_model_nor_mapping(function: Any, name: str, message: str) -> None:
    # The message names the function, the model and the type given.
    with pytest.raises(AstctGradingError, match=name) as caught:
        function("visit")
    assert caught.value.type == "input_type"
    with pytest.raises(AstctGradingError) as caught:
        function([1, 2])
    assert caught.value.type == "input_type"
    assert str(caught.value) == f"{message}, not list"


@pytest.mark.parametrize("assess", [change_from_baseline, assess_sri4])
def test_visits_out_of_order_name_both_dates(assess: Any) -> None:
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
    ("function", "model", "data"),
    [
        (assess_doris_remission, DorisInput, DORIS_OK),
        (assess_lldas, LldasInput, LLDAS_OK),
        (assess_sri4, Sri4Input, SRI4_OK),
        (change_from_baseline, SledaiChangeInput, {"baseline": ABSENT, "follow_up": ABSENT}),
    ],
)
def test_dict_and_model_give_the_same_result(
    function: Any, model: Any, data: dict[str, Any]
) -> None:
    validated = model.model_validate(data)
    assert function(data) == function(validated)
    assert model.model_validate_json(validated.model_dump_json()) == validated


# --- Results -----------------------------------------------------------------------------------


def test_result_rejects_an_outcome_its_criteria_do_not_give() -> None:
    criterion = CriterionResult("k", Outcome.CANNOT_TELL, "rule", "detail", "source", ("x",))
    with pytest.raises(ValueError, match="inconsistent"):
        ResponseResult("X", Outcome.MET, (criterion,), (), (), (), "v", "")
    assert ResponseResult("X", Outcome.CANNOT_TELL, (criterion,), (), (), (), "v", "").met is None


def test_result_lookup_and_json() -> None:
    result = sri4(new_bilag_b=2)
    assert result.criterion("at_most_one_new_bilag_b").outcome is Outcome.NOT_MET
    with pytest.raises(KeyError):
        result.criterion("nonsense")
    with pytest.raises(KeyError) as caught:
        assess_lldas({"visit": {}}).criterion("not_a_criterion")
    assert caught.value.args == ("not_a_criterion",)
    data = json.loads(result.to_json())
    assert data["outcome"] == "not_met"
    assert data["criteria"][2]["detail"] == "2 new BILAG B (≤ 1 allowed): not met"
    assert data["criteria"][1]["detail"] == "0 new BILAG A (none allowed): met"
    assert data["scores"][0]["score"] == 10


def test_a_response_result_is_compact_utf8_json() -> None:
    text = assess_sri4({"baseline": {"rash": True}, "follow_up": {}}).to_json()
    assert text.startswith(
        '{"definition":"SRI-4","outcome":"cannot_tell","criteria":[{"key":'
        '"sledai_reduction_at_least_4","outcome":"cannot_tell","rule":"SLEDAI-2K reduced by ≥ 4'
    )
