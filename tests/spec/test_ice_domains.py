"""The ICE by domain: subtotals (orientation 0-4, naming 0-3, commands, writing and attention 0-1,
ICE table; D10), alone or with items and a total, checked for agreement, with exact bounds when
some are missing (D13)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading import grade_icans
from astct_grading.core.results import ScoreItem, ScoreResult
from astct_grading.criteria.icans import CRITERIA_VERSION, ICE_DOMAINS
from astct_grading.icans.ice import IceAssessment, ice_open_items, ice_range, score_ice

ALL = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}


def test_the_domains_are_the_ice_table_s() -> None:
    assert {name: len(items) for name, items in ICE_DOMAINS.items()} == {
        "orientation": 4,
        "naming": 3,
        "commands": 1,
        "writing": 1,
        "attention": 1,
    }


@pytest.mark.parametrize(
    ("record", "bounds"),
    [
        (ALL, (10, 10)),
        ({**ALL, "attention": 0}, (9, 9)),
        ({**ALL, "orientation": 1}, (7, 7)),
        ({**ALL, "orientation": 0}, (6, 6)),
        ({**ALL, "orientation": 0, "naming": 0}, (3, 3)),
        ({**ALL, "orientation": 0, "naming": 0, "attention": 0}, (2, 2)),
        (dict.fromkeys(ALL, 0), (0, 0)),
        # Some domains missing: the range over their items (D13).
        ({"orientation": 4, "naming": 3}, (7, 10)),
        ({"orientation": 2}, (2, 8)),
        ({"orientation": 2, "naming_object_1": 1, "naming_object_2": 0}, (3, 7)),
        # Mixed: a subtotal with some of its items, and items of other domains.
        ({"orientation": 3, "orientation_year": 1, "follows_commands": 1}, (4, 9)),
        # A total settles everything.
        ({"orientation": 2, "total": 5}, (5, 5)),
    ],
)
def test_subtotals_give_the_total_or_its_exact_range(
    record: dict[str, Any], bounds: tuple[int, int]
) -> None:
    result = score_ice(record)
    assert (result.score_min, result.score_max) == bounds
    assert (result.score is None) == (bounds[0] != bounds[1])
    assert ice_range(IceAssessment.model_validate(record)) == bounds


@pytest.mark.parametrize(
    ("ice", "grade"),
    [
        ({**ALL}, 0),
        ({**ALL, "attention": 0}, 1),  # 9
        ({**ALL, "orientation": 1}, 1),  # 7
        ({**ALL, "orientation": 0}, 2),  # 6
        ({**ALL, "orientation": 0, "naming": 0}, 2),  # 3
        ({**ALL, "orientation": 0, "naming": 0, "attention": 0}, 3),  # 2
    ],
)
def test_subtotals_grade_at_every_ice_band_edge(ice: dict[str, int], grade: int) -> None:
    record = {
        "age_years": 40,
        "ice": ice,
        "consciousness": "alert",
        "seizure": False,
        "motor": "none",
        "icp": [],
    }
    assert grade_icans(record).grade == grade


def test_only_items_outside_a_subtotal_are_missing() -> None:
    model = IceAssessment.model_validate({"orientation": 4, "naming": 3, "commands": 1})
    assert ice_open_items(model) == ("writes_sentence", "counts_back_by_ten")
    result = grade_icans({"age_years": 40, "ice": {"orientation": 4, "naming": 3, "commands": 1}})
    assert "ice.writes_sentence" in result.missing
    assert not any(field.startswith("ice.orientation") for field in result.missing)
    assert score_ice(model).missing == ("writes_sentence", "counts_back_by_ten")


def test_the_explanation_names_the_subtotals() -> None:
    assert score_ice(ALL).explanation == (
        "ICE 10/10 (domain subtotals: orientation 4, naming 3, commands 1, writing 1, attention 1)."
    )
    text = score_ice({"orientation": 2}).explanation
    assert text.startswith("ICE 2 to 8 of 10 (undetermined; domain subtotals: orientation 2)")


def test_items_in_a_subtotal_are_shown_as_settled_by_it() -> None:
    result = score_ice({"orientation": 3, "orientation_year": 1})
    year, month = result.items[0], result.items[1]
    assert (year.points_min, year.points_max) == (1, 1)
    assert month.detail == "not recorded (domain subtotal given)"


@pytest.mark.parametrize(
    ("record", "kind", "loc", "words"),
    [
        ({"orientation": 5}, "less_than_equal", ("orientation",), "4"),
        ({"naming": 4}, "less_than_equal", ("naming",), "3"),
        ({"commands": 2}, "less_than_equal", ("commands",), "1"),
        ({"writing": -1}, "greater_than_equal", ("writing",), "0"),
        ({"attention": True}, "bool_not_number", ("attention",), "boolean"),
        (
            {"orientation": 4, "orientation_year": 0},
            "ice_domain_conflict",
            ("orientation",),
            "orientation subtotal 4 disagrees with its items given (0 points, 3 items",
        ),
        (
            {"naming": 0, "naming_object_1": 1},
            "ice_domain_conflict",
            ("naming",),
            "naming subtotal 0",
        ),
        (
            {"writing": 0, "writes_sentence": 1},
            "ice_domain_conflict",
            ("writing",),
            "writing subtotal 0",
        ),
        (
            {"naming": 2, "total": 10},
            "ice_total_conflict",
            ("total",),
            "items and domain subtotals given (2 to 9 points)",
        ),
        (
            {**ALL, "total": 9},
            "ice_total_conflict",
            ("total",),
            "(10 to 10 points)",
        ),
        (
            {"orientation": 2, "not_performed": "unarousable"},
            "not_performed_with_score",
            ("not_performed",),
            "not performed",
        ),
    ],
)
def test_disagreements_are_rejected_naming_the_field_and_the_reason(
    record: dict[str, Any], kind: str, loc: tuple[str, ...], words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        IceAssessment.model_validate(record)
    (error,) = caught.value.errors()
    assert (error["type"], error["loc"]) == (kind, loc)
    assert words in error["msg"]


def test_an_invalid_subtotal_is_reported_once() -> None:
    with pytest.raises(ValidationError) as caught:
        IceAssessment.model_validate({"orientation": 9, "total": 3})
    assert [e["loc"] for e in caught.value.errors()] == [("orientation",)]


def test_the_json_schema_states_each_subtotal() -> None:
    properties = IceAssessment.model_json_schema()["properties"]
    for name, items in ICE_DOMAINS.items():
        assert {"type": "integer", "minimum": 0, "maximum": len(items)} in properties[name]["anyOf"]


def test_a_subtotal_beside_an_invalid_item_reports_the_item_only() -> None:
    with pytest.raises(ValidationError) as caught:
        IceAssessment.model_validate({"orientation_year": 2, "orientation": 1})
    assert [e["loc"] for e in caught.value.errors()] == [("orientation_year",)]


def test_nothing_is_open_when_a_total_or_a_reason_settles_the_ice() -> None:
    assert ice_open_items(IceAssessment(orientation=1, total=5)) == ()
    assert (
        ice_open_items(IceAssessment.model_validate({"not_performed": "sedated_or_intubated"}))
        == ()
    )


def _item(name: str, low: int, high: int, detail: str) -> ScoreItem:
    return ScoreItem(name, low, high, detail)


BY_SUBTOTAL = "not recorded (domain subtotal given)"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        # Determined by subtotals and items: the items of a domain with a subtotal are settled
        # by it, the others are scored; nothing is missing and D13 is not cited (D10).
        (
            {
                "naming": 2,
                "commands": 1,
                "writing": 0,
                "attention": 1,
                "orientation_year": 0,
                "orientation_month": 1,
                "orientation_city": 1,
                "orientation_hospital": 1,
                "writes_sentence": 0,
            },
            ScoreResult(
                "ICE",
                7,
                7,
                7,
                (
                    _item("orientation_year", 0, 0, "incorrect"),
                    _item("orientation_month", 1, 1, "correct"),
                    _item("orientation_city", 1, 1, "correct"),
                    _item("orientation_hospital", 1, 1, "correct"),
                    _item("naming_object_1", 0, 1, BY_SUBTOTAL),
                    _item("naming_object_2", 0, 1, BY_SUBTOTAL),
                    _item("naming_object_3", 0, 1, BY_SUBTOTAL),
                    _item("follows_commands", 0, 1, BY_SUBTOTAL),
                    _item("writes_sentence", 0, 0, "incorrect"),
                    _item("counts_back_by_ten", 0, 1, BY_SUBTOTAL),
                ),
                (),
                ("D10",),
                CRITERIA_VERSION,
                "ICE 7/10 (domain subtotals: naming 2, commands 1, writing 0, attention 1).",
            ),
        ),
        # Open: the items outside every subtotal are missing, in the table's order (D13).
        (
            {"orientation": 3, "orientation_year": 1, "follows_commands": 1, "attention": 0},
            ScoreResult(
                "ICE",
                None,
                4,
                8,
                (
                    _item("orientation_year", 1, 1, "correct"),
                    _item("orientation_month", 0, 1, BY_SUBTOTAL),
                    _item("orientation_city", 0, 1, BY_SUBTOTAL),
                    _item("orientation_hospital", 0, 1, BY_SUBTOTAL),
                    _item("naming_object_1", 0, 1, "not recorded"),
                    _item("naming_object_2", 0, 1, "not recorded"),
                    _item("naming_object_3", 0, 1, "not recorded"),
                    _item("follows_commands", 1, 1, "correct"),
                    _item("writes_sentence", 0, 1, "not recorded"),
                    _item("counts_back_by_ten", 0, 1, BY_SUBTOTAL),
                ),
                ("naming_object_1", "naming_object_2", "naming_object_3", "writes_sentence"),
                ("D10", "D13"),
                CRITERIA_VERSION,
                "ICE 4 to 8 of 10 (undetermined; domain subtotals: orientation 3, attention 0); "
                "open until given: naming_object_1, naming_object_2, naming_object_3, "
                "writes_sentence.",
            ),
        ),
    ],
    ids=["determined", "open"],
)
def test_a_record_by_domain_gives_its_whole_result(
    record: dict[str, Any], expected: ScoreResult
) -> None:
    result = score_ice(record)
    assert result == expected
    assert result.to_json() == expected.to_json()
