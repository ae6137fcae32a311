"""The CAPD as charted points: each item's scored points (0-4, after the reverse scoring of items
1-4; CAPD form, Traube 2014) in ``<item>_points``, alone or with the answers and a total, checked
for agreement, with exact bounds when some items are missing (D8, D13)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import find, settings
from pydantic import ValidationError

from astct_grading import grade_icans
from astct_grading.criteria.icans import CAPD_ITEMS, CapdAnswer
from astct_grading.icans.capd import (
    CAPD_NAMES,
    CAPD_POINT_NAMES,
    CapdAssessment,
    capd_answers,
    capd_range,
    score_capd,
)
from astct_grading.strategies import capd_assessments, records

REVERSED = CAPD_NAMES[:4]
DIRECT = CAPD_NAMES[4:]
#: No delirium: items 1-4 "always" (0 points), items 5-8 "never" (0 points).
NO_DELIRIUM_POINTS = dict.fromkeys(CAPD_POINT_NAMES, 0)


def test_the_point_fields_follow_the_form_s_items() -> None:
    assert tuple(f"{item.name}_points" for item in CAPD_ITEMS) == CAPD_POINT_NAMES
    assert [item.reverse for item in CAPD_ITEMS] == [True] * 4 + [False] * 4


# Each item at 0 and at 4, and the answer those points stand for: reverse-scored items 1-4
# (never 4 ... always 0), direct items 5-8 (never 0 ... always 4) (CAPD form).
@pytest.mark.parametrize(
    ("name", "points", "answer"),
    [(name, 0, "always") for name in REVERSED]
    + [(name, 4, "never") for name in REVERSED]
    + [(name, 0, "never") for name in DIRECT]
    + [(name, 4, "always") for name in DIRECT],
)
def test_each_item_at_0_and_4_reads_as_its_answer(name: str, points: int, answer: str) -> None:
    by_points = score_capd({f"{name}_points": points})
    by_answer = score_capd({name: answer})
    assert (by_points.score_min, by_points.score_max) == (points, points + 28)
    assert (by_answer.score_min, by_answer.score_max) == (points, points + 28)
    assert by_points.missing == by_answer.missing
    assert name not in by_points.missing
    item = by_points.items[CAPD_NAMES.index(name)]
    assert (item.points_min, item.points_max) == (points, points)
    assert item.detail.startswith(f"{points} points as charted")
    assert item.detail.endswith(f": {answer})")
    assert capd_answers(CapdAssessment.model_validate({f"{name}_points": points}).__dict__)[
        CAPD_NAMES.index(name)
    ] is CapdAnswer(answer)


@pytest.mark.parametrize("points", range(5))
@pytest.mark.parametrize("name", CAPD_NAMES)
def test_every_point_value_agrees_with_exactly_one_answer(name: str, points: int) -> None:
    agreeing = []
    for answer in CapdAnswer:
        try:
            CapdAssessment.model_validate({name: answer.value, f"{name}_points": points})
        except ValidationError:
            continue
        agreeing.append(answer)
    reverse = CAPD_NAMES.index(name) < 4
    assert agreeing == [list(CapdAnswer)[4 - points if reverse else points]]


@pytest.mark.parametrize(
    ("record", "bounds"),
    [
        (NO_DELIRIUM_POINTS, (0, 0)),
        ({**NO_DELIRIUM_POINTS, "restless_points": 1}, (1, 1)),
        ({**NO_DELIRIUM_POINTS, "eye_contact_points": 4, "restless_points": 4}, (8, 8)),
        (
            {
                **NO_DELIRIUM_POINTS,
                "eye_contact_points": 4,
                "restless_points": 4,
                "inconsolable_points": 1,
            },
            (9, 9),
        ),
        (dict.fromkeys(CAPD_POINT_NAMES, 4), (32, 32)),
        # Mixed with answers: each item in one form or the other.
        ({"eye_contact": "never", "purposeful_actions_points": 4, "restless": "always"}, (12, 32)),
        # With a total: it settles the CAPD.
        ({"eye_contact_points": 2, "total": 9}, (9, 9)),
        # Some items missing: the range over them (D13).
        ({"eye_contact_points": 1, "restless_points": 3}, (4, 28)),
        ({}, (0, 32)),
    ],
)
def test_bounds_by_points(record: dict[str, Any], bounds: tuple[int, int]) -> None:
    result = score_capd(record)
    assert (result.score_min, result.score_max) == bounds
    assert capd_range(CapdAssessment.model_validate(record)) == bounds
    assert result.score == (bounds[0] if bounds[0] == bounds[1] else None)


def test_an_item_in_neither_form_stays_unknown_and_is_named() -> None:
    record = {**NO_DELIRIUM_POINTS}
    del record["underactive_points"]
    result = score_capd(record)
    assert (result.score, result.score_min, result.score_max) == (None, 0, 4)
    assert result.missing == ("underactive",)
    assert result.explanation.endswith("open until given: underactive.")
    record |= {"restless_points": 4, "eye_contact_points": 4}  # 8 to 12: the band is open
    graded = grade_icans({"age_years": 5, "capd": record})
    assert "capd.underactive" in graded.missing


def test_points_and_answers_for_the_same_item_must_agree() -> None:
    assert score_capd({"eye_contact": "never", "eye_contact_points": 4}).score_min == 4
    with pytest.raises(ValidationError) as caught:
        CapdAssessment.model_validate({"eye_contact": "never", "eye_contact_points": 0})
    (error,) = caught.value.errors()
    assert error["type"] == "capd_points_conflict"
    assert error["loc"] == ("eye_contact_points",)
    assert "'never' scores 4 (reverse-scored" in error["msg"]
    with pytest.raises(ValidationError) as caught:
        CapdAssessment.model_validate({"restless": "never", "restless_points": 4})
    assert caught.value.errors()[0]["type"] == "capd_points_conflict"
    assert "'never' scores 0 (scored directly" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    ("record", "known", "unknown"),
    [
        ({**NO_DELIRIUM_POINTS, "total": 1}, 0, 0),
        ({"eye_contact_points": 4, "restless_points": 4, "total": 7}, 8, 6),
        ({"eye_contact_points": 0, "total": 29}, 0, 7),
    ],
)
def test_the_total_must_agree_with_the_points(
    record: dict[str, Any], known: int, unknown: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        CapdAssessment.model_validate(record)
    (error,) = caught.value.errors()
    assert (error["type"], error["loc"]) == ("capd_total_conflict", ("total",))
    assert f"answers and points given ({known} points, {unknown} items" in error["msg"]


def test_the_total_at_the_points_edges_is_accepted() -> None:
    assert score_capd({"eye_contact_points": 4, "restless_points": 4, "total": 8}).score == 8
    assert score_capd({"eye_contact_points": 0, "total": 28}).score == 28


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (5, "less_than_equal"),
        (-1, "greater_than_equal"),
        (True, "bool_not_number"),
        (False, "bool_not_number"),
        ("3", "number_format"),
        ("often", "number_format"),
        (2.5, "int_from_float"),
    ],
)
def test_invalid_points_are_rejected_naming_the_field(value: object, kind: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CapdAssessment.model_validate({"slow_to_respond_points": value, "total": 3})
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [
        (kind, ("slow_to_respond_points",))
    ]


def test_invalid_answer_beside_points_reports_the_answer_only() -> None:
    with pytest.raises(ValidationError) as caught:
        CapdAssessment.model_validate({"eye_contact": "occasionally", "eye_contact_points": 2})
    assert [e["loc"] for e in caught.value.errors()] == [("eye_contact",)]


@pytest.mark.parametrize(
    "extra",
    [{"rass": -4}, {"not_performed": "unable"}, {"not_performed": "neuromuscular_blockade"}],
)
def test_points_count_as_a_score_for_a_capd_not_performed(extra: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        CapdAssessment.model_validate({"inconsolable_points": 2, **extra})
    assert caught.value.errors()[0]["type"] in {
        "capd_sedation_conflict",
        "not_performed_with_score",
    }


def test_points_grade_as_the_answers_do() -> None:
    answers = {**dict.fromkeys(REVERSED, "always"), **dict.fromkeys(DIRECT, "never")}
    points = {
        **NO_DELIRIUM_POINTS,
        "restless_points": 4,
        "eye_contact_points": 4,
        "underactive_points": 1,
    }
    same = {**answers, "restless": "always", "eye_contact": "never", "underactive": "rarely"}
    by_points = grade_icans({"age_years": 4, "capd": points})
    by_answers = grade_icans({"age_years": 4, "capd": same})
    assert (by_points.grade, by_points.grade_min, by_points.grade_max) == (
        by_answers.grade,
        by_answers.grade_min,
        by_answers.grade_max,
    )
    assert by_points.explanation == by_answers.explanation


def test_the_json_round_trip_keeps_the_points() -> None:
    capd = CapdAssessment.model_validate({"eye_contact_points": 3, "restless": "often", "total": 9})
    again = CapdAssessment.model_validate_json(capd.model_dump_json())
    assert again == capd
    assert again.eye_contact_points == 3
    assert again.eye_contact is None


def test_the_json_schema_states_the_0_to_4_bounds() -> None:
    properties = CapdAssessment.model_json_schema()["properties"]
    for name in CAPD_POINT_NAMES:
        assert {"type": "integer", "minimum": 0, "maximum": 4} in properties[name]["anyOf"]
        assert properties[name].get("default") is None


def _drawn(strategy: Any, condition: Any) -> Any:
    # Derandomized: the same examples on every run, so a rare form is found or not, never flaky.
    return find(
        strategy, condition, settings=settings(max_examples=5000, database=None, derandomize=True)
    )


def test_the_strategies_draw_points_alone_mixed_and_at_their_bounds() -> None:
    def points(capd: CapdAssessment) -> list[int | None]:
        return [getattr(capd, name) for name in CAPD_POINT_NAMES]

    alone = _drawn(capd_assessments(), lambda c: None not in points(c))
    assert score_capd(alone).score is not None
    mixed = _drawn(
        capd_assessments(),
        lambda c: c.total is not None and c.eye_contact is not None and c.restless_points == 4,
    )
    assert score_capd(mixed).score == mixed.total
    assert _drawn(capd_assessments(), lambda c: 0 in points(c) and 4 in points(c))
    partial = _drawn(capd_assessments(completeness="partial"), lambda c: 0 in points(c))
    assert score_capd(partial).missing


@pytest.mark.parametrize(
    ("condition", "kind"),
    [
        (lambda r: r.get("eye_contact_points") == 5, "less_than_equal"),
        (lambda r: r.get("restless_points") == -1, "greater_than_equal"),
        (lambda r: r.get("underactive_points") is True, "bool_not_number"),
        (lambda r: r.get("inconsolable_points") == "3", "number_format"),
        (
            lambda r: r.get("eye_contact_points") == 0 and r.get("eye_contact") == "never",
            "capd_points_conflict",
        ),
        (
            lambda r: r.get("slow_to_respond_points") == 4 and r.get("slow_to_respond") == "never",
            "capd_points_conflict",
        ),
        (
            lambda r: (
                r.get("total") == 1
                and r.get("underactive_points") == 0
                and r.get("eye_contact") is None
                and r.get("rass") is None
                and "not_performed" not in r
            ),
            "capd_total_conflict",
        ),
    ],
)
def test_records_draw_each_invalid_points_form(condition: Any, kind: str) -> None:
    record = _drawn(records(CapdAssessment, valid=False), condition)
    with pytest.raises(ValidationError) as caught:
        CapdAssessment.model_validate(record)
    assert kind in {e["type"] for e in caught.value.errors()}
