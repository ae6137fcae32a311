"""SLE response definitions: table tests at each bound (D19), unknown inputs (D13)."""

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
    _sum_matters,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
)
from astct_grading.sle.sledai import Sledai2kOptions
from tests.sledai_form import DESCRIPTORS

# LLDAS major organ systems: renal, CNS, cardiopulmonary, vasculitis, fever (Franklyn 2016).
MAJOR = (
    "seizure",
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cranial_nerve_disorder",
    "lupus_headache",
    "cerebrovascular_accident",
    "vasculitis",
    "urinary_casts",
    "haematuria",
    "proteinuria",
    "pyuria",
    "pleurisy",
    "pericarditis",
    "fever",
)
NOT_MAJOR = tuple(d for d in DESCRIPTORS if d not in MAJOR)
ABSENT: dict[str, Any] = dict.fromkeys(DESCRIPTORS, False)


def visit(**changes: Any) -> dict[str, Any]:
    return {**ABSENT, **changes}


def outcomes(result: ResponseResult) -> dict[str, str]:
    return {c.key: c.outcome.value for c in result.criteria}


def error_types(error: ValidationError) -> list[tuple[tuple[int | str, ...], str]]:
    return [(tuple(e["loc"]), e["type"]) for e in error.errors()]


# --- DORIS 2021 remission --------------------------------------------------------------------

DORIS_OK: dict[str, Any] = {
    "visit": ABSENT,
    "pga": 0.2,
    "prednisolone_mg_day": 2.5,
    "stable_maintenance": True,
}


def doris(**changes: Any) -> ResponseResult:
    return assess_doris_remission({**DORIS_OK, **changes})


def test_doris_all_criteria_met() -> None:
    result = doris()
    assert result.outcome is Outcome.MET
    assert result.met is True
    assert list(outcomes(result)) == [
        "clinical_sledai_zero",
        "pga_below_0_5",
        "prednisolone_at_most_5",
        "stable_maintenance",
    ]
    assert set(outcomes(result).values()) == {"met"}
    assert result.criteria_version == "DORIS-2021"
    assert result.missing == ()
    assert "D19" in result.decisions
    assert result.explanation.startswith("DORIS remission met: clinical SLEDAI 0")


@pytest.mark.parametrize(
    ("pga", "outcome"),
    [
        (0.0, "met"),
        (0.49, "met"),
        (0.494, "met"),
        (0.495, "not_met"),
        (0.5, "not_met"),
        (3, "not_met"),
    ],
)
def test_doris_pga_is_strictly_below_0_5(pga: float, outcome: str) -> None:
    result = doris(pga=pga)
    assert result.outcome.value == outcome
    assert outcomes(result)["pga_below_0_5"] == outcome


@pytest.mark.parametrize(
    ("dose", "outcome"),
    [
        (0, "met"),
        (5.0, "met"),
        (5.004, "met"),
        (5.1, "not_met"),
        (5.01, "not_met"),
        (20, "not_met"),
    ],
)
def test_doris_prednisolone_at_most_5(dose: float, outcome: str) -> None:
    result = doris(prednisolone_mg_day=dose)
    assert result.outcome.value == outcome
    assert outcomes(result)["prednisolone_at_most_5"] == outcome


def test_doris_ignores_serology() -> None:
    result = doris(visit=visit(low_complement=True, increased_dna_binding=True))
    assert result.outcome is Outcome.MET
    assert result.scores[0].score == 4
    unknown_serology = doris(visit=visit(low_complement=None, increased_dna_binding=None))
    assert unknown_serology.outcome is Outcome.MET


@pytest.mark.parametrize(
    "name", [d for d in DESCRIPTORS if d not in ("low_complement", "increased_dna_binding")]
)
def test_doris_any_clinical_descriptor_prevents_remission(name: str) -> None:
    result = doris(visit=visit(**{name: True}))
    assert result.outcome is Outcome.NOT_MET
    assert outcomes(result)["clinical_sledai_zero"] == "not_met"


def test_doris_unknown_clinical_descriptor_cannot_tell() -> None:
    result = doris(visit=visit(rash=None))
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.met is None
    assert result.missing == ("visit.rash",)
    assert "D13" in result.decisions
    assert "open until given: visit.rash" in result.explanation


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"pga": None}, ("pga",)),
        ({"prednisolone_mg_day": None}, ("prednisolone_mg_day",)),
        ({"stable_maintenance": None}, ("stable_maintenance",)),
    ],
)
def test_doris_unknown_inputs_cannot_tell(
    changes: dict[str, Any], missing: tuple[str, ...]
) -> None:
    result = doris(**changes)
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.missing == missing


def test_doris_unstable_therapy_is_not_remission() -> None:
    result = doris(stable_maintenance=False)
    assert result.outcome is Outcome.NOT_MET
    assert "maintenance therapy not stable: not met" in result.explanation


