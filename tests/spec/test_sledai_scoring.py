"""SLEDAI-2K scoring: table tests at every weight, bound, exclusion and option (D13-D19).

Each table is annotated with the criterion it checks (Gladman 2002 form; docs/decisions.md). Beside
the scores, the tables pin what else a caller reads: the text and context of each validation and
misuse error, the decisions cited, and the key of a failed item lookup.
"""

from __future__ import annotations

import doctest
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading.core.results import ScoreItem
from astct_grading.criteria.sledai2k import (
    CRITERIA_VERSION,
    MAX_SCORE,
    ActivityBand,
    Descriptor,
    activity_band,
    descriptors,
)
from astct_grading.crs.grading import grade_crs
from astct_grading.errors import AstctGradingError
from astct_grading.sle.sledai import (
    AntiDsDnaMeasurement,
    Basis,
    ComplementMeasurement,
    Sledai2kOptions,
    Sledai2kResult,
    SledaiItem,
    SledaiVisit,
    score_sledai2k,
)
from tests.sledai_form import WEIGHTS

SEROLOGY = ("low_complement", "increased_dna_binding")
# Descriptors whose definitions on the form name causes to exclude.
WITH_EXCLUSIONS = (
    "seizure",
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cerebrovascular_accident",
    "haematuria",
    "pyuria",
    "fever",
    "thrombocytopenia",
    "leukopenia",
)
ABSENT: dict[str, Any] = dict.fromkeys(WEIGHTS, False)
MORE_THAN_TWO = Sledai2kOptions(arthritis_threshold="more_than_two")


def visit(**changes: Any) -> dict[str, Any]:
    """Every descriptor absent, then the changes."""
    return {**ABSENT, **changes}


def error_types(error: ValidationError) -> list[tuple[tuple[int | str, ...], str]]:
    return [(tuple(e["loc"]), e["type"]) for e in error.errors()]


