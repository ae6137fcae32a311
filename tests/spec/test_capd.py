"""The CAPD (D8, D13): answers, totals, the screen, CAPD not performed, and the CAPD row.

Every cut-off of the CAPD row (0/1, 8/9) is a row, named by its criterion's text.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading.criteria.icans import CAPD_ITEMS, capd_grade, icans_criteria
from astct_grading.errors import AstctGradingError
from astct_grading.icans import CapdAnswer, CapdAssessment, score_capd

CAPD_NAMES = [item.name for item in CAPD_ITEMS]

#: The criterion text each row is annotated with (criteria/icans.py, icans_criteria).
RULES = {criterion.key: criterion.rule for criterion in icans_criteria()}


def row(*values: Any, rule: str) -> Any:
    """A table row, named by the text of the criterion it checks."""
    return pytest.param(*values, id=RULES[rule])


def errors(data: dict[str, Any], model: Any) -> list[tuple[str, tuple[Any, ...]]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(error["type"], tuple(error["loc"])) for error in info.value.errors()]


# --- Scoring (D8) ----------------------------------------------------------------------------

REVERSE_POINTS = {"never": 4, "rarely": 3, "sometimes": 2, "often": 1, "always": 0}
DIRECT_POINTS = {"never": 0, "rarely": 1, "sometimes": 2, "often": 3, "always": 4}
NO_DELIRIUM = {**dict.fromkeys(CAPD_NAMES[:4], "always"), **dict.fromkeys(CAPD_NAMES[4:], "never")}


@pytest.mark.parametrize("answer", [answer.value for answer in CapdAnswer])
@pytest.mark.parametrize("name", CAPD_NAMES)
def test_capd_item_points(name: str, answer: str) -> None:
    reverse = CAPD_NAMES.index(name) < 4
    result = score_capd({**NO_DELIRIUM, name: answer})
    expected = REVERSE_POINTS[answer] if reverse else DIRECT_POINTS[answer]
    assert result.score == expected
    item = result.items[CAPD_NAMES.index(name)]
    assert item.points == expected
    assert item.detail == f"{answer} ({'reverse-scored' if reverse else 'scored directly'})"


def test_capd_items_are_the_eight_of_the_form() -> None:
    assert CAPD_NAMES == [
        "eye_contact",
        "purposeful_actions",
        "aware_of_surroundings",
        "communicates_needs",
        "restless",
        "inconsolable",
        "underactive",
        "slow_to_respond",
    ]
    assert [item.reverse for item in CAPD_ITEMS] == [True] * 4 + [False] * 4


@pytest.mark.parametrize(
    ("answers", "total", "screen"),
    [
        row(NO_DELIRIUM, 0, "negative screen (< 9)", rule="capd_items"),
        row({**NO_DELIRIUM, "restless": "rarely"}, 1, "negative screen (< 9)", rule="capd_items"),
        row(
            {**NO_DELIRIUM, "restless": "always", "eye_contact": "never"},
            8,
            "negative screen (< 9)",
            rule="capd_items",
        ),
        row(
            {**NO_DELIRIUM, "restless": "always", "eye_contact": "never", "inconsolable": "rarely"},
            9,
            "positive screen (≥ 9)",
            rule="capd_items",
        ),
        row(
            {**dict.fromkeys(CAPD_NAMES[:4], "never"), **dict.fromkeys(CAPD_NAMES[4:], "always")},
            32,
            "positive screen (≥ 9)",
            rule="capd_items",
        ),
    ],
)
def test_capd_total_and_screen_at_the_edges(
    answers: dict[str, str], total: int, screen: str
) -> None:
    result = score_capd(answers)
    assert result.score == total
    assert result.explanation == f"CAPD {total}/32: {screen}."
    assert result.scale == "CAPD"
    assert result.criteria_version == "CAPD-2014"
    assert score_capd({"total": total}).score == total


def test_capd_unknown_answers_give_a_range() -> None:
    answers = dict(NO_DELIRIUM)
    del answers["eye_contact"], answers["restless"]
    result = score_capd(answers)
    assert (result.score, result.score_min, result.score_max) == (None, 0, 8)
    assert result.missing == ("eye_contact", "restless")
    assert result.decisions == ("D13",)
    assert "negative screen" in result.explanation
    answers["underactive"] = "often"
    assert "screen undetermined" in score_capd(answers).explanation
    answers["underactive"] = "always"
    answers["inconsolable"] = "always"
    answers["slow_to_respond"] = "often"
    assert "(undetermined, positive screen)" in score_capd(answers).explanation


def test_capd_total_disagreeing_with_answers_is_rejected() -> None:
    assert errors({"eye_contact": "never", "total": 3}, CapdAssessment) == [
        ("capd_total_conflict", ("total",))
    ]
    assert errors({**NO_DELIRIUM, "total": 1}, CapdAssessment) == [
        ("capd_total_conflict", ("total",))
    ]
    assert score_capd({"eye_contact": "never", "total": 4}).score == 4
    assert score_capd({"eye_contact": "never", "total": 32}).score == 32


def test_capd_bad_answers_are_rejected() -> None:
    assert errors({"restless": "Never"}, CapdAssessment) == [("enum", ("restless",))]
    assert errors({"restless": 2}, CapdAssessment) == [("enum", ("restless",))]
    assert errors({"total": 33}, CapdAssessment) == [("less_than_equal", ("total",))]
    assert errors({"rass": -6}, CapdAssessment) == [("greater_than_equal", ("rass",))]
    assert errors({"rass": 5}, CapdAssessment) == [("less_than_equal", ("rass",))]
    assert errors({"eye_kontakt": "never"}, CapdAssessment) == [
        ("extra_forbidden", ("eye_kontakt",))
    ]
    assert errors({"restless": "sometimes", "eye_contact": "x", "total": 40}, CapdAssessment) == [
        ("enum", ("eye_contact",)),
        ("less_than_equal", ("total",)),
    ]


@pytest.mark.parametrize(
    ("capd", "reason"),
    [
        ({"rass": -4}, "not assessable under deep sedation (RASS -4)"),
        ({"rass": -5}, "not assessable under deep sedation (RASS -5)"),
        ({"not_performed": "deep_sedation"}, "not assessable under deep sedation (RASS -4 or -5)"),
        ({"not_performed": "deep_sedation", "rass": -5}, "not assessable under deep sedation"),
        (
            {"not_performed": "neuromuscular_blockade"},
            "not assessable under neuromuscular blockade",
        ),
        ({"not_performed": "unable"}, "unable to perform the CAPD because of ICANS"),
    ],
)
def test_capd_without_a_total(capd: dict[str, Any], reason: str) -> None:
    result = score_capd(capd)
    assert (result.score, result.score_min, result.score_max) == (None, 0, 32)
    assert result.missing == ()
    assert reason in result.explanation
    assert result.decisions == ("D8",)


def test_capd_is_scored_at_rass_minus_3() -> None:
    assert score_capd({**NO_DELIRIUM, "rass": -3}).score == 0


@pytest.mark.parametrize(
    ("capd", "error", "loc"),
    [
        ({"total": 10, "rass": -4}, "capd_sedation_conflict", "rass"),
        ({"eye_contact": "never", "rass": -5}, "capd_sedation_conflict", "rass"),
        ({"not_performed": "unable", "rass": -4}, "capd_sedation_conflict", "not_performed"),
        ({"not_performed": "deep_sedation", "rass": -3}, "capd_sedation_conflict", "not_performed"),
        ({"not_performed": "unable", "total": 20}, "not_performed_with_score", "not_performed"),
        (
            {"restless": "never", "not_performed": "neuromuscular_blockade"},
            "not_performed_with_score",
            "not_performed",
        ),
    ],
)
def test_capd_contradictions_are_rejected(capd: dict[str, Any], error: str, loc: str) -> None:
    assert errors(capd, CapdAssessment) == [(error, (loc,))]


def test_score_capd_accepts_a_model_and_rejects_other_types() -> None:
    assert score_capd(CapdAssessment(total=9)) == score_capd({"total": 9})
    with pytest.raises(AstctGradingError) as info:
        score_capd("never")  # type: ignore[arg-type]
    assert info.value.type == "input_type"


def test_invalid_answer_beside_a_total_is_reported_alone() -> None:
    assert errors({"eye_contact": "x", "total": 5}, CapdAssessment) == [("enum", ("eye_contact",))]


def test_score_capd_names_itself_when_given_a_wrong_type() -> None:
    with pytest.raises(AstctGradingError) as info:
        score_capd(42)  # type: ignore[arg-type]
    assert info.value.type == "input_type"
    assert str(info.value) == "score_capd takes a CapdAssessment or a mapping, not int"


# --- The screen of a range at the cut-off (D8, D13) ------------------------------------------

#: Items 1-4 reverse-scored ("always" is 0), items 5-8 scored directly ("never" is 0).
NO_POINTS = {
    "eye_contact": "always",
    "purposeful_actions": "always",
    "aware_of_surroundings": "always",
    "communicates_needs": "always",
    "restless": "never",
    "inconsolable": "never",
    "underactive": "never",
    "slow_to_respond": "never",
}


def capd(missing: tuple[str, ...], **answers: str) -> dict[str, str]:
    record = {**NO_POINTS, **answers}
    for name in missing:
        del record[name]
    return record


@pytest.mark.parametrize(
    ("record", "low", "high", "explanation"),
    [
        (
            capd(("underactive", "slow_to_respond")),
            0,
            8,
            "CAPD 0 to 8 of 32 (undetermined, negative screen); open until given: underactive, "
            "slow_to_respond.",
        ),
        (
            capd(("slow_to_respond",), restless="always", inconsolable="rarely"),
            5,
            9,
            "CAPD 5 to 9 of 32 (undetermined, screen undetermined); open until given: "
            "slow_to_respond.",
        ),
        (
            capd(("slow_to_respond",), restless="often", inconsolable="rarely"),
            4,
            8,
            "CAPD 4 to 8 of 32 (undetermined, negative screen); open until given: slow_to_respond.",
        ),
        (
            capd(
                ("slow_to_respond",), restless="always", inconsolable="always", underactive="rarely"
            ),
            9,
            13,
            "CAPD 9 to 13 of 32 (undetermined, positive screen); open until given: "
            "slow_to_respond.",
        ),
    ],
)
def test_capd_screen_of_a_range_at_the_cut_off(
    record: dict[str, str], low: int, high: int, explanation: str
) -> None:
    result = score_capd(record)
    assert (result.score, result.score_min, result.score_max) == (None, low, high)
    assert result.explanation == explanation
    assert result.decisions == ("D13",)


# --- The CAPD row of the paediatric table (D8) -----------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        row(0, 0, rule="capd_0"),
        row(1, 1, rule="capd_1_8"),
        row(8, 1, rule="capd_1_8"),
        row(9, 3, rule="capd_9"),
        row(32, 3, rule="capd_9"),
    ],
)
def test_capd_grade_bands(total: int, grade: int) -> None:
    assert capd_grade(total) == grade


@pytest.mark.parametrize("total", [-1, 33])
def test_capd_grade_rejects_an_impossible_total(total: int) -> None:
    with pytest.raises(ValueError, match="a CAPD total is 0-32"):
        capd_grade(total)