def test_doris_one_criterion_not_met_decides_whatever_is_unknown() -> None:
    result = assess_doris_remission({"visit": visit(rash=None), "pga": 1.0})
    assert result.outcome is Outcome.NOT_MET
    assert result.met is False
    assert result.missing == ()


# --- LLDAS -----------------------------------------------------------------------------------

LLDAS_OK: dict[str, Any] = {
    "visit": visit(arthritis=True),
    "haemolytic_anaemia": False,
    "gastrointestinal_activity": False,
    "new_activity": False,
    "pga": 1.0,
    "prednisolone_mg_day": 7.5,
    "standard_maintenance": True,
}


def lldas(**changes: Any) -> ResponseResult:
    return assess_lldas({**LLDAS_OK, **changes})


def test_lldas_all_criteria_met() -> None:
    result = lldas()
    assert result.outcome is Outcome.MET
    assert list(outcomes(result)) == [
        "sledai_at_most_4",
        "no_major_organ_activity",
        "no_haemolytic_anaemia",
        "no_gastrointestinal_activity",
        "no_new_activity",
        "pga_at_most_1",
        "prednisolone_at_most_7_5",
        "standard_maintenance",
    ]
    assert result.criteria_version == "LLDAS-2016"


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"arthritis": True}, "met"),  # 4
        ({"arthritis": True, "leukopenia": True}, "not_met"),  # 5
        ({"low_complement": True, "increased_dna_binding": True}, "met"),  # 4, serology counts
        ({"arthritis": True, "low_complement": True}, "not_met"),  # 6
        ({"rash": True, "alopecia": True, "thrombocytopenia": True}, "not_met"),  # 5
    ],
)
def test_lldas_sledai_at_most_4(changes: dict[str, Any], outcome: str) -> None:
    result = lldas(visit=visit(**changes))
    assert outcomes(result)["sledai_at_most_4"] == outcome
    assert outcomes(result)["no_major_organ_activity"] == "met"
    assert result.outcome.value == outcome


@pytest.mark.parametrize("name", MAJOR)
def test_lldas_major_organ_activity_is_not_lldas(name: str) -> None:
    result = lldas(visit=visit(**{name: True}))
    assert outcomes(result)["no_major_organ_activity"] == "not_met"
    assert result.outcome is Outcome.NOT_MET
    assert f"major-organ activity: {name}" in result.explanation


@pytest.mark.parametrize("name", NOT_MAJOR)
def test_lldas_minor_activity_alone_is_allowed(name: str) -> None:
    result = lldas(visit=visit(**{name: True}))
    assert result.outcome is Outcome.MET


@pytest.mark.parametrize(
    ("pga", "outcome"),
    [(0, "met"), (1.0, "met"), (1.004, "met"), (1.01, "not_met"), (1.1, "not_met")],
)
def test_lldas_pga_at_most_1(pga: float, outcome: str) -> None:
    assert outcomes(lldas(pga=pga))["pga_at_most_1"] == outcome
    assert lldas(pga=pga).outcome.value == outcome


@pytest.mark.parametrize(
    ("dose", "outcome"), [(7.5, "met"), (7.504, "met"), (7.51, "not_met"), (7.6, "not_met")]
)
def test_lldas_prednisolone_at_most_7_5(dose: float, outcome: str) -> None:
    result = lldas(prednisolone_mg_day=dose)
    assert outcomes(result)["prednisolone_at_most_7_5"] == outcome
    assert result.outcome.value == outcome
    assert f"prednisolone {dose:g} mg/day (≤ 7.5 mg/day needed)" in result.explanation


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("haemolytic_anaemia", True, "no_haemolytic_anaemia"),
        ("gastrointestinal_activity", True, "no_gastrointestinal_activity"),
        ("new_activity", True, "no_new_activity"),
        ("standard_maintenance", False, "standard_maintenance"),
    ],
)
def test_lldas_flags(field: str, value: bool, key: str) -> None:
    result = lldas(**{field: value})
    assert outcomes(result)[key] == "not_met"
    assert result.outcome is Outcome.NOT_MET
    unknown = lldas(**{field: None})
    assert outcomes(unknown)[key] == "cannot_tell"
    assert unknown.missing == (field,)


def test_lldas_unknown_descriptor_lists_only_the_inputs_that_matter() -> None:
    # Leukopenia (1) cannot move the total across 4 whether or not the seizure is present.
    result = lldas(visit=visit(seizure=None, leukopenia=None))
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.criterion("sledai_at_most_4").missing == ("visit.seizure",)
    assert result.criterion("no_major_organ_activity").missing == ("visit.seizure",)
    assert result.missing == ("visit.seizure",)