def only_error(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    errors = caught.value.errors()
    assert len(errors) == 1
    return dict(errors[0])


# --- Weights ---------------------------------------------------------------------------------


def test_the_table_has_the_24_descriptors_of_the_form_in_order() -> None:
    assert [d.value for d in descriptors()] == list(WEIGHTS)


@pytest.mark.parametrize(("name", "weight"), WEIGHTS.items())
def test_each_descriptor_adds_its_weight(name: str, weight: int) -> None:
    result = score_sledai2k(visit(**{name: True}))
    assert result.score == weight
    item = result.item(name)
    assert (item.points, item.weight, item.basis) == (weight, weight, Basis.CLINICIAN)
    assert result.clinical_score == (0 if name in SEROLOGY else weight)


def test_maximum_is_105_and_clinical_maximum_101() -> None:
    result = score_sledai2k(dict.fromkeys(WEIGHTS, True))
    assert (result.score, result.clinical_score) == (105, 101) == (MAX_SCORE, MAX_SCORE - 4)
    assert result.activity_band is ActivityBand.VERY_HIGH


def test_all_absent_is_zero_and_says_so() -> None:
    result = score_sledai2k(ABSENT)
    assert (result.score, result.clinical_score, result.missing) == (0, 0, ())
    assert result.activity_band is ActivityBand.NONE
    assert "no descriptor counted" in result.explanation


def test_nothing_assessed_is_the_whole_range_never_zero() -> None:
    result = score_sledai2k({})
    assert (result.score, result.score_min, result.score_max) == (None, 0, 105)
    assert (result.clinical_score_min, result.clinical_score_max) == (0, 101)
    assert result.activity_band is None
    assert (result.activity_band_min, result.activity_band_max) == (
        ActivityBand.NONE,
        ActivityBand.VERY_HIGH,
    )
    assert set(WEIGHTS) <= set(result.missing)
    assert "D13" in result.decisions
    assert all(
        item.basis is Basis.NOT_ASSESSED for item in result.items if isinstance(item, SledaiItem)
    )


def test_one_unknown_descriptor_gives_a_range_of_its_weight() -> None:
    result = score_sledai2k(visit(seizure=True, rash=None))
    assert (result.score, result.score_min, result.score_max) == (None, 8, 10)
    assert result.missing == ("rash",)
    assert "rash 0 or 2" in result.explanation
    assert result.explanation.startswith("SLEDAI-2K 8 to 10 (undetermined)")


# --- Laboratory bounds, both sides (D17), compared at 0.01 (D14) ------------------------------

LAB_CASES: list[tuple[str, str, Any, int]] = [
    # (descriptor, raw field, raw value, expected points)
    # Fever: "temperature above 38 °C" ('> 38 °C'), at 0.01 °C (D14).
    ("fever", "temperature", {"value": 38.0, "unit": "C"}, 0),
    ("fever", "temperature", {"value": 38.1, "unit": "C"}, 1),
    ("fever", "temperature", {"value": 38.004, "unit": "C"}, 0),
    ("fever", "temperature", {"value": 38.005, "unit": "C"}, 1),
    ("fever", "temperature", {"value": 100.4, "unit": "F"}, 0),
    ("fever", "temperature", {"value": 100.6, "unit": "F"}, 1),
    # Thrombocytopenia: "platelets below 100 x10^9/L" ('< 100 x10^9/L').
    ("thrombocytopenia", "platelets_10e9_l", 100, 0),
    ("thrombocytopenia", "platelets_10e9_l", 99.9, 1),
    ("thrombocytopenia", "platelets_10e9_l", 99.995, 0),
    # Leukopenia: "white blood cells below 3.0 x10^9/L" ('< 3 x10^9/L').
    ("leukopenia", "wbc_10e9_l", 3.0, 0),
    ("leukopenia", "wbc_10e9_l", 2.99, 1),
    # Proteinuria: "more than 0.5 g/24 h" ('> 0.5 g/24 h').
    ("proteinuria", "proteinuria_g_24h", 0.5, 0),
    ("proteinuria", "proteinuria_g_24h", 0.51, 4),
    # Haematuria: "more than 5 red blood cells per high-power field" ('> 5 RBC/hpf').
    ("haematuria", "urine_rbc_per_hpf", 5, 0),
    ("haematuria", "urine_rbc_per_hpf", 6, 4),
    ("haematuria", "urine_rbc_per_hpf", 5.01, 4),
    # Pyuria: "more than 5 white blood cells per high-power field" ('> 5 WBC/hpf').
    ("pyuria", "urine_wbc_per_hpf", 5, 0),
    ("pyuria", "urine_wbc_per_hpf", 6, 4),
    # Increased DNA binding: "above the normal range of the testing laboratory".
    ("increased_dna_binding", "anti_dsdna", {"value": 30, "upper_limit": 30}, 0),
    ("increased_dna_binding", "anti_dsdna", {"value": 30.1, "upper_limit": 30}, 2),
]


@pytest.mark.parametrize(("name", "field", "raw", "points"), LAB_CASES)
def test_laboratory_bound(name: str, field: str, raw: Any, points: int) -> None:
    result = score_sledai2k(visit(**{name: None, field: raw}))
    item = result.item(name)
    assert result.score == points
    assert item.basis is Basis.RAW_VALUE
    assert item.present is (points > 0)
    assert "D17" in result.decisions


@pytest.mark.parametrize(
    ("celsius", "crs_fever", "sledai_fever"),
    [(37.9, False, False), (38.0, True, False), (38.1, True, True)],
)
def test_sledai_fever_is_strict_beside_the_crs_fever_bound(
    celsius: float, crs_fever: bool, sledai_fever: bool
) -> None:
    temperature = {"value": celsius, "unit": "C"}
    crs = grade_crs(
        {"temperature": temperature, "hypotension": False, "oxygen": {"device": "room_air"}}
    )
    assert crs.finding("fever").present is crs_fever
    assert crs.grade == int(crs_fever)
    sledai = score_sledai2k(visit(fever=None, temperature=temperature))
    assert sledai.item("fever").present is sledai_fever
    assert sledai.score == int(sledai_fever)


@pytest.mark.parametrize(
    ("c3", "c4", "ch50", "points"),
    [
        (0.9, 0.1, 40, 0),  # each exactly at its lower limit: not below
        (0.89, 0.1, 40, 2),
        (0.9, 0.09, 40, 2),
        (0.9, 0.1, 39.9, 2),
    ],
)
def test_low_complement_is_strictly_below_the_lab_lower_limit(
    c3: float, c4: float, ch50: float, points: int
) -> None:
    result = score_sledai2k(
        visit(
            low_complement=None,
            c3={"value": c3, "lower_limit": 0.9, "unit": "g/L"},
            c4={"value": c4, "lower_limit": 0.1, "unit": "g/L"},
            ch50={"value": ch50, "lower_limit": 40},
        )
    )
    assert result.score == points
    assert result.clinical_score == 0


def test_one_low_complement_is_enough_without_the_others() -> None:
    result = score_sledai2k(visit(low_complement=None, c4={"value": 0.05, "lower_limit": 0.1}))
    assert result.score == 2
    assert "C4 0.05 < 0.1" in result.item("low_complement").detail


def test_normal_complement_with_components_unmeasured_is_not_normal() -> None:
    result = score_sledai2k(visit(low_complement=None, c3={"value": 1.2, "lower_limit": 0.9}))
    assert (result.score, result.score_min, result.score_max) == (None, 0, 2)
    assert result.missing == ("low_complement", "c4", "ch50")
    assert result.item("low_complement").basis is Basis.NOT_ASSESSED
    assert "C4, CH50 not measured" in result.item("low_complement").detail


def test_measurement_models() -> None:
    assert ComplementMeasurement(value=0.8, lower_limit=0.9).low
    assert not ComplementMeasurement(value=0.9, lower_limit=0.9).low
    assert AntiDsDnaMeasurement(value=31, upper_limit=30).raised
    assert not AntiDsDnaMeasurement(value=30, upper_limit=30).raised


# --- Descriptor and raw value together (D17) -------------------------------------------------

CONFLICTS: list[tuple[str, bool, str, Any]] = [
    ("fever", False, "temperature", {"value": 38.1, "unit": "C"}),
    ("fever", True, "temperature", {"value": 38.0, "unit": "C"}),
    ("fever", True, "temperature", {"value": 100.4, "unit": "F"}),
    ("thrombocytopenia", False, "platelets_10e9_l", 99.9),
    ("thrombocytopenia", True, "platelets_10e9_l", 100),
    ("leukopenia", False, "wbc_10e9_l", 2.99),
    ("leukopenia", True, "wbc_10e9_l", 3.0),
    ("proteinuria", False, "proteinuria_g_24h", 0.51),
    ("proteinuria", True, "proteinuria_g_24h", 0.5),
    ("haematuria", False, "urine_rbc_per_hpf", 6),
    ("haematuria", True, "urine_rbc_per_hpf", 5),
    ("pyuria", False, "urine_wbc_per_hpf", 6),
    ("pyuria", True, "urine_wbc_per_hpf", 5),
    ("increased_dna_binding", False, "anti_dsdna", {"value": 31, "upper_limit": 30}),
    ("increased_dna_binding", True, "anti_dsdna", {"value": 30, "upper_limit": 30}),
    ("low_complement", False, "c3", {"value": 0.5, "lower_limit": 0.9}),
]


@pytest.mark.parametrize(("name", "given", "field", "raw"), CONFLICTS)
def test_raw_value_contradicting_the_descriptor_is_rejected(
    name: str, given: bool, field: str, raw: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        SledaiVisit.model_validate({name: given, field: raw})
    assert error_types(caught.value) == [((name,), "sledai_descriptor_conflict")]
    assert f"{name}={given}" in str(caught.value)


def test_a_descriptor_contradicting_its_raw_value_quotes_both() -> None:
    # '< 100 x10^9/L' (D17): the call, the raw value and the bound are all in the message.
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


def test_low_complement_present_contradicts_three_normal_components() -> None:
    normal = {"value": 1.0, "lower_limit": 0.5}
    with pytest.raises(ValidationError) as caught:
        SledaiVisit(low_complement=True, c3=normal, c4=normal, ch50=normal)  # type: ignore[arg-type]
    assert error_types(caught.value) == [(("low_complement",), "sledai_descriptor_conflict")]


def test_low_complement_present_agrees_with_one_normal_component_and_two_unmeasured() -> None:
    result = score_sledai2k(visit(low_complement=True, c3={"value": 1.0, "lower_limit": 0.5}))
    assert result.score == 2
    assert result.item("low_complement").basis is Basis.CLINICIAN


@pytest.mark.parametrize(("name", "given", "field", "raw"), CONFLICTS)
def test_agreeing_descriptor_and_raw_value_are_both_recorded(
    name: str, given: bool, field: str, raw: Any
) -> None:
    result = score_sledai2k(visit(**{name: not given, field: raw}))
    item = result.item(name)
    assert item.basis is Basis.CLINICIAN_AND_RAW_VALUE
    assert item.points == (WEIGHTS[name] if not given else 0)
    assert "as the clinician recorded" in item.detail


def test_drug_induced_cytopenia_is_recorded_as_a_cause_not_as_an_absent_finding() -> None:
    with pytest.raises(ValidationError, match="other_cause"):
        SledaiVisit(thrombocytopenia=False, platelets_10e9_l=50)
    result = score_sledai2k(
        visit(thrombocytopenia=True, platelets_10e9_l=50, thrombocytopenia_other_cause=True)
    )
    assert result.score == 0
    assert result.excluded == ("thrombocytopenia",)


# --- Exclusions (D17) ------------------------------------------------------------------------


@pytest.mark.parametrize("name", WITH_EXCLUSIONS)
def test_a_finding_due_to_an_excluded_cause_is_not_scored(name: str) -> None:
    result = score_sledai2k(visit(**{name: True, f"{name}_other_cause": True}))
    assert result.score == 0
    item = result.item(name)
    assert (item.present, item.excluded, item.points) == (True, True, 0)
    assert result.excluded == (name,)
    assert "excluded: " in result.explanation
    assert "not scored (D17)" in item.detail


@pytest.mark.parametrize("name", WITH_EXCLUSIONS)
def test_an_unknown_cause_leaves_the_descriptor_open(name: str) -> None:
    result = score_sledai2k(visit(**{name: True, f"{name}_other_cause": None}))
    assert (result.score, result.score_min, result.score_max) == (None, 0, WEIGHTS[name])
    assert result.missing == (f"{name}_other_cause",)
    assert "not known (D17)" in result.item(name).detail


@pytest.mark.parametrize("name", WITH_EXCLUSIONS)
def test_an_unknown_cause_of_an_absent_finding_does_not_matter(name: str) -> None:
    result = score_sledai2k(visit(**{name: False, f"{name}_other_cause": None}))
    assert (result.score, result.missing) == (0, ())


@pytest.mark.parametrize("name", WITH_EXCLUSIONS)
def test_no_excluding_cause_recorded_means_the_finding_counts(name: str) -> None:
    result = score_sledai2k(visit(**{name: True}))
    assert result.score == WEIGHTS[name]


def test_an_excluding_cause_closes_an_unassessed_descriptor() -> None:
    result = score_sledai2k(visit(fever=None, fever_other_cause=True))
    assert result.score == 0


@pytest.mark.parametrize(
    ("field", "raw", "name"),
    [
        ("temperature", {"value": 39.0, "unit": "C"}, "fever"),
        ("platelets_10e9_l", 40, "thrombocytopenia"),
        ("wbc_10e9_l", 1.5, "leukopenia"),
        ("urine_rbc_per_hpf", 20, "haematuria"),
        ("urine_wbc_per_hpf", 20, "pyuria"),
    ],
)
def test_raw_value_with_an_excluding_cause_is_not_scored(field: str, raw: Any, name: str) -> None:
    result = score_sledai2k(visit(**{name: None, field: raw, f"{name}_other_cause": True}))
    assert result.score == 0
    assert result.item(name).basis is Basis.RAW_VALUE
    assert result.excluded == (name,)


@pytest.mark.parametrize("name", sorted(set(WEIGHTS) - set(WITH_EXCLUSIONS)))
def test_descriptors_without_exclusions_take_no_other_cause_field(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SledaiVisit.model_validate({name: True, f"{name}_other_cause": True})
    assert error_types(caught.value) == [((f"{name}_other_cause",), "extra_forbidden")]


# --- Arthritis (D16) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "default_points", "original_points"),
    [(0, 0, 0), (1, 0, 0), (2, 4, 0), (3, 4, 4), (10, 4, 4)],
)
def test_arthritis_joint_count(count: int, default_points: int, original_points: int) -> None:
    data = visit(arthritis=None, arthritis_joint_count=count)
    default = score_sledai2k(data)
    original = score_sledai2k(data, options=MORE_THAN_TWO)
    assert (default.score, original.score) == (default_points, original_points)
    assert default.item("arthritis").basis is Basis.RAW_VALUE
    assert "D16" in default.decisions
    assert "D16" in original.decisions


@pytest.mark.parametrize(
    ("given", "count", "message"),
    [
        (True, 0, None),
        (
            True,
            1,
            "arthritis=True contradicts the raw value: 1 inflamed joints does not meet '≥ 2 "
            "joints' (D16) (under both readings of D16, '≥ 2' and 'more than 2' joints)",
        ),
        (False, 3, None),
        (False, 5, None),
    ],
)
def test_arthritis_call_contradicting_the_count_under_both_readings(
    given: bool, count: int, message: str | None
) -> None:
    # '≥ 2 joints' (form) and 'more than 2 joints' (original SLEDAI): 0-1 and 3+ contradict both.
    with pytest.raises(ValidationError) as caught:
        SledaiVisit(arthritis=given, arthritis_joint_count=count)
    assert error_types(caught.value) == [(("arthritis",), "sledai_descriptor_conflict")]
    if message is not None:
        with pytest.raises(ValidationError) as caught:
            SledaiVisit.model_validate({"arthritis": given, "arthritis_joint_count": count})
        assert only_error(caught)["msg"] == message


@pytest.mark.parametrize(
    ("given", "options", "points"),
    [(True, Sledai2kOptions(), 4), (False, MORE_THAN_TWO, 0)],
)
def test_two_joints_agree_with_the_call_under_its_reading(
    given: bool, options: Sledai2kOptions, points: int
) -> None:
    result = score_sledai2k(visit(arthritis=given, arthritis_joint_count=2), options=options)
    assert result.score == points
    assert result.item("arthritis").basis is Basis.CLINICIAN_AND_RAW_VALUE


@pytest.mark.parametrize(
    ("given", "options", "reading"),
    [
        (False, Sledai2kOptions(), "'≥ 2 joints' (SLEDAI-2K, D16)"),
        (True, MORE_THAN_TWO, "'more than 2 joints' (original SLEDAI option, D16)"),
    ],
)
def test_two_joints_contradicting_the_call_under_the_chosen_reading(
    given: bool, options: Sledai2kOptions, reading: str
) -> None:
    # Valid as a visit (2 joints meet one of the two readings); the chosen reading decides when
    # scoring (D16), from a model or from a mapping.
    model = SledaiVisit(arthritis=given, arthritis_joint_count=2)
    with pytest.raises(ValidationError) as caught:
        score_sledai2k(model, options=options)
    assert error_types(caught.value) == [(("arthritis",), "sledai_descriptor_conflict")]
    assert reading in str(caught.value)
    record = {**ABSENT, "arthritis": given, "arthritis_joint_count": 2}
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


def test_arthritis_option_must_be_a_known_reading() -> None:
    with pytest.raises(AstctGradingError) as caught:
        Sledai2kOptions(arthritis_threshold="more_than_2")  # type: ignore[arg-type]
    assert caught.value.type == "invalid_option"
    assert str(caught.value) == (
        "arthritis_threshold is 'two_or_more' or 'more_than_two', not 'more_than_2' (D16)"
    )
    assert (Sledai2kOptions().min_joints, MORE_THAN_TWO.min_joints) == (2, 3)


def test_the_option_is_recorded_even_without_a_count() -> None:
    assert "D16" in score_sledai2k(ABSENT, options=MORE_THAN_TWO).decisions
    assert "D16" not in score_sledai2k(ABSENT).decisions


def test_options_equal_to_the_default_do_not_cite_d16() -> None:
    # D16 is cited for a joint count or an option other than the default, not for a new
    # instance of the default options.
    result = score_sledai2k(ABSENT, options=Sledai2kOptions())
    assert result.decisions == ("D18", "D19")
    other = score_sledai2k(ABSENT, options=Sledai2kOptions(arthritis_threshold="more_than_two"))
    assert other.decisions == ("D16", "D18", "D19")


# --- Window (D18) ----------------------------------------------------------------------------


@pytest.mark.parametrize("window", [10, 30])
def test_validated_windows_are_recorded(window: int) -> None:
    result = score_sledai2k(visit(rash=True, window_days=window))
    assert (result.window_days, result.score) == (window, 2)
    assert f"{window}-day window" in result.explanation
    assert "D18" in result.decisions


@pytest.mark.parametrize("text", ["10", "30"])
def test_window_as_text_is_refused(text: str) -> None:
    # A number is a JSON number (D15, D18); the CSV reader turns a cell "30" into 30 first.
    with pytest.raises(ValidationError) as raised:
        SledaiVisit.model_validate({"window_days": text})
    assert [e["type"] for e in raised.value.errors()] == ["sledai_window"]
    assert SledaiVisit.model_validate({"window_days": int(text)}).window_days == int(text)


def test_default_window_is_10_days() -> None:
    assert SledaiVisit().window_days == 10
    assert score_sledai2k(ABSENT).window_days == 10


@pytest.mark.parametrize("window", [28, 7, 0, 14, 31, -10, True, "28", " 10", "10.0", None])
def test_other_windows_are_rejected(window: Any) -> None:
    # 10 days (the form) or 30 (Touma 2010), nothing else (D18); the error says which.
    with pytest.raises(ValidationError) as caught:
        SledaiVisit.model_validate({"window_days": window})
    assert error_types(caught.value) == [(("window_days",), "sledai_window")]
    if window in (7, "28"):
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


# --- Bands (D19) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (5, "mild"),
        (6, "moderate"),
        (10, "moderate"),
        (11, "high"),
        (19, "high"),
        (20, "very_high"),
        (105, "very_high"),
    ],
)
def test_activity_band_bounds(score: int, band: str) -> None:
    assert activity_band(score).value == band


