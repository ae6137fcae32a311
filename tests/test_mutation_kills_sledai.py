"""SLEDAI-2K: the details that mutation testing found unpinned (docs/mutation.md).

The table, property and snapshot tests pin every score and every result; these pin what else a
caller reads: the text and context of each validation error and misuse error, the decisions
cited with options equal to the default, and the key of a failed item lookup.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading.criteria.sledai2k import Descriptor
from astct_grading.errors import AstctGradingError
from astct_grading.sle.sledai import Sledai2kOptions, SledaiVisit, score_sledai2k
from tests.sledai_form import NO_ACTIVITY


def only_error(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    errors = caught.value.errors()
    assert len(errors) == 1
    return dict(errors[0])


@pytest.mark.parametrize("window", [7, "28"])
def test_a_rejected_window_says_which_windows_are_accepted(window: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        SledaiVisit.model_validate({"window_days": window})
    error = only_error(caught)
    assert (error["type"], error["loc"], error["input"]) == (
        "sledai_window",
        ("window_days",),
        window,
    )
    assert error["msg"] == (
        f"the SLEDAI-2K look-back window is 10 days (default) or 30 days, not {window} (D18)"
    )
    assert error["ctx"] == {"window": window}


def test_a_descriptor_contradicting_its_raw_value_quotes_both() -> None:
    with pytest.raises(ValidationError) as caught:
        SledaiVisit.model_validate({"platelets_10e9_l": 80, "thrombocytopenia": False})
    error = only_error(caught)
    assert (error["type"], error["loc"], error["input"]) == (
        "sledai_descriptor_conflict",
        ("thrombocytopenia",),
        False,
    )
    note = "D17; record an excluding cause in the *_other_cause field, not an absent finding"
    assert error["msg"] == (
        f"thrombocytopenia=False contradicts the raw value: platelets 80 < 100.0 x10^9/L ({note})"
    )
    assert error["ctx"] == {
        "descriptor": "thrombocytopenia",
        "given": "False",
        "evidence": "platelets 80 < 100.0 x10^9/L",
        "note": note,
    }


@pytest.mark.parametrize(
    ("given", "options", "reading"),
    [
        (False, Sledai2kOptions(), "'≥ 2 joints' (SLEDAI-2K, D16)"),
        (
            True,
            Sledai2kOptions(arthritis_threshold="more_than_two"),
            "'more than 2 joints' (original SLEDAI option, D16)",
        ),
    ],
)
def test_arthritis_at_two_joints_against_the_chosen_reading_says_which(
    given: bool, options: Sledai2kOptions, reading: str
) -> None:
    # Valid as a visit (2 joints meet one of the two readings); the chosen reading decides when
    # scoring (D16).
    record = {**NO_ACTIVITY, "arthritis": given, "arthritis_joint_count": 2}
    with pytest.raises(ValidationError) as caught:
        score_sledai2k(record, options=options)
    error = only_error(caught)
    assert (error["type"], error["loc"], error["input"]) == (
        "sledai_descriptor_conflict",
        ("arthritis",),
        given,
    )
    assert error["msg"] == (
        f"arthritis={given} contradicts the raw value: 2 inflamed joints (read as {reading})"
    )
    assert error["ctx"] == {
        "descriptor": "arthritis",
        "given": str(given),
        "evidence": "2 inflamed joints",
        "note": f"read as {reading}",
    }


def test_an_invalid_arthritis_threshold_says_which_are_accepted() -> None:
    with pytest.raises(AstctGradingError) as caught:
        Sledai2kOptions(arthritis_threshold="more_than_2")  # type: ignore[arg-type]
    assert caught.value.type == "invalid_option"
    assert str(caught.value) == (
        "arthritis_threshold is 'two_or_more' or 'more_than_two', not 'more_than_2' (D16)"
    )


def test_scoring_something_else_than_a_visit_names_its_type() -> None:
    with pytest.raises(AstctGradingError) as caught:
        score_sledai2k([1, 2])  # type: ignore[arg-type]
    assert caught.value.type == "input_type"
    assert str(caught.value) == "score_sledai2k takes a SledaiVisit or a mapping, not list"


def test_an_item_that_is_not_in_the_result_raises_with_its_name() -> None:
    with pytest.raises(KeyError) as caught:
        score_sledai2k(NO_ACTIVITY).item("not_a_descriptor")
    assert caught.value.args == ("not_a_descriptor",)


def test_a_descriptor_missing_from_a_result_raises_with_its_plain_name() -> None:
    # Every scored result has the 24 descriptors; a result built without them does not.
    result = replace(score_sledai2k(NO_ACTIVITY), items=())
    with pytest.raises(KeyError) as caught:
        result.item(Descriptor.RASH)
    (key,) = caught.value.args
    assert (type(key), key) == (str, "rash")


def test_options_equal_to_the_default_do_not_cite_d16() -> None:
    # D16 is cited for a joint count or an option other than the default, not for a new
    # instance of the default options.
    result = score_sledai2k(NO_ACTIVITY, options=Sledai2kOptions())
    assert result.decisions == ("D18", "D19")
    other = score_sledai2k(
        NO_ACTIVITY, options=Sledai2kOptions(arthritis_threshold="more_than_two")
    )
    assert other.decisions == ("D16", "D18", "D19")


def test_a_joint_count_contradicting_arthritis_under_both_readings() -> None:
    with pytest.raises(ValidationError) as caught:
        SledaiVisit.model_validate({"arthritis": True, "arthritis_joint_count": 1})
    error = only_error(caught)
    assert error["msg"] == (
        "arthritis=True contradicts the raw value: 1 inflamed joints does not meet '≥ 2 joints' "
        "(D16) (under both readings of D16, '≥ 2' and 'more than 2' joints)"
    )