def test_lldas_unknown_minor_descriptor_at_the_bound() -> None:
    result = lldas(visit=visit(arthritis=True, leukopenia=None))
    assert outcomes(result)["sledai_at_most_4"] == "cannot_tell"
    assert outcomes(result)["no_major_organ_activity"] == "met"
    assert result.missing == ("visit.leukopenia", "visit.wbc_10e9_l")


def test_lldas_unknown_cause_of_a_major_finding() -> None:
    result = lldas(visit=visit(fever=True, fever_other_cause=None))
    assert outcomes(result)["no_major_organ_activity"] == "cannot_tell"
    assert result.missing == ("visit.fever_other_cause",)
    assert "major-organ descriptors open: fever" in result.explanation
    excluded = lldas(visit=visit(fever=True, fever_other_cause=True))
    assert excluded.outcome is Outcome.MET


# --- SRI-4 -----------------------------------------------------------------------------------

SRI4_OK: dict[str, Any] = {
    "baseline": visit(arthritis=True, rash=True, proteinuria=True),  # 10
    "follow_up": visit(rash=True),  # 2
    "new_bilag_a": 0,
    "new_bilag_b": 1,
    "pga_baseline": 1.0,
    "pga_follow_up": 1.0,
}


def sri4(**changes: Any) -> ResponseResult:
    return assess_sri4({**SRI4_OK, **changes})


def test_sri4_all_criteria_met() -> None:
    result = sri4()
    assert result.outcome is Outcome.MET
    assert list(outcomes(result)) == [
        "sledai_reduction_at_least_4",
        "no_new_bilag_a",
        "at_most_one_new_bilag_b",
        "pga_increase_below_0_3",
    ]
    assert result.criteria_version == "SRI-4-2009 on SLEDAI-2K (D19)"
    assert "SELENA-SLEDAI" in result.criterion("sledai_reduction_at_least_4").rule
    assert [s.score for s in result.scores] == [10, 2]


@pytest.mark.parametrize(
    ("follow_up", "reduction", "outcome"),
    [
        (visit(arthritis=True), 3, "not_met"),  # 7 -> 4
        (visit(rash=True, fever=True), 4, "met"),  # 7 -> 3
        (ABSENT, 7, "met"),
        (visit(arthritis=True, rash=True, fever=True), 0, "not_met"),
        (visit(seizure=True), -1, "not_met"),
    ],
)
def test_sri4_sledai_reduction_at_least_4(
    follow_up: dict[str, Any], reduction: int, outcome: str
) -> None:
    result = sri4(baseline=visit(arthritis=True, rash=True, fever=True), follow_up=follow_up)
    assert outcomes(result)["sledai_reduction_at_least_4"] == outcome
    assert f"reduction {reduction} (≥ 4 needed)" in result.explanation
    assert result.outcome.value == outcome


@pytest.mark.parametrize(("new_a", "outcome"), [(0, "met"), (1, "not_met"), (9, "not_met")])
def test_sri4_no_new_bilag_a(new_a: int, outcome: str) -> None:
    result = sri4(new_bilag_a=new_a)
    assert outcomes(result)["no_new_bilag_a"] == outcome
    assert result.outcome.value == outcome


@pytest.mark.parametrize(("new_b", "outcome"), [(0, "met"), (1, "met"), (2, "not_met")])
def test_sri4_at_most_one_new_bilag_b(new_b: int, outcome: str) -> None:
    result = sri4(new_bilag_b=new_b)
    assert outcomes(result)["at_most_one_new_bilag_b"] == outcome
    assert result.outcome.value == outcome


@pytest.mark.parametrize(
    ("before", "after", "outcome"),
    [
        (1.0, 1.29, "met"),
        (1.0, 1.3, "not_met"),
        (0.0, 0.29, "met"),
        (0.0, 0.3, "not_met"),
        (2.1, 2.4, "not_met"),
        (2.11, 2.4, "met"),
        (1.0, 0.2, "met"),
        (0.7, 3.0, "not_met"),
    ],
)
def test_sri4_pga_worsening_below_0_3(before: float, after: float, outcome: str) -> None:
    result = sri4(pga_baseline=before, pga_follow_up=after)
    assert outcomes(result)["pga_increase_below_0_3"] == outcome
    assert result.outcome.value == outcome


@pytest.mark.parametrize(
    ("before", "after", "outcome", "missing"),
    [
        (None, 0.29, "met", ()),  # at most 0.29 whatever the baseline
        (None, 0.3, "cannot_tell", ("pga_baseline",)),
        (2.71, None, "met", ()),  # at most 0.29 whatever the follow-up
        (2.7, None, "cannot_tell", ("pga_follow_up",)),
        (None, None, "cannot_tell", ("pga_baseline", "pga_follow_up")),
    ],
)
def test_sri4_unknown_pga(
    before: float | None, after: float | None, outcome: str, missing: tuple[str, ...]
) -> None:
    result = sri4(pga_baseline=before, pga_follow_up=after)
    criterion = result.criterion("pga_increase_below_0_3")
    assert (criterion.outcome.value, criterion.missing) == (outcome, missing)
    assert result.missing == missing