@pytest.mark.parametrize("score", [-1, MAX_SCORE + 1])
def test_activity_band_refuses_a_score_no_visit_can_have(score: int) -> None:
    # 0-105 only: below 0 is not "none", above 105 is not "very high" (D19).
    with pytest.raises(ValueError, match=rf"^a SLEDAI-2K score is 0-105, not {score}$"):
        activity_band(score)


@pytest.mark.parametrize(
    ("changes", "band"),
    [
        ({"fever": True, "rash": True, "alopecia": True}, "mild"),  # 5
        ({"fever": True, "arthritis": True, "rash": True}, "moderate"),  # 7
        ({"seizure": True, "alopecia": True}, "moderate"),  # 10
        ({"seizure": True, "alopecia": True, "fever": True}, "high"),  # 11
        ({"seizure": True, "vasculitis": True, "fever": True, "leukopenia": True}, "high"),  # 18
        ({"seizure": True, "vasculitis": True, "arthritis": True}, "very_high"),  # 20
    ],
)
def test_band_of_a_scored_visit_is_labelled_a_convention(
    changes: dict[str, bool], band: str
) -> None:
    result = score_sledai2k(visit(**changes))
    assert result.activity_band is not None
    assert result.activity_band.value == band
    assert "Polachek A et al. 2017" in result.band_source
    assert "a convention, not part of SLEDAI-2K" in result.band_source
    assert f"activity band {band} (a convention, Polachek 2017, D19)" in result.explanation


