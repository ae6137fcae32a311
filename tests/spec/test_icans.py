"""ICANS grading (ASTCT 2019), table by table: the five domains, death, unknowns (D6-D15).

Every cut-off is a row on both sides, named by the text of its criterion (criteria/icans.py):
ICE 10/9/7/6/3/2/0, CAPD 0/1, 8/9, ages 11.99/12.0, each level of consciousness, seizures of
5.00/5.01 min, the motor findings and raised ICP. docs/icans.md points each table row here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading.core.results import GradeResult
from astct_grading.criteria.icans import CAPD_ITEMS, ICE_ITEMS, icans_criteria
from astct_grading.errors import AstctGradingError
from astct_grading.icans import (
    ConsciousnessLevel,
    IcansAssessment,
    IcansOptions,
    IcpFinding,
    MotorFinding,
    grade_icans,
    score_capd,
    score_ice,
)

ICE_NAMES = [item.name for item in ICE_ITEMS]
CAPD_NAMES = [item.name for item in CAPD_ITEMS]
#: Items 1-4 reverse-scored ("always" is 0), items 5-8 scored directly ("never" is 0).
NO_DELIRIUM = {**dict.fromkeys(CAPD_NAMES[:4], "always"), **dict.fromkeys(CAPD_NAMES[4:], "never")}
#: The criterion text each row is annotated with (criteria/icans.py, icans_criteria).
RULES = {criterion.key: criterion.rule for criterion in icans_criteria()}


def row(*values: Any, rule: str) -> Any:
    """A table row, named by the text of the criterion it checks."""
    return pytest.param(*values, id=RULES[rule])


def ice_items(score: int) -> dict[str, int]:
    """Item-level ICE answers with ``score`` correct, the first items first."""
    return {name: int(index < score) for index, name in enumerate(ICE_NAMES)}


def adult(**changes: Any) -> dict[str, Any]:
    """A complete adult record grading 0; ``changes`` replace or add fields."""
    record: dict[str, Any] = {
        "age_years": 45.0,
        "ice": {"total": 10},
        "consciousness": "alert",
        "seizure": False,
        "motor": "none",
        "icp": [],
    }
    record.update(changes)
    return record


def child(**changes: Any) -> dict[str, Any]:
    """A complete record for an 8-year-old grading 0; ``changes`` replace or add fields."""
    record = adult(age_years=8.0, capd={"total": 0})
    del record["ice"]
    record.update(changes)
    return record


def errors(data: dict[str, Any], model: Any = IcansAssessment) -> list[tuple[str, tuple[Any, ...]]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(error["type"], tuple(error["loc"])) for error in info.value.errors()]


# --- ICE band edges (D10) -------------------------------------------------------------


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
        row(0, 3, rule="ice_0_2"),  # arousable (alert): grade 3, not 4
    ],
)
def test_icans_ice_band_edges(score: int, grade: int) -> None:
    result = grade_icans(adult(ice=ice_items(score)))
    assert result.grade == grade
    assert result.instrument == "ICE"
    assert result.finding("ice").grade == grade
    assert result.drivers == (("ice",) if grade else ())
    assert result.explanation.startswith(f"ICANS grade {grade} (ICE): ICE {score}/10")


def test_icans_ice_zero_awake_with_global_aphasia_is_grade_3() -> None:
    result = grade_icans(adult(ice={"total": 0}, consciousness=None, global_aphasia=True))
    assert result.grade == 3
    assert result.finding("ice").grade == 3
    assert "ICE 0/10, awake with global aphasia (D10) (grade 3)" in result.explanation
    # Global aphasia makes the patient arousable: consciousness can be at most grade 3.
    assert (
        result.finding("consciousness").grade_min,
        result.finding("consciousness").grade_max,
    ) == (
        0,
        3,
    )
    assert "consciousness not recorded (awake with global aphasia)" in result.explanation


def test_icans_ice_zero_unarousable_is_grade_4() -> None:
    result = grade_icans(adult(ice={"total": 0}, consciousness="unarousable"))
    assert result.grade == 4
    assert result.finding("ice").grade == 4
    assert result.drivers == ("ice", "consciousness")
    assert "ICE 0/10, unarousable (D10) (grade 4)" in result.explanation


def test_icans_ice_zero_in_an_arousable_patient_is_grade_3() -> None:
    result = grade_icans(adult(ice={"total": 0}, consciousness="awakens_to_voice"))
    assert result.grade == 3
    assert result.finding("ice").grade == 3
    assert result.finding("consciousness").grade == 2
    assert "ICE 0/10, arousable (D10)" in result.explanation


def test_icans_ice_zero_with_arousal_unknown_is_3_to_4() -> None:
    result = grade_icans(adult(ice={"total": 0}, consciousness=None))
    assert (result.grade, result.grade_min, result.grade_max) == (None, 3, 4)
    assert result.missing == ("consciousness", "global_aphasia")
    assert "ICE 0/10, arousal not recorded (D10) (grade 3 to 4)" in result.explanation
    assert "open until given: consciousness, global_aphasia." in result.explanation


def test_icans_ice_not_performed_because_unarousable_is_grade_4() -> None:
    result = grade_icans(adult(ice={"not_performed": "unarousable"}, consciousness=None))
    assert result.grade == 4
    assert result.finding("ice").grade == 4
    # The patient is unarousable: consciousness is grade 4 too, though not recorded.
    assert result.finding("consciousness").grade == 4
    assert not result.finding("consciousness").assessed
    assert "consciousness not recorded (unarousable per the ICE)" in result.explanation


def test_icans_ice_not_performed_for_sedation_is_not_assessable_never_zero() -> None:
    result = grade_icans(
        adult(
            ice={"not_performed": "sedated_or_intubated"},
            consciousness="unarousable",
            consciousness_other_cause=True,
        )
    )
    assert result.grade == 0
    ice = result.finding("ice")
    assert (ice.assessed, ice.present, ice.grade) == (False, None, 0)
    assert "not assessable, never 0 (D10)" in ice.detail
    assert result.finding("consciousness").grade == 0
    assert result.finding("consciousness").attributed_to_other_cause is True


def test_icans_ice_zero_recorded_for_a_sedated_unarousable_patient_is_rejected() -> None:
    record = adult(ice={"total": 0}, consciousness="unarousable", consciousness_other_cause=True)
    assert errors(record) == [("ice_zero_from_sedation", ("consciousness_other_cause",))]
    items = adult(ice=ice_items(0), consciousness="unarousable", consciousness_other_cause=True)
    assert errors(items) == [("ice_zero_from_sedation", ("consciousness_other_cause",))]
    status = adult(ice={"not_performed": "unarousable"}, consciousness=None)
    assert errors({**status, "consciousness_other_cause": True}) == [
        ("ice_zero_from_sedation", ("consciousness_other_cause",))
    ]


def test_icans_ice_zero_in_a_sedated_arousable_patient_counts() -> None:
    record = adult(
        ice={"total": 0},
        consciousness="awakens_to_tactile_stimulus",
        consciousness_other_cause=True,
    )
    result = grade_icans(record)
    assert result.grade == 3
    assert result.finding("consciousness").grade == 0


def test_icans_ice_zero_with_sedation_and_arousal_unknown_is_grade_3() -> None:
    # Unarousable would contradict the ICE of 0 (sedated): the patient is arousable.
    record = adult(ice={"total": 0}, consciousness=None, consciousness_other_cause=True)
    result = grade_icans(record)
    assert result.grade == 3
    assert result.missing == ()


def test_icans_ice_zero_unarousable_with_attribution_unknown_is_grade_4() -> None:
    record = adult(ice={"total": 0}, consciousness="unarousable", consciousness_other_cause=None)
    result = grade_icans(record)
    assert result.grade == 4
    assert result.finding("consciousness").grade == 4


def test_icans_ice_items_unknown_give_a_range() -> None:
    answers = ice_items(7)
    del answers["orientation_year"], answers["writes_sentence"]
    result = grade_icans(adult(ice=answers))  # 6 to 8
    assert (result.grade_min, result.grade_max) == (1, 2)
    assert result.missing == ("ice.orientation_year", "ice.writes_sentence")
    assert "ICE 6 to 8 of 10 (items not recorded) (grade 1 to 2)" in result.explanation
    within_band = ice_items(8)
    del within_band["counts_back_by_ten"]  # 8 or 9: grade 1 either way
    assert grade_icans(adult(ice=within_band)).grade == 1


def test_icans_encephalopathy_attributed_to_another_cause_does_not_count() -> None:
    result = grade_icans(adult(ice={"total": 4}, encephalopathy_other_cause=True))
    assert result.grade == 0
    ice = result.finding("ice")
    assert (ice.present, ice.attributed_to_other_cause, ice.grade) == (True, True, 0)
    assert ice.detail == "ICE 4/10, attributed to another cause"
    unknown = grade_icans(adult(ice={"total": 4}, encephalopathy_other_cause=None))
    assert (unknown.grade_min, unknown.grade_max) == (0, 2)
    assert unknown.missing == ("encephalopathy_other_cause",)


# --- CAPD (D8) ------------------------------------------------------------------------


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
def test_icans_capd_band_edges(total: int, grade: int) -> None:
    result = grade_icans(child(capd={"total": total}))
    assert result.grade == grade
    assert result.instrument == "CAPD"
    assert result.finding("capd").grade == grade
    assert result.finding("capd").present is (total > 0)
    assert result.explanation.startswith(f"ICANS grade {grade} (CAPD): CAPD {total}/32")


@pytest.mark.parametrize(
    ("level", "grade"),
    [
        ("alert", 1),
        ("awakens_spontaneously", 1),
        ("awakens_to_voice", 2),
        ("awakens_to_tactile_stimulus", 3),
        ("unarousable", 4),
    ],
)
def test_icans_capd_1_to_8_with_each_consciousness_level(level: str, grade: int) -> None:
    # The table prints CAPD 1-8 for grades 1 and 2: consciousness decides (D8).
    result = grade_icans(child(capd={"total": 5}, consciousness=level))
    assert result.grade == grade
    assert result.finding("capd").grade == 1


def test_icans_capd_unable_to_perform_is_grade_4() -> None:
    result = grade_icans(child(capd={"not_performed": "unable"}))
    assert result.grade == 4
    assert result.drivers == ("capd",)
    assert "unable to perform CAPD (D8) (grade 4)" in result.explanation


@pytest.mark.parametrize(
    ("capd", "detail"),
    [
        ({"rass": -4}, "CAPD not assessable: deep sedation (RASS -4) (D8)"),
        ({"not_performed": "deep_sedation", "rass": -5}, "CAPD not assessable: deep sedation"),
        (
            {"not_performed": "neuromuscular_blockade"},
            "CAPD not assessable: neuromuscular blockade",
        ),
    ],
)
def test_icans_capd_not_assessable_is_never_4(capd: dict[str, Any], detail: str) -> None:
    result = grade_icans(child(capd=capd))
    assert result.grade == 0
    finding = result.finding("capd")
    assert (finding.assessed, finding.present, finding.grade) == (False, None, 0)
    assert finding.detail.startswith(detail)


def test_icans_capd_answers_unknown_give_a_range() -> None:
    answers = dict(NO_DELIRIUM)
    del answers["restless"], answers["inconsolable"]
    result = grade_icans(child(capd=answers))  # 0 to 8
    assert (result.grade_min, result.grade_max) == (0, 1)
    assert result.missing == ("capd.restless", "capd.inconsolable")
    assert "CAPD 0 to 8 of 32 (answers not recorded) (grade 0 to 1)" in result.explanation


def test_icans_capd_missing_is_0_to_4() -> None:
    result = grade_icans(child(capd=None))
    assert (result.grade_min, result.grade_max) == (0, 4)
    assert result.missing == ("capd",)
    assert "CAPD not recorded (grade 0 to 4)" in result.explanation


# --- which instrument (D7) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "delay", "instrument"),
    [
        row(11.99, False, "CAPD", rule="instrument"),
        row(12.0, False, "ICE", rule="instrument"),
        row(11.995, False, "ICE", rule="instrument"),  # compared at 0.01 year (D14): 12.00
        row(11.994, False, "CAPD", rule="instrument"),
        row(0.0, False, "CAPD", rule="instrument"),
        row(15.0, True, "CAPD", rule="instrument"),
        row(70.0, True, "CAPD", rule="instrument"),
        row(15.0, None, None, rule="instrument"),
        row(11.0, None, "CAPD", rule="instrument"),
        row(None, True, "CAPD", rule="instrument"),
        row(None, False, None, rule="instrument"),
    ],
)
def test_icans_instrument_by_age_and_developmental_delay(
    age: float | None, delay: bool | None, instrument: str | None
) -> None:
    record = adult(age_years=age, developmental_delay=delay, capd={"total": 0})
    result = grade_icans(record)
    assert result.instrument == instrument
    assert result.grade == 0  # ICE 10 and CAPD 0 agree
    expected = {"ICE": "ice", "CAPD": "capd", None: "ice_or_capd"}[instrument]
    assert result.findings[0].domain == expected
    assert "D7" in result.decisions


def test_icans_age_cut_is_an_option() -> None:
    record = adult(age_years=12.5, ice={"total": 10}, capd={"total": 12})
    assert grade_icans(record).instrument == "ICE"
    assert grade_icans(record).grade == 0
    later = grade_icans(record, options=IcansOptions(ice_min_age_years=13.0))
    assert (later.instrument, later.grade) == ("CAPD", 3)
    assert "CAPD recorded but not used: ICE is the instrument from age 12 y (D7)" in (
        grade_icans(record).explanation
    )


def test_icans_ice_given_for_a_child_is_not_used() -> None:
    result = grade_icans(adult(age_years=11.99, ice={"total": 10}))
    assert result.instrument == "CAPD"
    assert (result.grade_min, result.grade_max) == (0, 4)
    assert result.missing == ("capd",)
    assert (
        "ICE recorded but not used: CAPD is the instrument below age 12 y (age 11.99 y) (D7)"
        in result.explanation
    )


def test_icans_developmental_delay_at_15_uses_capd() -> None:
    result = grade_icans(
        adult(age_years=15.0, developmental_delay=True, ice={"total": 10}, capd={"total": 9})
    )
    assert (result.instrument, result.grade) == ("CAPD", 3)
    assert "CAPD is the instrument with developmental delay (D7)" in result.explanation


def test_icans_capd_given_for_an_adult_is_not_used() -> None:
    result = grade_icans(adult(ice=None, capd={"total": 0}))
    assert result.instrument == "ICE"
    # An alert patient can score ICE 0 at worst (grade 3), never "unarousable" (grade 4).
    assert (result.grade_min, result.grade_max) == (0, 3)
    assert result.missing == ("ice",)
    assert "CAPD recorded but not used" in result.explanation


def test_icans_instrument_undetermined() -> None:
    result = grade_icans(adult(age_years=None, ice={"total": 10}))
    assert result.instrument is None
    assert (result.grade_min, result.grade_max) == (0, 4)
    assert result.missing == ("age_years", "capd")
    assert "ICE 10/10 or CAPD not recorded (grade 0 to 4)" in result.explanation
    assert "instrument not determined: age not known (D7)" in result.explanation
    delay = grade_icans(adult(developmental_delay=None, capd={"total": 9}))
    assert (delay.grade_min, delay.grade_max) == (0, 3)
    assert delay.missing == ("developmental_delay",)
    assert "instrument not determined: developmental delay not known (D7)" in delay.explanation
    both = grade_icans(adult(age_years=None, developmental_delay=None))
    assert "instrument not determined: age and developmental delay not known (D7)" in (
        both.explanation
    )


@pytest.mark.parametrize("cut", [0, -1.0, 131.0, float("nan"), float("inf"), True, "12"])
def test_icans_options_reject_an_impossible_age_cut(cut: Any) -> None:
    with pytest.raises(AstctGradingError) as info:
        IcansOptions(ice_min_age_years=cut)
    assert info.value.type == "invalid_option"


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


# --- level of consciousness (D9) ------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "grade"),
    [
        row("alert", 0, rule="loc_other_cause"),
        row("awakens_spontaneously", 1, rule="loc_1"),
        row("awakens_to_voice", 2, rule="loc_2"),
        row("awakens_to_tactile_stimulus", 3, rule="loc_3"),
        row("unarousable", 4, rule="loc_4"),
    ],
)
@pytest.mark.parametrize("sedated", [False, True])
def test_icans_consciousness_with_and_without_sedation(
    level: str, grade: int, sedated: bool
) -> None:
    result = grade_icans(adult(consciousness=level, consciousness_other_cause=sedated))
    expected = 0 if sedated else grade
    assert result.grade == expected
    finding = result.finding("consciousness")
    assert finding.grade == expected
    assert finding.present is (grade > 0)
    assert finding.attributed_to_other_cause is sedated
    assert finding.detail.endswith(", attributed to another cause") is sedated
    assert result.drivers == (("consciousness",) if expected else ())
    assert "D9" in result.decisions


def test_icans_consciousness_attribution_unknown_gives_a_range() -> None:
    result = grade_icans(adult(consciousness="awakens_to_voice", consciousness_other_cause=None))
    assert (result.grade_min, result.grade_max) == (0, 2)
    assert result.missing == ("consciousness_other_cause",)


def test_icans_consciousness_not_assessed() -> None:
    result = grade_icans(adult(consciousness=None))
    assert (result.grade_min, result.grade_max) == (0, 4)
    assert result.missing == ("consciousness",)
    assert "consciousness not assessed (grade 0 to 4)" in result.explanation
    assert "D9" not in result.decisions


@pytest.mark.parametrize(
    ("record", "loc"),
    [
        (adult(global_aphasia=True, consciousness="unarousable"), "global_aphasia"),
        (
            adult(global_aphasia=True, ice={"not_performed": "unarousable"}, consciousness=None),
            "global_aphasia",
        ),
        (
            adult(ice={"not_performed": "unarousable"}, consciousness="awakens_to_voice"),
            "consciousness",
        ),
    ],
)
def test_icans_arousal_contradictions_are_rejected(record: dict[str, Any], loc: str) -> None:
    assert errors(record) == [("arousal_conflict", (loc,))]


# --- seizures (D11) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "grade"),
    [
        row(0.5, 3, rule="seizure_3"),
        row(5.0, 3, rule="seizure_3"),
        row(5.004, 3, rule="seizure_3"),  # 5.00 at 0.01 min (D14)
        row(5.005, 4, rule="seizure_4"),  # 5.01 at 0.01 min (D14)
        row(5.01, 4, rule="seizure_4"),
        row(30.0, 4, rule="seizure_4"),
    ],
)
def test_icans_seizure_more_than_5_minutes_strictly_is_grade_4(minutes: float, grade: int) -> None:
    result = grade_icans(
        adult(seizure=True, seizure_duration_min=minutes, seizure_without_return_to_baseline=False)
    )
    assert result.grade == grade
    assert result.drivers == ("seizure",)
    relation = "> 5" if grade == 4 else "≤ 5"
    assert f"({relation} min)" in result.explanation
    assert "D14" in result.decisions


@pytest.mark.parametrize(
    ("details", "grade"),
    [
        ({"seizure_over_5_min": False, "seizure_without_return_to_baseline": False}, 3),
        ({"seizure_over_5_min": True}, 4),
        ({"seizure_without_return_to_baseline": True}, 4),
        ({"seizure_duration_min": 2, "seizure_without_return_to_baseline": True}, 4),
    ],
)
def test_icans_seizure_grades(details: dict[str, Any], grade: int) -> None:
    assert grade_icans(adult(seizure=True, **details)).grade == grade
    implied = grade_icans(adult(seizure=None, **details))
    if grade == 4:  # a seizure's details imply a seizure
        assert implied.grade == 4
    else:  # negative details do not: there may have been no seizure
        assert (implied.grade_min, implied.grade_max, implied.missing) == (0, 3, ("seizure",))


def test_icans_seizure_details_unknown_give_3_to_4() -> None:
    result = grade_icans(adult(seizure=True))
    assert (result.grade_min, result.grade_max) == (3, 4)
    assert result.missing == (
        "seizure_duration_min",
        "seizure_over_5_min",
        "seizure_without_return_to_baseline",
    )
    assert "seizure, duration not recorded (grade 3 to 4)" in result.explanation


def test_icans_seizure_not_assessed_and_partial_details() -> None:
    result = grade_icans(adult(seizure=None))
    assert (result.grade_min, result.grade_max) == (0, 4)
    assert result.missing == (
        "seizure",
        "seizure_duration_min",
        "seizure_over_5_min",
        "seizure_without_return_to_baseline",
    )
    assert "seizure not assessed (grade 0 to 4)" in result.explanation
    negative = grade_icans(adult(seizure=None, seizure_over_5_min=False))
    assert (negative.grade_min, negative.grade_max) == (0, 4)
    assert "seizure not recorded (lasting ≤ 5 min)" in negative.explanation
    returned = grade_icans(adult(seizure=True, seizure_without_return_to_baseline=False))
    assert "seizure, with return to baseline, duration not recorded" in returned.explanation


def test_icans_seizure_attributed_to_another_cause_does_not_count() -> None:
    result = grade_icans(adult(seizure=True, seizure_over_5_min=True, seizure_other_cause=True))
    assert result.grade == 0
    assert result.finding("seizure").present is True
    assert result.finding("seizure").assessed is True


@pytest.mark.parametrize(
    ("details", "loc"),
    [
        ({"seizure_duration_min": 2.0}, "seizure_duration_min"),
        ({"seizure_over_5_min": True}, "seizure_over_5_min"),
        ({"seizure_without_return_to_baseline": True}, "seizure_without_return_to_baseline"),
    ],
)
def test_icans_seizure_details_of_an_absent_seizure_are_rejected(
    details: dict[str, Any], loc: str
) -> None:
    assert errors(adult(seizure=False, **details)) == [("seizure_conflict", (loc,))]


@pytest.mark.parametrize(("minutes", "over"), [(5.0, True), (5.01, False)])
def test_icans_seizure_duration_and_flag_must_agree(minutes: float, over: bool) -> None:
    record = adult(seizure=True, seizure_duration_min=minutes, seizure_over_5_min=over)
    assert errors(record) == [("seizure_conflict", ("seizure_over_5_min",))]
    agreeing = grade_icans({**record, "seizure_over_5_min": not over})
    assert agreeing.grade_min == (4 if over is False else 3)


@pytest.mark.parametrize("minutes", [0, -1, 10081, float("nan"), True])
def test_icans_seizure_duration_must_be_plausible(minutes: Any) -> None:
    assert errors(adult(seizure=True, seizure_duration_min=minutes))[0][1] == (
        "seizure_duration_min",
    )


# --- motor findings and raised ICP (D11) ----------------------------------------------


@pytest.mark.parametrize(
    ("motor", "grade"),
    [
        row("none", 0, rule="worst_domain"),
        row("hemiparesis", 4, rule="motor_4"),
        row("paraparesis", 4, rule="motor_4"),
        row("other_deep_focal_weakness", 4, rule="motor_4"),
    ],
)
def test_icans_motor_findings(motor: str, grade: int) -> None:
    result = grade_icans(adult(motor=motor))
    assert result.grade == grade
    assert result.finding("motor").present is (grade > 0)
    attributed = grade_icans(adult(motor=motor, motor_other_cause=True))
    assert attributed.grade == 0


def test_icans_motor_not_assessed() -> None:
    result = grade_icans(adult(motor=None))
    assert (result.grade_min, result.grade_max, result.missing) == (0, 4, ("motor",))
    assert "motor findings not assessed" in result.explanation


@pytest.mark.parametrize(
    ("icp", "grade"),
    [
        row([], 0, rule="worst_domain"),
        row(["focal_oedema"], 3, rule="icp_3"),
        row(["diffuse_oedema"], 4, rule="icp_4"),
        row(["decerebrate_posturing"], 4, rule="icp_4"),
        row(["decorticate_posturing"], 4, rule="icp_4"),
        row(["cranial_nerve_vi_palsy"], 4, rule="icp_4"),
        row(["papilloedema"], 4, rule="icp_4"),
        row(["cushings_triad"], 4, rule="icp_4"),
        row(["focal_oedema", "papilloedema"], 4, rule="icp_4"),
    ],
)
def test_icans_raised_icp_and_oedema(icp: list[str], grade: int) -> None:
    result = grade_icans(adult(icp=icp))
    assert result.grade == grade
    assert result.finding("icp").grade == grade
    assert grade_icans(adult(icp=icp, icp_other_cause=True)).grade == 0


def test_icans_focal_versus_diffuse_oedema() -> None:
    focal = grade_icans(adult(icp=["focal_oedema"]))
    diffuse = grade_icans(adult(icp=["diffuse_oedema"]))
    assert (focal.grade, diffuse.grade) == (3, 4)
    assert "focal oedema (grade 3)" in focal.explanation
    assert "diffuse oedema (grade 4)" in diffuse.explanation


def test_icans_icp_accepts_american_spellings() -> None:
    model = IcansAssessment.model_validate(
        adult(icp=["focal_edema", "diffuse_edema", "papilledema"])
    )
    assert model.icp == (
        IcpFinding.FOCAL_OEDEMA,
        IcpFinding.DIFFUSE_OEDEMA,
        IcpFinding.PAPILLOEDEMA,
    )
    assert errors(adult(icp=["edema"])) == [("enum", ("icp", 0))]


def test_icans_icp_not_assessed() -> None:
    result = grade_icans(adult(icp=None))
    assert (result.grade_min, result.grade_max, result.missing) == (0, 4, ("icp",))
    assert "raised ICP / cerebral oedema not assessed" in result.explanation


# --- recorded but never graded (D11) --------------------------------------------------


def test_icans_haemorrhage_only_imaging_is_excluded() -> None:
    result = grade_icans(adult(intracranial_haemorrhage=True))
    assert result.grade == 0
    assert result.excluded == ("intracranial_haemorrhage",)
    assert result.explanation.endswith("; recorded, not graded (D11): intracranial haemorrhage.")
    assert "D11" in result.decisions


def test_icans_haemorrhage_with_oedema_counts_the_oedema_unless_attributed() -> None:
    result = grade_icans(adult(intracranial_haemorrhage=True, icp=["focal_oedema"]))
    assert result.grade == 3
    assert "record icp_other_cause if it is associated with the haemorrhage" in (result.explanation)
    attributed = grade_icans(
        adult(intracranial_haemorrhage=True, icp=["focal_oedema"], icp_other_cause=True)
    )
    assert attributed.grade == 0
    assert "record icp_other_cause" not in attributed.explanation


@pytest.mark.parametrize(
    "flags",
    [
        {"tremor": True},
        {"myoclonus": True},
        {"tremor": True, "myoclonus": True, "intracranial_haemorrhage": True},
    ],
)
def test_icans_tremor_myoclonus_haemorrhage_never_change_the_grade(flags: dict[str, bool]) -> None:
    for base in (adult(), adult(ice={"total": 5}), child(capd={"total": 12})):
        plain = grade_icans(base)
        result = grade_icans({**base, **flags})
        assert (result.grade, result.grade_min, result.grade_max) == (
            plain.grade,
            plain.grade_min,
            plain.grade_max,
        )
        assert result.excluded == tuple(name for name in flags)
    assert grade_icans(adult(tremor=False, myoclonus=None)).excluded == ()


# --- worst domain, death (D6), unknowns (D13) -----------------------------------------


def test_icans_grade_is_the_most_severe_domain() -> None:
    # Footnote example: ICE 3 with a generalised seizure is grade 3.
    result = grade_icans(
        adult(
            ice={"total": 3},
            seizure=True,
            seizure_duration_min=1.0,
            seizure_without_return_to_baseline=False,
        )
    )
    assert result.grade == 3
    assert result.drivers == ("seizure",)
    assert [f.grade for f in result.findings] == [2, 0, 3, 0, 0, 0]


def test_icans_death_due_to_icans_is_grade_5() -> None:
    result = grade_icans(adult(death_due_to_icans=True))
    assert result.grade == 5
    assert result.drivers == ("death",)
    assert "death due to ICANS (grade 5)" in result.explanation
    assert "D6" in result.decisions
    assert grade_icans(adult()).grade == 0
    assert "D6" not in grade_icans(adult()).decisions


def test_icans_cause_of_death_unknown() -> None:
    result = grade_icans(adult(death_due_to_icans=None))
    assert (result.grade_min, result.grade_max, result.missing) == (0, 5, ("death_due_to_icans",))
    assert "cause of death not known (grade 0 to 5)" in result.explanation


def test_icans_empty_record_is_0_to_4_with_every_input_missing() -> None:
    result = grade_icans({})
    assert (result.grade, result.grade_min, result.grade_max) == (None, 0, 4)
    assert result.instrument is None
    assert result.drivers == ()
    assert result.missing == (
        "age_years",
        "ice",
        "capd",
        "consciousness",
        "seizure",
        "seizure_duration_min",
        "seizure_over_5_min",
        "seizure_without_return_to_baseline",
        "motor",
        "icp",
    )
    assert all(not f.assessed for f in result.findings[:-1])


def test_icans_missing_lists_only_inputs_that_matter() -> None:
    # A diffuse oedema sets grade 4: nothing else can change it.
    result = grade_icans({"icp": ["diffuse_oedema"]})
    assert (result.grade, result.missing) == (4, ())
    # Grade 3 from a focal oedema: only what could reach grade 4 matters.
    focal = grade_icans(adult(icp=["focal_oedema"], consciousness=None))
    assert (focal.grade_min, focal.grade_max, focal.missing) == (3, 4, ("consciousness",))


def test_icans_unknown_is_never_normal() -> None:
    for field in ("consciousness", "seizure", "motor", "icp", "ice"):
        result = grade_icans(adult(**{field: None}))
        assert result.grade is None, field
        assert field in result.missing


def test_grade_icans_names_itself_when_given_a_wrong_type() -> None:
    with pytest.raises(AstctGradingError) as info:
        grade_icans(42)  # type: ignore[arg-type]
    assert info.value.type == "input_type"
    assert str(info.value) == "grade_icans takes a IcansAssessment or a mapping, not int"


# --- result shape, decisions, input handling ------------------------------------------


def test_icans_result_shape() -> None:
    result = grade_icans(adult(ice={"total": 8}, tremor=True))
    assert isinstance(result, GradeResult)
    assert result.scale == "ICANS"
    assert result.criteria_version == "ASTCT-2019"
    assert [f.domain for f in result.findings] == [
        "ice",
        "consciousness",
        "seizure",
        "motor",
        "icp",
        "death",
    ]
    assert result.explanation == (
        "ICANS grade 1 (ICE): ICE 8/10 (grade 1); alert; no seizure; no deep focal motor "
        "weakness; no raised ICP or cerebral oedema; recorded, not graded (D11): tremor."
    )
    assert "\n" not in result.explanation
    data = json.loads(result.to_json())
    assert data["instrument"] == "ICE"
    assert data["excluded"] == ["tremor"]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (adult(), ("D7", "D9", "D10", "D11", "D14")),
        (child(), ("D7", "D8", "D9", "D11", "D14")),
        ({"age_years": 40, "ice": {"total": 10}}, ("D7", "D10", "D13", "D14")),
        ({"developmental_delay": True, "capd": {"total": 0}}, ("D7", "D8", "D13")),
        (adult(death_due_to_icans=None), ("D6", "D7", "D9", "D10", "D11", "D13", "D14")),
        (
            adult(consciousness=None, seizure=None, motor=None, icp=None, tremor=True),
            ("D7", "D10", "D11", "D13", "D14"),
        ),
        (
            adult(age_years=None, consciousness=None, seizure=None, motor=None, icp=None),
            ("D7", "D8", "D10", "D13"),
        ),
    ],
)
def test_icans_decisions_applied(record: dict[str, Any], expected: tuple[str, ...]) -> None:
    assert grade_icans(record).decisions == expected


def test_icans_accepts_a_model_or_a_mapping_and_rejects_other_types() -> None:
    record = adult(ice={"total": 6}, consciousness="awakens_to_voice")
    model = IcansAssessment.model_validate(record)
    assert grade_icans(model) == grade_icans(record)
    with pytest.raises(AstctGradingError) as info:
        grade_icans("grade 2")  # type: ignore[arg-type]
    assert info.value.type == "input_type"
    assert "grade_icans takes a IcansAssessment or a mapping, not str" in str(info.value)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"age": 40}, [("extra_forbidden", ("age",))]),
        ({"age_years": -1}, [("greater_than_equal", ("age_years",))]),
        ({"age_years": 131}, [("less_than_equal", ("age_years",))]),
        ({"age_years": float("inf")}, [("finite_number", ("age_years",))]),
        ({"age_years": True}, [("bool_not_number", ("age_years",))]),
        ({"consciousness": "drowsy"}, [("enum", ("consciousness",))]),
        ({"motor": "weak"}, [("enum", ("motor",))]),
        ({"ice": {"total": 12}}, [("less_than_equal", ("ice", "total"))]),
        ({"capd": {"restless": "very"}}, [("enum", ("capd", "restless"))]),
    ],
)
def test_icans_bad_input_names_the_field(
    data: dict[str, Any], expected: list[tuple[str, tuple[Any, ...]]]
) -> None:
    assert errors(data) == expected


def test_icans_enums_have_the_documented_values() -> None:
    assert [level.value for level in ConsciousnessLevel] == [
        "alert",
        "awakens_spontaneously",
        "awakens_to_voice",
        "awakens_to_tactile_stimulus",
        "unarousable",
    ]
    assert [m.value for m in MotorFinding] == [
        "none",
        "hemiparesis",
        "paraparesis",
        "other_deep_focal_weakness",
    ]
    assert len(IcpFinding) == 7


def test_icans_json_schema_names_every_field() -> None:
    schema = IcansAssessment.model_json_schema()
    assert schema["additionalProperties"] is False
    assert "age_years" in schema["properties"]
    assert "global_aphasia" in schema["properties"]
    assert "description" in schema["properties"]["consciousness_other_cause"]


def test_explicit_nulls_mean_not_given() -> None:
    # model_dump_json() writes every field, unknown ones as null: they must read back as unknown.
    ice = {**dict.fromkeys(ICE_NAMES), "total": None, "not_performed": None}
    assert score_ice(ice) == score_ice({})
    capd = {**dict.fromkeys(CAPD_NAMES), "total": None, "rass": None, "not_performed": None}
    assert score_capd(capd) == score_capd({})
    nulls = dict.fromkeys(IcansAssessment.model_fields)
    assert grade_icans({**nulls, "ice": ice, "capd": capd}).grade_max == 5
