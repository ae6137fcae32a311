"""Organ toxicity recorded with CRS: accepted, reported in ``excluded``, never graded.

ASTCT 2019 (Lee 2019, CRS table footnote): organ toxicities associated with CRS may be graded by
CTCAE v5.0 but do not influence the CRS grade (rules.md §1.4; D2). Records graded by older scales
(Lee 2014, CARTOX, Penn) carry them; they are accepted as a CTCAE grade 1-5 per organ.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading import CrsAssessment, grade_crs
from astct_grading.criteria.crs import crs_criteria

BASE: dict[str, Any] = {"fever": True, "hypotension": False, "oxygen": {"device": "room_air"}}


def test_the_criterion_says_organ_toxicity_never_changes_the_grade() -> None:
    rule = {criterion.key: criterion.rule for criterion in crs_criteria()}["organ_toxicity"]
    assert "never change the CRS grade" in rule


@pytest.mark.parametrize("grade", [1, 2, 3, 4, 5])
def test_every_ctcae_grade_is_recorded_and_excluded(grade: int) -> None:
    result = grade_crs({**BASE, "organ_toxicity": {"hepatic": grade}})
    assert result.grade == 1  # fever only, whatever the organ toxicity
    assert result.excluded == ("organ_toxicity.hepatic",)
    assert f"hepatic CTCAE grade {grade}" in result.explanation
    assert "organ toxicity recorded, not graded (D2)" in result.explanation
    assert "D2" in result.decisions


@pytest.mark.parametrize(
    ("record", "explanation", "decisions"),
    [
        (
            {**BASE, "organ_toxicity": {"hepatic": 3, "renal": 2}},
            "CRS grade 1: fever recorded; no hypotension; room air; organ toxicity recorded, not "
            "graded (D2): hepatic CTCAE grade 3, renal CTCAE grade 2.",
            ("D2", "D4"),
        ),
        # An open grade keeps its own decisions and what is missing, after the organs.
        (
            {"fever": True, "oxygen": {"device": "room_air"}, "organ_toxicity": {"hepatic": 4}},
            "CRS grade 1 to 4 (undetermined): fever recorded; hypotension not assessed; room air; "
            "organ toxicity recorded, not graded (D2): hepatic CTCAE grade 4; open until given: "
            "hypotension, vasopressors.",
            ("D2", "D4", "D13"),
        ),
    ],
)
def test_the_explanation_adds_each_organ_and_d2_to_the_rest(
    record: dict[str, Any], explanation: str, decisions: tuple[str, ...]
) -> None:
    result = grade_crs(record)
    assert result.explanation == explanation
    assert result.decisions == decisions


def test_a_ctcae_grade_5_is_not_crs_grade_5() -> None:
    result = grade_crs({**BASE, "organ_toxicity": {"cardiac": 5, "renal": 4}})
    assert result.grade == 1
    assert result.excluded == ("organ_toxicity.cardiac", "organ_toxicity.renal")


def test_an_empty_record_of_organs_is_accepted_and_changes_nothing() -> None:
    plain, empty = grade_crs(BASE), grade_crs({**BASE, "organ_toxicity": {}})
    assert plain.to_dict() == empty.to_dict()


def test_without_organ_toxicity_nothing_is_excluded() -> None:
    assert grade_crs(BASE).excluded == ()


def test_organ_toxicity_does_not_settle_an_open_grade() -> None:
    result = grade_crs({"fever": True, "organ_toxicity": {"hepatic": 4}})
    assert result.grade is None
    assert (result.grade_min, result.grade_max) == (1, 4)
    assert "organ_toxicity" not in result.missing


@pytest.mark.parametrize(
    ("value", "kind", "loc"),
    [
        ({"hepatic": 0}, "greater_than_equal", ("organ_toxicity", "hepatic")),
        ({"renal": 6}, "less_than_equal", ("organ_toxicity", "renal")),
        ({"cardiac": True}, "bool_not_number", ("organ_toxicity", "cardiac")),
        ({"cardiac": "3"}, "number_format", ("organ_toxicity", "cardiac")),
        ({"cardiac": 2.5}, "int_from_float", ("organ_toxicity", "cardiac")),
        ({"": 2}, "string_too_short", ("organ_toxicity", "", "[key]")),
        (["hepatic"], "dict_type", ("organ_toxicity",)),
    ],
)
def test_bad_organ_toxicity_is_rejected_naming_the_field(
    value: Any, kind: str, loc: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        CrsAssessment.model_validate({**BASE, "organ_toxicity": value})
    (error,) = caught.value.errors()
    assert (error["type"], error["loc"]) == (kind, loc)


def test_the_json_schema_states_the_grades() -> None:
    schema = CrsAssessment.model_json_schema()["properties"]["organ_toxicity"]["anyOf"][0]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] == {"type": "integer", "minimum": 1, "maximum": 5}