def test_band_of_a_range_is_a_range() -> None:
    result = score_sledai2k(visit(arthritis=True, rash=None, proteinuria=None))
    assert (result.score_min, result.score_max) == (4, 10)
    assert result.activity_band is None
    assert (result.activity_band_min, result.activity_band_max) == (
        ActivityBand.MILD,
        ActivityBand.MODERATE,
    )
    assert "activity band mild to moderate" in result.explanation


def test_band_of_a_range_within_one_band_is_determined() -> None:
    result = score_sledai2k(visit(arthritis=True, fever=None))
    assert result.score is None
    assert result.activity_band is ActivityBand.MILD


# --- Clinical SLEDAI (D19) -------------------------------------------------------------------


def test_clinical_sledai_leaves_out_only_the_two_serology_descriptors() -> None:
    result = score_sledai2k(
        visit(low_complement=True, increased_dna_binding=True, thrombocytopenia=True, pyuria=True)
    )
    assert (result.score, result.clinical_score) == (9, 5)
    assert "clinical SLEDAI 5" in result.explanation


def test_clinical_sledai_is_determined_when_only_serology_is_unknown() -> None:
    result = score_sledai2k(visit(rash=True, low_complement=None, increased_dna_binding=None))
    assert (result.score, result.score_min, result.score_max) == (None, 2, 6)
    assert result.clinical_score == 2


