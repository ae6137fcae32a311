"""Vasopressors counted without (all) their names: ``vasopressor_count`` (D3, D13).

A chart's "one vasopressor", "multiple vasopressors" or "on a vasopressor, agent not recorded" is
a count of distinct agents, some or none of them named in ``vasopressors``. An agent not named
may be vasopressin, which never counts towards "multiple vasopressors (excluding vasopressin)"
(CRS table; D3), so the grade is 3 to 4 wherever that decides it. Each row checks one count on
each side of the rule; the errors name the field and the reason.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading import CrsAssessment, grade_crs
from astct_grading.criteria.crs import VASOPRESSOR_COUNT_MAX, crs_criteria

ROOM_AIR = {"device": "room_air"}


def _graded(count: Any, named: list[str] | None = None, **more: Any) -> tuple[int, int]:
    record: dict[str, Any] = {"fever": True, "oxygen": ROOM_AIR, "vasopressor_count": count}
    if named is not None:
        record["vasopressors"] = named
    result = grade_crs({**record, **more})
    return result.grade_min, result.grade_max


@pytest.mark.parametrize(
    ("count", "named", "bounds"),
    [
        # No agent: the count says none (as an empty list does); hypotension without
        # vasopressors is still open (grade 2), as it is not given.
        (0, None, (1, 2)),
        (0, [], (1, 2)),
        # "On a vasopressor, agent not recorded": one agent, whatever it is, is grade 3.
        (1, None, (3, 3)),
        (1, ["vasopressin"], (3, 3)),
        (1, ["norepinephrine"], (3, 3)),
        # Two agents: grade 4 only if neither is vasopressin; one not named may be vasopressin.
        (2, None, (3, 4)),
        (2, ["norepinephrine"], (3, 4)),
        (2, ["vasopressin"], (3, 3)),  # the other is not vasopressin: one counts
        (2, ["norepinephrine", "dopamine"], (4, 4)),
        (2, ["norepinephrine", "vasopressin"], (3, 3)),
        # Three agents: at most one is vasopressin, so two others are certain.
        (3, None, (4, 4)),
        (3, ["vasopressin"], (4, 4)),
        (3, ["norepinephrine"], (4, 4)),
        (VASOPRESSOR_COUNT_MAX, None, (4, 4)),
        # "Multiple vasopressors": two or more, the number not recorded.
        ("multiple", None, (3, 4)),
        ("multiple", ["norepinephrine"], (3, 4)),
        ("multiple", ["vasopressin"], (3, 4)),  # vasopressin and 1 or more others
        ("multiple", ["norepinephrine", "epinephrine"], (4, 4)),
        ("multiple", ["norepinephrine", "vasopressin"], (3, 4)),
        # Repeats of one agent count once.
        (2, ["dopamine", "dopamine"], (3, 4)),
    ],
)
def test_the_count_grades_by_d3_with_exact_bounds(
    count: Any, named: list[str] | None, bounds: tuple[int, int]
) -> None:
    assert _graded(count, named) == bounds


def test_the_criterion_says_what_an_unnamed_agent_may_be() -> None:
    unnamed = {c.key: c.rule for c in crs_criteria()}["unnamed_vasopressor"]
    assert "may be vasopressin" in unnamed
    assert "grade 3" in unnamed
    assert "grade 4" in unnamed


def test_the_explanation_names_vasopressin_when_it_decides() -> None:
    result = grade_crs({"fever": True, "oxygen": ROOM_AIR, "vasopressor_count": "multiple"})
    assert result.grade is None
    assert result.missing == ("vasopressors",)
    assert "D3" in result.decisions
    assert "D13" in result.decisions
    assert "an agent not named may be vasopressin" in result.explanation
    assert "multiple vasopressors (2 or more, not named)" in result.explanation
    hypotension = result.finding("hypotension")
    assert (hypotension.grade_min, hypotension.grade_max) == (3, 4)
    assert not hypotension.assessed


def test_the_explanation_of_a_named_vasopressin_says_the_number_is_open() -> None:
    result = grade_crs(
        {
            "fever": True,
            "oxygen": ROOM_AIR,
            "vasopressors": ["vasopressin"],
            "vasopressor_count": "multiple",
        }
    )
    assert "vasopressin, named, does not count" in result.explanation
    assert "named: vasopressin; the rest not named" in result.explanation


@pytest.mark.parametrize(
    ("count", "named", "text"),
    [
        (1, None, "hypotension on 1 vasopressor (not named)"),
        (1, ["dopamine"], "hypotension on 1 vasopressor (dopamine)"),
        (3, None, "hypotension on 3 vasopressors (not named)"),
        (2, ["dopamine", "vasopressin"], "hypotension on 2 vasopressors (dopamine, vasopressin)"),
        (
            "multiple",
            ["norepinephrine", "epinephrine"],
            "multiple vasopressors (2 or more; named: norepinephrine, epinephrine; the rest",
        ),
    ],
)
def test_determined_counts_read_plainly(count: Any, named: list[str] | None, text: str) -> None:
    result = grade_crs(
        {"fever": True, "oxygen": ROOM_AIR, "vasopressor_count": count, "vasopressors": named}
    )
    assert result.grade is not None
    assert text in result.explanation
    assert result.finding("hypotension").assessed


@pytest.mark.parametrize(
    ("hypotension", "detail"),
    [
        ({}, "hypotension not assessed"),
        ({"hypotension": True}, "hypotension without vasopressors"),
        ({"hypotension": False}, "no hypotension"),
        # The systolic helper on both sides of the PALS threshold (D5).
        (
            {"systolic_bp_mmhg": 89, "age_years": 40},
            "systolic 89 < 90 mmHg at age 40 y (PALS, D5) without vasopressors",
        ),
        ({"systolic_bp_mmhg": 90, "age_years": 40}, "systolic 90 ≥ 90 mmHg at age 40 y (PALS, D5)"),
    ],
)
def test_a_count_of_zero_reads_as_no_vasopressor(hypotension: dict[str, Any], detail: str) -> None:
    # "vasopressor_count": 0 is the same as "vasopressors": [] (docs/crs.md): none given, so the
    # vasopressors are assessed and the detail never says they are not.
    record = {"fever": True, "oxygen": ROOM_AIR, **hypotension}
    with_count = grade_crs({**record, "vasopressor_count": 0})
    with_list = grade_crs({**record, "vasopressors": []})
    assert with_count.to_dict() == with_list.to_dict()
    assert with_count.finding("hypotension").detail == detail


#: The sentences that say why a counted range is open (docs/crs.md; D3).
MAY_BE_VASOPRESSIN = (
    ": an agent not named may be vasopressin, which does not count towards multiple "
    "vasopressors (D3)"
)
NAMED_VASOPRESSIN = (
    ": vasopressin, named, does not count towards multiple vasopressors, and the number of "
    "other agents is not recorded (D3)"
)


@pytest.mark.parametrize(
    ("count", "named", "detail"),
    [
        # Determined: the agents as counted and named, nothing more.
        (1, None, "hypotension on 1 vasopressor (not named)"),
        (
            2,
            ["vasopressin"],
            "hypotension on 2 vasopressors (named: vasopressin; the rest not named)",
        ),
        (3, None, "hypotension on 3 vasopressors (not named)"),
        (
            "multiple",
            ["norepinephrine", "epinephrine"],
            "hypotension on multiple vasopressors (2 or more; named: norepinephrine, epinephrine; "
            "the rest not named)",
        ),
        # Open (3 to 4): why, in words.
        (2, None, f"hypotension on 2 vasopressors (not named){MAY_BE_VASOPRESSIN}"),
        (
            2,
            ["norepinephrine"],
            "hypotension on 2 vasopressors (named: norepinephrine; the rest not named)"
            f"{MAY_BE_VASOPRESSIN}",
        ),
        (
            "multiple",
            None,
            f"hypotension on multiple vasopressors (2 or more, not named){MAY_BE_VASOPRESSIN}",
        ),
        (
            "multiple",
            ["vasopressin"],
            "hypotension on multiple vasopressors (2 or more; named: vasopressin; the rest not "
            f"named){NAMED_VASOPRESSIN}",
        ),
    ],
)
def test_the_hypotension_finding_says_exactly_what_was_counted(
    count: Any, named: list[str] | None, detail: str
) -> None:
    result = grade_crs(
        {"fever": True, "oxygen": ROOM_AIR, "vasopressor_count": count, "vasopressors": named}
    )
    assert result.finding("hypotension").detail == detail
    assert f"; {detail}; " in result.explanation


@pytest.mark.parametrize(
    ("more", "decisions"),
    [
        # Vasopressors counted (D3), oxygen read (D4); open only when vasopressin may decide (D13).
        ({"vasopressor_count": 1}, ("D3", "D4")),
        ({"vasopressor_count": "multiple"}, ("D3", "D4", "D13")),
        ({"vasopressor_count": 3, "hypotension": True}, ("D3", "D4")),
        # A count of none, as the empty list: no vasopressor given, so no D3.
        ({"vasopressor_count": 0}, ("D4", "D13")),
    ],
)
def test_a_count_cites_d3_and_never_the_systolic_helper(
    more: dict[str, Any], decisions: tuple[str, ...]
) -> None:
    # Without a systolic pressure nothing is derived from one, so D5 is never cited.
    result = grade_crs({"fever": True, "oxygen": ROOM_AIR, **more})
    assert result.decisions == decisions


def test_a_count_settles_what_unknown_vasopressors_leave_open() -> None:
    # Hypotension without vasopressors assessed is 2-4; "one vasopressor" makes it 3.
    assert _graded(None, None, hypotension=True) == (2, 4)
    assert _graded(1, None, hypotension=True) == (3, 3)
    # An attributed hypotension still does not count (D2).
    assert _graded("multiple", None, hypotension_other_cause=True) == (1, 1)
    # Without fever and without the waiver CRS is not graded (D1).
    assert grade_crs({"fever": False, "fever_waiver": False, "vasopressor_count": 3}).grade == 0


@pytest.mark.parametrize(
    ("record", "kind", "words"),
    [
        ({"vasopressor_count": 7}, "vasopressor_count", "from 0 to 6"),
        ({"vasopressor_count": -1}, "vasopressor_count", "not -1"),
        ({"vasopressor_count": True}, "vasopressor_count", "not True"),
        ({"vasopressor_count": 1.0}, "vasopressor_count", "not 1.0"),
        ({"vasopressor_count": "2"}, "vasopressor_count", "not '2'"),
        ({"vasopressor_count": "several"}, "vasopressor_count", "'multiple'"),
        (
            {"vasopressors": [], "vasopressor_count": 1},
            "vasopressor_count_conflict",
            "vasopressors is an empty list",
        ),
        (
            {"vasopressors": ["dopamine", "epinephrine"], "vasopressor_count": 1},
            "vasopressor_count_conflict",
            "names 2 distinct agents",
        ),
        (
            {"hypotension": False, "vasopressor_count": "multiple"},
            "hypotension_conflict",
            "hypotension is recorded absent",
        ),
        (
            {"hypotension": False, "vasopressor_count": 1},
            "hypotension_conflict",
            "hypotension is recorded absent",
        ),
    ],
)
def test_bad_counts_are_rejected_naming_the_field_and_the_reason(
    record: dict[str, Any], kind: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        CrsAssessment.model_validate(record)
    (error,) = caught.value.errors()
    assert error["type"] == kind
    assert words in error["msg"]
    if kind == "vasopressor_count":
        assert error["loc"] == ("vasopressor_count",)


COUNT_REASON = (
    "a vasopressor count is a whole number of distinct agents from 0 to 6, or 'multiple' (two "
    "or more, the number not recorded), not {} (D3)"
)
EMPTY_LIST_REASON = (
    "vasopressors is an empty list (none given), but vasopressor_count is {}; leave vasopressors "
    "out when the agents are not named (D3)"
)
NAMED_REASON = (
    "vasopressor_count is {}, but vasopressors names {} distinct agents; the count includes the "
    "agents named (D3)"
)


@pytest.mark.parametrize(
    ("record", "kind", "loc", "message", "context"),
    [
        # The field itself (docs/errors.md: raised at `vasopressor_count`), the value as given.
        (
            {"vasopressor_count": 7},
            "vasopressor_count",
            ("vasopressor_count",),
            COUNT_REASON.format("7"),
            {"most": 6, "value": "7"},
        ),
        (
            {"vasopressor_count": "several"},
            "vasopressor_count",
            ("vasopressor_count",),
            COUNT_REASON.format("'several'"),
            {"most": 6, "value": "'several'"},
        ),
        # The count against the names (raised by the model: no one field is wrong alone).
        (
            {"vasopressors": [], "vasopressor_count": 1},
            "vasopressor_count_conflict",
            (),
            EMPTY_LIST_REASON.format("1"),
            {"count": "1"},
        ),
        (
            {"vasopressors": [], "vasopressor_count": "multiple"},
            "vasopressor_count_conflict",
            (),
            EMPTY_LIST_REASON.format("multiple"),
            {"count": "multiple"},
        ),
        (
            {"vasopressors": ["dopamine", "epinephrine", "dopamine"], "vasopressor_count": 1},
            "vasopressor_count_conflict",
            (),
            NAMED_REASON.format("1", "2"),
            {"count": "1", "named": 2},
        ),
    ],
)
def test_each_error_gives_its_exact_reason(
    record: dict[str, Any],
    kind: str,
    loc: tuple[str, ...],
    message: str,
    context: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError) as caught:
        CrsAssessment.model_validate(record)
    (error,) = caught.value.errors()
    assert (error["type"], error["loc"], error["msg"]) == (kind, loc, message)
    assert error["ctx"] == context


def test_agreeing_counts_are_accepted() -> None:
    for record in (
        {"hypotension": False, "vasopressor_count": 0},
        {"vasopressors": ["dopamine", "dopamine"], "vasopressor_count": 1},
        {"vasopressors": ["dopamine", "epinephrine"], "vasopressor_count": "multiple"},
        {"vasopressors": ["dopamine"], "vasopressor_count": "multiple"},
        {"vasopressors": [], "vasopressor_count": 0},
    ):
        CrsAssessment.model_validate(record)


def test_the_json_schema_states_the_count() -> None:
    schema = CrsAssessment.model_json_schema()["properties"]["vasopressor_count"]
    options = schema["anyOf"]
    assert {"type": "integer", "minimum": 0, "maximum": VASOPRESSOR_COUNT_MAX} in options
    assert {"const": "multiple"} in options
