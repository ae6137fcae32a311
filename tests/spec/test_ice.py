"""The ICE score (D10, D13): items, totals, ICE not performed, and the ICE row of the grade.

Every cut-off of the ICE row (10/9/7/6/3/2/0) is a row, named by its criterion's text.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading.criteria.icans import CRITERIA_VERSION, ICE_ITEMS, icans_criteria, ice_grade
from astct_grading.errors import AstctGradingError
from astct_grading.icans import IceAssessment, score_ice

ICE_NAMES = [item.name for item in ICE_ITEMS]

#: The criterion text each row is annotated with (criteria/icans.py, icans_criteria).
RULES = {criterion.key: criterion.rule for criterion in icans_criteria()}


def row(*values: Any, rule: str) -> Any:
    """A table row, named by the text of the criterion it checks."""
    return pytest.param(*values, id=RULES[rule])


def ice_items(score: int) -> dict[str, int]:
    """Item-level ICE answers with ``score`` correct, the first items first."""
    return {name: int(index < score) for index, name in enumerate(ICE_NAMES)}


def errors(data: dict[str, Any], model: Any) -> list[tuple[str, tuple[Any, ...]]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(error["type"], tuple(error["loc"])) for error in info.value.errors()]


# --- Scoring (D10) -----------------------------------------------------------------------------


@pytest.mark.parametrize("score", range(11))
def test_ice_items_sum_to_the_score(score: int) -> None:
    result = score_ice(ice_items(score))
    assert (result.score, result.score_min, result.score_max) == (score, score, score)
    assert result.missing == ()
    assert [item.points for item in result.items] == list(ice_items(score).values())
    assert result.scale == "ICE"
    assert result.criteria_version == CRITERIA_VERSION
    assert result.explanation == f"ICE {score}/10."


def test_ice_has_ten_one_point_items_in_table_order() -> None:
    assert ICE_NAMES == [
        "orientation_year",
        "orientation_month",
        "orientation_city",
        "orientation_hospital",
        "naming_object_1",
        "naming_object_2",
        "naming_object_3",
        "follows_commands",
        "writes_sentence",
        "counts_back_by_ten",
    ]
    assert score_ice(dict.fromkeys(ICE_NAMES, 1)).score == 10


def test_ice_unknown_items_give_a_range_never_zero() -> None:
    answers = ice_items(6)
    del answers["orientation_year"], answers["counts_back_by_ten"]
    result = score_ice(answers)
    assert result.score is None
    assert (result.score_min, result.score_max) == (5, 7)
    assert result.missing == ("orientation_year", "counts_back_by_ten")
    assert result.decisions == ("D10", "D13")
    assert result.items[0].points is None
    assert (result.items[0].points_min, result.items[0].points_max) == (0, 1)
    assert result.explanation == (
        "ICE 5 to 7 of 10 (undetermined); open until given: orientation_year, counts_back_by_ten."
    )


def test_ice_empty_record_is_the_whole_range() -> None:
    result = score_ice({})
    assert (result.score, result.score_min, result.score_max) == (None, 0, 10)
    assert result.missing == tuple(ICE_NAMES)


def test_ice_total_only() -> None:
    result = score_ice({"total": 8})
    assert result.score == 8
    assert result.missing == ()
    assert {item.detail for item in result.items} == {"not recorded (total given)"}
    assert result.explanation == "ICE 8/10 (total recorded; items not all recorded)."


def test_ice_total_agrees_with_items() -> None:
    partial = ice_items(4)
    del partial["orientation_year"]  # 3 known points, 1 unknown item
    assert score_ice({**partial, "total": 3}).score == 3
    assert score_ice({**partial, "total": 4}).score == 4
    assert score_ice({**ice_items(7), "total": 7}).explanation == "ICE 7/10."


@pytest.mark.parametrize("total", [2, 5])
def test_ice_total_disagreeing_with_items_is_rejected(total: int) -> None:
    partial = ice_items(4)
    del partial["orientation_year"]
    assert errors({**partial, "total": total}, IceAssessment) == [
        ("ice_total_conflict", ("total",))
    ]


@pytest.mark.parametrize(
    ("value", "error_type"),
    [
        (2, "less_than_equal"),
        (-1, "greater_than_equal"),
        (0.5, "int_from_float"),
        (True, "bool_not_number"),
        ("yes", "number_format"),
    ],
)
def test_ice_item_out_of_range_is_rejected(value: Any, error_type: str) -> None:
    assert errors({"writes_sentence": value}, IceAssessment) == [(error_type, ("writes_sentence",))]


@pytest.mark.parametrize(
    ("total", "error_type"), [(11, "less_than_equal"), (-1, "greater_than_equal")]
)
def test_ice_total_out_of_range_is_rejected(total: int, error_type: str) -> None:
    assert errors({"total": total}, IceAssessment) == [(error_type, ("total",))]


def test_ice_invalid_item_is_reported_alone() -> None:
    assert errors({"orientation_year": 5, "total": 0}, IceAssessment) == [
        ("less_than_equal", ("orientation_year",))
    ]


def test_ice_not_performed_for_sedation_is_not_assessable_never_zero() -> None:
    result = score_ice({"not_performed": "sedated_or_intubated"})
    assert result.score is None
    assert (result.score_min, result.score_max) == (0, 10)
    assert result.missing == ()
    assert result.decisions == ("D10",)
    assert "not assessable" in result.explanation
    assert "never scored 0" in result.explanation


def test_ice_unarousable_scores_zero() -> None:
    result = score_ice({"not_performed": "unarousable"})
    assert (result.score, result.score_min, result.score_max) == (0, 0, 0)
    assert {item.detail for item in result.items} == {"unarousable"}
    assert (
        result.explanation == "ICE 0: the patient is unarousable and unable to perform ICE (D10)."
    )


@pytest.mark.parametrize("score", [{"total": 0}, {"orientation_year": 0}])
@pytest.mark.parametrize("reason", ["sedated_or_intubated", "unarousable"])
def test_ice_not_performed_with_a_score_is_rejected(score: dict[str, int], reason: str) -> None:
    assert errors({**score, "not_performed": reason}, IceAssessment) == [
        ("not_performed_with_score", ("not_performed",))
    ]


def test_ice_unknown_field_and_reason_are_rejected() -> None:
    assert errors({"orientation_yr": 1}, IceAssessment) == [
        ("extra_forbidden", ("orientation_yr",))
    ]
    assert errors({"not_performed": "asleep"}, IceAssessment) == [("enum", ("not_performed",))]


def test_score_ice_accepts_a_model_and_rejects_other_types() -> None:
    model = IceAssessment(total=9)
    assert score_ice(model) == score_ice({"total": 9})
    with pytest.raises(AstctGradingError) as info:
        score_ice([1, 1, 1])  # type: ignore[arg-type]
    assert info.value.type == "input_type"
    assert "score_ice takes a IceAssessment or a mapping, not list" in str(info.value)


def test_score_ice_names_itself_when_given_a_wrong_type() -> None:
    with pytest.raises(AstctGradingError) as info:
        score_ice(42)  # type: ignore[arg-type]
    assert info.value.type == "input_type"
    assert str(info.value) == "score_ice takes a IceAssessment or a mapping, not int"


# --- The ICE row of the adult table (D10) ----------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        row(10, 0, rule="ice_10"),
        row(9, 1, rule="ice_7_9"),
        row(7, 1, rule="ice_7_9"),
        row(6, 2, rule="ice_3_6"),
        row(3, 2, rule="ice_3_6"),
        row(2, 3, rule="ice_0_2"),
        row(1, 3, rule="ice_0_2"),
        row(0, 3, rule="ice_0_unarousable"),
    ],
)
def test_ice_grade_bands(score: int, grade: int) -> None:
    assert ice_grade(score, unarousable=False) == grade
    assert ice_grade(score, unarousable=score == 0) == (4 if score == 0 else grade)


@pytest.mark.parametrize("score", [-1, 11])
def test_ice_grade_rejects_an_impossible_score(score: int) -> None:
    with pytest.raises(ValueError, match="an ICE score is 0-10"):
        ice_grade(score, unarousable=False)