# --- Explanation, decisions and provenance ---------------------------------------------------


def test_explanation_names_what_was_counted_and_how() -> None:
    result = score_sledai2k(
        visit(
            seizure=True,
            fever=None,
            temperature={"value": 101.0, "unit": "F"},
            thrombocytopenia=None,
            platelets_10e9_l=85,
            thrombocytopenia_other_cause=True,
            visit_date="2024-03-01",
        )
    )
    assert result.score == 9
    assert result.visit_date == "2024-03-01"
    assert result.explanation == (
        "SLEDAI-2K 9, 10-day window (D18); counted: seizure 8 (clinician's call), "
        "fever 1 (101 °F = 38.33 °C > 38.0 °C); excluded: thrombocytopenia (platelets 85 < 100.0 "
        "x10^9/L, due to an excluded cause (drug): not scored (D17)); clinical SLEDAI 9; "
        "activity band moderate (a convention, Polachek 2017, D19)."
    )
    assert result.decisions == ("D14", "D17", "D18", "D19")
    assert result.criteria_version == "SLEDAI-2K-2002"
    assert result.scale == "SLEDAI-2K"


def test_explanation_of_a_value_not_beyond_its_bound() -> None:
    result = score_sledai2k(visit(fever=None, temperature={"value": 38.0, "unit": "C"}))
    assert "38 °C not > 38.0 °C" in result.item("fever").detail
    assert "counted" not in result.explanation.replace("no descriptor counted", "")