@pytest.mark.parametrize("field", ["new_bilag_a", "new_bilag_b"])
def test_sri4_unknown_bilag(field: str) -> None:
    result = sri4(**{field: None})
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.missing == (field,)


def test_sri4_unknown_descriptor_at_the_bound() -> None:
    result = sri4(baseline=visit(arthritis=True), follow_up=visit(fever=None))  # 4 - {0, 1}
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.missing == ("follow_up.fever", "follow_up.temperature")
    assert "reduction 3 to 4" in result.explanation


def test_sri4_lists_only_the_descriptors_that_matter() -> None:
    # Reduction 4 + {0, 1} - {0, 8}: the seizure decides; the fever never does.
    result = sri4(baseline=visit(arthritis=True, fever=None), follow_up=visit(seizure=None))
    assert result.outcome is Outcome.CANNOT_TELL
    assert result.missing == ("follow_up.seizure",)


def test_sri4_range_on_one_side_of_the_bound_is_determined() -> None:
    assert sri4(baseline=visit(arthritis=True, rash=None), follow_up=ABSENT).outcome is Outcome.MET
    not_met = sri4(baseline=visit(rash=True, fever=None), follow_up=ABSENT)
    assert not_met.outcome is Outcome.NOT_MET


def test_sri4_uses_the_arthritis_option() -> None:
    data = {
        **SRI4_OK,
        "baseline": visit(arthritis=None, arthritis_joint_count=2),
        "follow_up": ABSENT,
    }
    assert assess_sri4(data).outcome is Outcome.MET
    result = assess_sri4(data, options=Sledai2kOptions(arthritis_threshold="more_than_two"))
    assert result.outcome is Outcome.NOT_MET
    assert "D16" in result.decisions


# --- Change from baseline ----------------------------------------------------------------------


def test_change_from_baseline_determined() -> None:
    result = change_from_baseline(
        {
            "baseline": visit(arthritis=True, low_complement=True, visit_date="2024-01-10"),
            "follow_up": visit(low_complement=True, visit_date="2024-04-09"),
        }
    )
    assert (result.change, result.change_min, result.change_max) == (-4, -4, -4)
    assert result.clinical_change == -4
    assert result.days == 90
    assert result.missing == ()
    assert result.criteria_version == "SLEDAI-2K-2002"
    assert result.explanation == (
        "SLEDAI-2K change -4: baseline 6, follow-up 2 (90 days later); clinical SLEDAI change -4."
    )


def test_change_from_baseline_with_unknowns_is_a_range() -> None:
    result = change_from_baseline(
        {"baseline": visit(seizure=True, rash=None), "follow_up": visit(low_complement=None)}
    )
    assert (result.change, result.change_min, result.change_max) == (None, -10, -6)
    assert (result.clinical_change, result.clinical_change_min, result.clinical_change_max) == (
        None,
        -10,
        -8,
    )
    assert result.missing == (
        "baseline.rash",
        "follow_up.low_complement",
        "follow_up.c3",
        "follow_up.c4",
        "follow_up.ch50",
    )
    assert result.days is None
    assert "D13" in result.decisions


def test_change_from_baseline_records_different_windows() -> None:
    result = change_from_baseline(
        SledaiChangeInput(baseline=ABSENT, follow_up=visit(window_days=30))  # type: ignore[arg-type]
    )
    assert (result.baseline.window_days, result.follow_up.window_days) == (10, 30)
    assert "windows differ (10 and 30 days, D18)" in result.explanation
    assert json.loads(result.to_json())["follow_up"]["window_days"] == 30


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
    ("function", "name"),
    [
        (assess_doris_remission, "DorisInput"),
        (assess_lldas, "LldasInput"),
        (assess_sri4, "Sri4Input"),
        (change_from_baseline, "SledaiChangeInput"),
    ],
)
def test_input_that_is_neither_model_nor_mapping(function: Any, name: str) -> None:
    with pytest.raises(AstctGradingError, match=name) as caught:
        function("visit")
    assert caught.value.type == "input_type"


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
    data = json.loads(result.to_json())
    assert data["outcome"] == "not_met"
    assert data["criteria"][2]["detail"] == "2 new BILAG B (≤ 1 allowed): not met"
    assert data["criteria"][1]["detail"] == "0 new BILAG A (none allowed): met"
    assert data["scores"][0]["score"] == 10


def test_sum_matters_against_brute_force_example() -> None:
    # fixed 4, terms +1, -8: "total >= 4" depends on the -8 only.
    terms = [(1, ("a",)), (-8, ("b",))]
    assert _sum_matters(4, terms, lambda total: total >= 4) == ("b",)
