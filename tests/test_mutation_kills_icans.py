"""Tests written to kill the surviving mutants of ``icans.py`` (docs/mutation.md).

Each pins a part of a result, an error or a documented shortcut that the table, property and corpus
tests left open: the message of a rejected argument, the CAPD screen of a range that ends at 8 or
9, the bounds of the ICE age cut, and the direct evaluation of a record whose instrument and
consciousness inputs are all known (docs/performance.md).
"""

from __future__ import annotations

from typing import Any

import pytest

from astct_grading.criteria.icans import CONSCIOUSNESS_GRADES
from astct_grading.errors import AstctGradingError
from astct_grading.icans import grading as icans
from astct_grading.icans.grading import (
    IcansAssessment,
    IcansOptions,
    grade_icans,
    score_capd,
    score_ice,
)

# --- Rejected arguments ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (score_ice, "score_ice takes a IceAssessment or a mapping, not int"),
        (score_capd, "score_capd takes a CapdAssessment or a mapping, not int"),
        (grade_icans, "grade_icans takes a IcansAssessment or a mapping, not int"),
    ],
)
def test_a_wrong_argument_type_names_the_function(function: Any, message: str) -> None:
    with pytest.raises(AstctGradingError) as info:
        function(42)
    assert info.value.type == "input_type"
    assert str(info.value) == message


# --- The CAPD screen of a range (D8, D13) ----------------------------------------------------

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


# --- The ICE age cut (D7) ----------------------------------------------------------------------


@pytest.mark.parametrize("cut", [0.01, 0.5, 1, 1.0, 12.0, 129.99, 130, 130.0])
def test_icans_options_accept_every_age_cut_in_0_to_130(cut: float) -> None:
    assert IcansOptions(ice_min_age_years=cut).ice_min_age_years == cut


@pytest.mark.parametrize("cut", [0, 0.0, -0.01, 130.01, 131])
def test_icans_options_say_which_age_cuts_are_possible(cut: float) -> None:
    with pytest.raises(AstctGradingError) as info:
        IcansOptions(ice_min_age_years=cut)
    assert info.value.type == "invalid_option"
    assert str(info.value) == (
        f"ice_min_age_years must be a finite number of years in (0, 130], not {cut!r}"
    )


def test_a_child_under_a_low_age_cut_uses_capd() -> None:
    record = {"age_years": 0.5, "capd": {"total": 9}, "ice": {"total": 10}}
    assert grade_icans(record, options=IcansOptions(ice_min_age_years=1)).instrument == "CAPD"
    assert grade_icans(record, options=IcansOptions(ice_min_age_years=0.5)).instrument == "ICE"


# --- The direct evaluation of complete records (docs/performance.md) -------------------------

LEVELS = [
    "alert",
    "awakens_spontaneously",
    "awakens_to_voice",
    "awakens_to_tactile_stimulus",
    "unarousable",
]


def complete_records() -> list[dict[str, Any]]:
    """Records whose instrument and consciousness inputs are all known, at every level."""
    records: list[dict[str, Any]] = []
    for level in LEVELS:
        for sedated in (False, True):
            for other in (False, True):
                common = {
                    "consciousness": level,
                    "consciousness_other_cause": sedated,
                    "encephalopathy_other_cause": other,
                }
                records.append({"age_years": 40.0, "ice": {"total": 5}, **common})
                records.append({"age_years": 40.0, "ice": {"total": 9}, "capd": {}, **common})
                records.append({"age_years": 8.0, "capd": {"total": 4}, **common})
                records.append(
                    {"age_years": 8.0, "capd": {"total": 12}, "ice": {"total": 3}, **common}
                )
                records.append(
                    {"age_years": 30.0, "developmental_delay": True, "capd": {"total": 0}, **common}
                )
    return records


@pytest.mark.parametrize("record", complete_records())
def test_a_complete_record_is_evaluated_directly_as_the_enumeration_would(
    record: dict[str, Any],
) -> None:
    model = IcansAssessment.model_validate(record)
    before = icans._coupled_domain.cache_info()
    direct = icans._instrument_and_consciousness(model, icans.DEFAULT_OPTIONS)
    after = icans._coupled_domain.cache_info()
    # Evaluated directly: the enumeration (and its cache) is not touched.
    assert (after.hits, after.misses) == (before.hits, before.misses)
    enumerated = icans._instrument_and_consciousness(model, icans.DEFAULT_OPTIONS, direct=False)
    assert direct == enumerated
    coupled = direct[0]
    assert model.consciousness is not None
    level = CONSCIOUSNESS_GRADES[model.consciousness]
    assert coupled.domain[1] == (level > 0, level > 0)
    contribution = 0 if model.consciousness_other_cause else level
    assert coupled.consciousness == (contribution, contribution)


def test_grading_a_complete_record_does_not_enumerate() -> None:
    record = {
        "age_years": 40.0,
        "ice": {"total": 8},
        "consciousness": "awakens_to_voice",
        "consciousness_other_cause": True,
        "encephalopathy_other_cause": False,
    }
    model = IcansAssessment.model_validate(record)
    before = icans._coupled_domain.cache_info()
    result = grade_icans(model)
    after = icans._coupled_domain.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)
    assert (result.grade_min, result.grade_max) == (1, 4)  # seizure, motor and ICP not assessed