def test_absent_by_clinician_is_described_as_such() -> None:
    assert score_sledai2k(ABSENT).item("rash").detail == "absent by clinician's call"


def test_decisions_without_raw_values() -> None:
    assert score_sledai2k(ABSENT).decisions == ("D18", "D19")
    assert score_sledai2k(visit(fever_other_cause=None)).decisions == ("D17", "D18", "D19")


def test_item_lookup() -> None:
    result = score_sledai2k(ABSENT)
    assert result.item(Descriptor.RASH) is result.item("rash")
    with pytest.raises(KeyError):
        result.item("nonsense")
    with pytest.raises(KeyError) as caught:
        result.item("not_a_descriptor")
    assert caught.value.args == ("not_a_descriptor",)


def test_a_descriptor_missing_from_a_result_raises_with_its_plain_name() -> None:
    # Every scored result has the 24 descriptors; a result built without them does not.
    result = replace(score_sledai2k(ABSENT), items=())
    with pytest.raises(KeyError) as caught:
        result.item(Descriptor.RASH)
    (key,) = caught.value.args
    assert (type(key), key) == (str, "rash")


# --- Input validation (D15) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "loc", "type_"),
    [
        ({"seziure": True}, ("seziure",), "extra_forbidden"),
        ({"platelets_10e9_l": True}, ("platelets_10e9_l",), "bool_not_number"),
        ({"platelets_10e9_l": float("nan")}, ("platelets_10e9_l",), "finite_number"),
        ({"platelets_10e9_l": -1}, ("platelets_10e9_l",), "greater_than_equal"),
        ({"wbc_10e9_l": 1001}, ("wbc_10e9_l",), "less_than_equal"),
        ({"proteinuria_g_24h": -0.1}, ("proteinuria_g_24h",), "greater_than_equal"),
        ({"urine_rbc_per_hpf": float("inf")}, ("urine_rbc_per_hpf",), "finite_number"),
        ({"arthritis_joint_count": True}, ("arthritis_joint_count",), "bool_not_number"),
        ({"arthritis_joint_count": 1.5}, ("arthritis_joint_count",), "int_from_float"),
        ({"arthritis_joint_count": 69}, ("arthritis_joint_count",), "less_than_equal"),
        ({"temperature": {"value": 50, "unit": "C"}}, ("temperature",), "temperature_out_of_range"),
        ({"temperature": {"value": 38, "unit": "K"}}, ("temperature", "unit"), "enum"),
        ({"c3": {"value": 1.0}}, ("c3", "lower_limit"), "missing"),
        ({"c3": {"value": 1.0, "lower_limit": 0}}, ("c3", "lower_limit"), "greater_than"),
        (
            {"anti_dsdna": {"value": 1, "upper_limit": 2, "x": 1}},
            ("anti_dsdna", "x"),
            "extra_forbidden",
        ),
        ({"rash": "sometimes"}, ("rash",), "bool_type"),
        ({"visit_date": "2024-02-30"}, ("visit_date",), "date_from_datetime_parsing"),
    ],
)
def test_bad_input_names_the_field(data: dict[str, Any], loc: tuple[str, ...], type_: str) -> None:
    with pytest.raises(ValidationError) as caught:
        score_sledai2k(data)
    assert error_types(caught.value) == [(loc, type_)]


def test_input_that_is_neither_model_nor_mapping() -> None:
    with pytest.raises(AstctGradingError) as caught:
        score_sledai2k([("rash", True)])  # type: ignore[arg-type]
    assert caught.value.type == "input_type"
    with pytest.raises(AstctGradingError) as caught:
        score_sledai2k([1, 2])  # type: ignore[arg-type]
    assert caught.value.type == "input_type"
    assert str(caught.value) == "score_sledai2k takes a SledaiVisit or a mapping, not list"


# --- Models and results ----------------------------------------------------------------------


def test_visit_json_round_trip_and_schema() -> None:
    model = SledaiVisit.model_validate(
        visit(
            visit_date="2024-01-31",
            window_days=30,
            temperature={"value": 100.9, "unit": "F"},
            fever=True,
            c3={"value": 0.7, "lower_limit": 0.9, "unit": "g/L"},
            anti_dsdna={"value": 12, "upper_limit": 30, "unit": "IU/mL"},
            low_complement=True,
            increased_dna_binding=False,
            arthritis_joint_count=4,
            arthritis=True,
        )
    )
    assert SledaiVisit.model_validate_json(model.model_dump_json()) == model
    schema = SledaiVisit.model_json_schema()
    assert schema["additionalProperties"] is False
    assert schema["properties"]["window_days"]["enum"] == [10, 30]


def test_dict_and_model_give_the_same_result() -> None:
    data = visit(rash=True, fever=None, temperature={"value": 38.6, "unit": "C"})
    assert score_sledai2k(data) == score_sledai2k(SledaiVisit.model_validate(data))


def test_result_to_json_is_plain_data() -> None:
    result = score_sledai2k(visit(rash=True, visit_date="2024-05-06"))
    data = json.loads(result.to_json())
    assert data["score"] == 2
    assert data["activity_band"] == "mild"
    assert data["items"][14] == {
        "name": "rash",
        "points_min": 2,
        "points_max": 2,
        "detail": "clinician's call",
        "weight": 2,
        "basis": "clinician",
        "present": True,
        "excluded": False,
        "serological": False,
        "missing": [],
    }
    assert data["visit_date"] == "2024-05-06"


def _result(**changes: Any) -> Sledai2kResult:
    fields: dict[str, Any] = {
        "scale": "SLEDAI-2K",
        "score": 4,
        "score_min": 4,
        "score_max": 4,
        "items": (),
        "missing": (),
        "decisions": (),
        "criteria_version": "SLEDAI-2K-2002",
        "explanation": "",
        "clinical_score": 4,
        "clinical_score_min": 4,
        "clinical_score_max": 4,
        "activity_band": ActivityBand.MILD,
        "activity_band_min": ActivityBand.MILD,
        "activity_band_max": ActivityBand.MILD,
        "band_source": "",
        "window_days": 10,
        "visit_date": None,
        "excluded": (),
    }
    return Sledai2kResult(**{**fields, **changes})


def test_result_rejects_an_inconsistent_clinical_score() -> None:
    assert _result().clinical_score == 4
    for changes in (
        {"clinical_score": None},
        {"clinical_score": 5, "clinical_score_min": 5, "clinical_score_max": 5},
        {"clinical_score_min": 3},
        {"score": None, "score_max": 6, "clinical_score_max": 7, "clinical_score": None},
        {"clinical_score": -1, "clinical_score_min": -1, "clinical_score_max": -1},
    ):
        with pytest.raises(ValueError, match="inconsistent"):
            _result(**changes)
    with pytest.raises(ValueError, match="inconsistent"):
        _result(score=None)  # the base class's check still runs


def _explained() -> Any:
    return ((), ("fever",), ("D18", "D19"), "SLEDAI-2K 2 to 6.", ("rash",))


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ((2, 1, 0, 0), "inconsistent result: range=2-1"),
        ((-1, 0, -1, -1), "inconsistent clinical SLEDAI range -1--1"),
        ((-2, -1, 0, 0), "inconsistent clinical SLEDAI range 0-0"),
        ((2, 2, 3, 3), "inconsistent clinical SLEDAI range 3-3"),
        ((2, 4, 1, 0), "inconsistent clinical SLEDAI range 1-0"),
        ((2, 4, 2, 5), "inconsistent clinical SLEDAI range 2-5"),
    ],
)
def test_a_deferred_result_refuses_impossible_scores_saying_which(
    scores: tuple[int, int, int, int], message: str
) -> None:
    bands = (ActivityBand.NONE, ActivityBand.NONE)
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        Sledai2kResult.deferred(scores, bands, "source", 10, None, _explained)


@pytest.mark.parametrize(
    ("scores", "bands", "expected"),
    [
        # Every end equal: the clinical score may equal SLEDAI-2K, and 0 is allowed.
        ((0, 0, 0, 0), (ActivityBand.NONE,) * 2, (0, 0, ActivityBand.NONE)),
        ((4, 4, 4, 4), (ActivityBand.MILD,) * 2, (4, 4, ActivityBand.MILD)),
        # Open ranges and bands: the score, the clinical score and the band are None.
        ((2, 6, 2, 6), (ActivityBand.MILD,) * 2, (None, None, ActivityBand.MILD)),
        ((4, 6, 0, 0), (ActivityBand.MILD, ActivityBand.MODERATE), (None, 0, None)),
    ],
)
def test_a_deferred_result_holds_what_it_was_given(
    scores: tuple[int, int, int, int],
    bands: tuple[ActivityBand, ActivityBand],
    expected: tuple[int | None, int | None, ActivityBand | None],
) -> None:
    result = Sledai2kResult.deferred(scores, bands, "source", 30, "2024-05-06", _explained)
    assert (result.score, result.clinical_score, result.activity_band) == expected
    assert (
        result.scale,
        result.score_min,
        result.score_max,
        result.clinical_score_min,
        result.clinical_score_max,
        result.activity_band_min,
        result.activity_band_max,
        result.band_source,
        result.window_days,
        result.visit_date,
        result.criteria_version,
    ) == (
        "SLEDAI-2K",
        scores[0],
        scores[1],
        scores[2],
        scores[3],
        *bands,
        "source",
        30,
        "2024-05-06",
        CRITERIA_VERSION,
    )
    assert (
        result.items,
        result.missing,
        result.decisions,
        result.explanation,
        result.excluded,
    ) == (_explained())


def test_a_deferred_result_knows_only_its_own_attributes() -> None:
    result = score_sledai2k(ABSENT)
    with pytest.raises(AttributeError) as caught:
        result.no_such_part  # noqa: B018
    assert caught.value.args == ("no_such_part",)
    assert result.excluded == ()


def test_items_are_score_items() -> None:
    result = score_sledai2k(ABSENT)
    assert len(result.items) == 24
    assert all(isinstance(item, ScoreItem) for item in result.items)


# --- Docs ------------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_docs_descriptor_table_matches_the_weights() -> None:
    rows = re.findall(
        r"^\| (\d+) \| `(\w+)` \| [^|]+ \| (\d) \|", (DOCS / "sledai2k.md").read_text(), re.M
    )
    assert [(name, int(weight)) for _, name, weight in rows] == list(WEIGHTS.items())
    assert [int(n) for n, _, _ in rows] == list(range(1, 25))


def test_docs_examples_run() -> None:
    for page in ("sledai2k.md", "response.md"):
        outcome = doctest.testfile(str(DOCS / page), module_relative=False)
        assert outcome.attempted > 0
        assert outcome.failed == 0, page


def test_a_visit_is_totalled_first_and_its_descriptors_scored_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without raw values the totals come from one sum (sle.descriptors.totals) and the
    # descriptors are scored on first access; with one they are scored at once, and only once.
    from astct_grading.sle import descriptors, sledai

    scored: list[object] = []
    real = descriptors.entries

    def entries(data: Any, options: Any) -> Any:
        scored.append(data)
        return real(data, options)

    monkeypatch.setattr(sledai, "entries", entries)
    result = score_sledai2k({"rash": True, "seizure": False})
    assert (result.score_min, result.score_max, scored) == (2, 97, [])
    assert result.item("rash").points == 2
    assert result.explanation
    assert len(scored) == 1
    scored.clear()
    result = score_sledai2k({"platelets_10e9_l": 80})
    assert len(scored) == 1
    assert result.item("thrombocytopenia").points == 1
    assert result.explanation
    assert len(scored) == 1
