"""The CRS specification as tables: every cut-off on both sides and every decision D1-D6, D13-D15.

Each table row names the criterion it checks by the sentence a reader sees (``CRS_CRITERIA``,
criteria/crs.py): fever at 37.9/38.0 °C and the °F equivalents, the nasal-cannula flow at
6.0/6.1 L/min, the vasopressor counts, each oxygen device, each attribution, death.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading import (
    AstctGradingError,
    CrsAssessment,
    CrsOptions,
    GradeResult,
    Vasopressor,
    grade_crs,
    vasopressor_grade,
)
from astct_grading.criteria.crs import (
    OXYGEN_DEVICES,
    OxygenDevice,
    VasopressorAgent,
    crs_criteria,
    systolic_threshold_mmhg,
)
from astct_grading.crs.domains import hypotension_reading

ROOM_AIR = {"device": "room_air"}
#: The sentence a reader sees for each criterion, by key.
RULE = {criterion.key: criterion.rule for criterion in crs_criteria()}
FEVER = RULE["fever"]
FEVER_REQUIRED = RULE["fever_required"]
GRADE1 = RULE["grade1"]
NO_PRESSOR = RULE["hypotension_no_pressor"]
ONE_PRESSOR = RULE["one_vasopressor"]
MULTIPLE_PRESSORS = RULE["multiple_vasopressors"]
LOW_FLOW = RULE["low_flow"]
HIGH_FLOW = RULE["high_flow"]
POSITIVE_PRESSURE = RULE["positive_pressure"]
WORST_DOMAIN = RULE["worst_domain"]
GRADE5 = RULE["grade5"]
PALS = RULE["pals_hypotension"]


def test_the_annotations_are_the_criteria() -> None:
    assert FEVER == "fever is a temperature ≥ 38.0 °C not attributable to another cause"
    assert LOW_FLOW == "low-flow nasal cannula (≤ 6 L/min) or blow-by: grade 2"
    assert set(RULE.values()) >= {
        FEVER_REQUIRED,
        GRADE1,
        NO_PRESSOR,
        ONE_PRESSOR,
        MULTIPLE_PRESSORS,
        HIGH_FLOW,
        POSITIVE_PRESSURE,
        WORST_DOMAIN,
        GRADE5,
        PALS,
    }


def febrile(**extra: Any) -> dict[str, Any]:
    """A febrile assessment with no hypotension and room air, overridden by ``extra``."""
    base: dict[str, Any] = {
        "temperature": {"value": 38.5, "unit": "C"},
        "hypotension": False,
        "oxygen": ROOM_AIR,
    }
    return {**base, **extra}


def c(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "C"}


def f(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "F"}


# --- Fever: 37.9/38.0 °C and the °F equivalents (D1, D14) ----------------------------------------


@pytest.mark.parametrize(
    ("temperature", "grade", "criterion"),
    [
        (c(37.9), 0, FEVER_REQUIRED),
        (c(37.99), 0, FEVER_REQUIRED),
        (c(37.994), 0, FEVER_REQUIRED),  # rounds to 37.99
        (c(37.995), 1, FEVER),  # rounds half up to 38.00 (D14)
        (c(38.0), 1, FEVER),
        (c(38.01), 1, FEVER),
        (f(100.2), 0, FEVER_REQUIRED),  # 37.89 °C
        (f(100.39), 0, FEVER_REQUIRED),  # 37.994 °C -> 37.99
        (f(100.391), 1, FEVER),  # 37.995 °C -> 38.00, half up (D14)
        (f(100.4), 1, FEVER),  # exactly 38.0 °C
        (f(100.5), 1, FEVER),
    ],
)
def test_fever_bound(temperature: dict[str, Any], grade: int, criterion: str) -> None:
    assert criterion in RULE.values()
    result = grade_crs(febrile(temperature=temperature))
    assert result.grade == grade
    assert result.finding("fever").present is bool(grade)


def test_explicit_fever_without_temperature() -> None:
    assert grade_crs(febrile(temperature=None, fever=True)).grade == 1
    assert grade_crs(febrile(temperature=None, fever=False)).grade == 0


def test_fever_and_temperature_must_agree() -> None:
    with pytest.raises(ValidationError) as info:
        CrsAssessment.model_validate(febrile(temperature=c(37.5), fever=True))
    error = info.value.errors()[0]
    assert error["type"] == "fever_conflict"
    assert error["msg"] == "fever=true contradicts the temperature 37.5 °C (fever is ≥ 38.0 °C)"
    assert CrsAssessment.model_validate(febrile(temperature=f(100.4), fever=True)).fever is True


def test_missing_temperature_is_not_fever() -> None:
    result = grade_crs({"hypotension": False, "oxygen": ROOM_AIR})
    assert result.grade is None
    assert (result.grade_min, result.grade_max) == (0, 1)
    assert "temperature" in result.missing
    assert "not assessed" in result.explanation


# --- D1: fever required, and the post-treatment waiver -------------------------------------------


def test_afebrile_on_vasopressor_after_treatment_keeps_grade() -> None:
    record = febrile(
        temperature=c(37.1), hypotension=True, vasopressors=["norepinephrine"], fever_waiver=True
    )
    result = grade_crs(record)
    assert result.grade == 3
    assert result.drivers == ("hypotension",)
    assert "D1" in result.decisions
    assert "not required after CRS treatment" in result.explanation


def test_afebrile_without_waiver_grades_zero_and_says_why() -> None:
    record = febrile(
        temperature=c(37.1), hypotension=True, vasopressors=["norepinephrine"], fever_waiver=False
    )
    result = grade_crs(record)
    assert result.grade == 0
    assert "entry criterion" in result.explanation
    assert "D1" in result.decisions


def test_afebrile_with_unknown_waiver_is_a_range() -> None:
    record = febrile(temperature=c(37.1), oxygen={"device": "cpap"})
    result = grade_crs(record)
    assert (result.grade, result.grade_min, result.grade_max) == (None, 0, 4)
    assert result.missing == ("fever_waiver",)


def test_waiver_without_findings_grades_zero() -> None:
    assert grade_crs(febrile(temperature=c(36.8), fever_waiver=True)).grade == 0


def test_waiver_does_not_matter_when_febrile() -> None:
    for waiver in (True, False, None):
        assert grade_crs(febrile(fever_waiver=waiver, oxygen={"device": "cpap"})).grade == 4


# --- D2: attribution -----------------------------------------------------------------------------


def test_fever_attributed_to_another_cause_does_not_count() -> None:
    result = grade_crs(febrile(fever_other_cause=True, fever_waiver=False))
    assert result.grade == 0
    assert result.finding("fever").attributed_to_other_cause is True
    assert "D2" in result.decisions


def test_hypotension_attributed_to_another_cause_does_not_count() -> None:
    result = grade_crs(
        febrile(hypotension=True, vasopressors=["dopamine"], hypotension_other_cause=True)
    )
    assert result.grade == 1
    assert result.finding("hypotension").grade == 0


def test_hypoxia_attributed_to_another_cause_does_not_count() -> None:
    result = grade_crs(febrile(oxygen={"device": "bipap"}, hypoxia_other_cause=True))
    assert result.grade == 1


@pytest.mark.parametrize(
    ("domain", "record", "other_cause", "low", "high", "criterion"),
    [
        ("fever", febrile(fever_waiver=False), False, 1, 1, FEVER),
        ("fever", febrile(fever_waiver=False), True, 0, 0, FEVER),
        ("fever", febrile(fever_waiver=False), None, 0, 1, FEVER),
        (
            "hypotension",
            febrile(hypotension=True, vasopressors=["dopamine"]),
            False,
            3,
            3,
            ONE_PRESSOR,
        ),
        (
            "hypotension",
            febrile(hypotension=True, vasopressors=["dopamine"]),
            True,
            1,
            1,
            WORST_DOMAIN,
        ),
        (
            "hypotension",
            febrile(hypotension=True, vasopressors=["dopamine"]),
            None,
            1,
            3,
            WORST_DOMAIN,
        ),
        ("hypoxia", febrile(oxygen={"device": "bipap"}), False, 4, 4, POSITIVE_PRESSURE),
        ("hypoxia", febrile(oxygen={"device": "bipap"}), True, 1, 1, WORST_DOMAIN),
        ("hypoxia", febrile(oxygen={"device": "bipap"}), None, 1, 4, WORST_DOMAIN),
    ],
)
def test_each_attribution(
    domain: str,
    record: dict[str, Any],
    other_cause: bool | None,
    low: int,
    high: int,
    criterion: str,
) -> None:
    assert criterion in RULE.values()
    result = grade_crs({**record, f"{domain}_other_cause": other_cause})
    assert (result.grade_min, result.grade_max) == (low, high)
    assert result.finding(domain).attributed_to_other_cause is other_cause
    assert ("D2" in result.decisions) is (other_cause is not False)
    assert result.missing == ((f"{domain}_other_cause",) if low != high else ())


def test_unknown_attribution_gives_a_range() -> None:
    result = grade_crs(febrile(oxygen={"device": "bipap"}, hypoxia_other_cause=None))
    assert (result.grade_min, result.grade_max) == (1, 4)
    assert result.missing == ("hypoxia_other_cause",)


def test_worst_domain_wins() -> None:
    # Footnote example: a vasopressor plus low-flow nasal cannula is grade 3.
    result = grade_crs(
        febrile(
            hypotension=True,
            vasopressors=["norepinephrine"],
            oxygen={"device": "nasal_cannula", "flow_l_min": 3},
        )
    )
    assert result.grade == 3
    assert result.drivers == ("hypotension",)
    tied = grade_crs(
        febrile(hypotension=True, vasopressors=["phenylephrine"], oxygen={"device": "venturi_mask"})
    )
    assert tied.drivers == ("hypotension", "hypoxia")


# --- D3: vasopressors counted, never dosed -------------------------------------------------------


@pytest.mark.parametrize(
    ("agents", "grade", "criterion"),
    [
        ([], 2, NO_PRESSOR),
        (["vasopressin"], 3, ONE_PRESSOR),
        (["norepinephrine"], 3, ONE_PRESSOR),
        (["vasopressin", "norepinephrine"], 3, ONE_PRESSOR),
        (["norepinephrine", "norepinephrine"], 3, ONE_PRESSOR),
        (["norepinephrine", "epinephrine"], 4, MULTIPLE_PRESSORS),
        (["vasopressin", "phenylephrine", "dopamine"], 4, MULTIPLE_PRESSORS),
        (["angiotensin_ii", "norepinephrine"], 4, MULTIPLE_PRESSORS),
        (["noradrenaline", "adrenaline"], 4, MULTIPLE_PRESSORS),
        ([{"agent": "dopamine", "dose": 5, "dose_unit": "mcg/kg/min"}], 3, ONE_PRESSOR),
        (
            [{"agent": "dopamine", "dose": 20, "dose_unit": "mcg/kg/min"}],
            3,
            ONE_PRESSOR,
        ),  # dose ignored
    ],
)
def test_vasopressor_combinations(agents: list[Any], grade: int, criterion: str) -> None:
    assert criterion in RULE.values()
    assert grade_crs(febrile(hypotension=True, vasopressors=agents)).grade == grade


def test_vasopressor_grade_helper() -> None:
    v = VasopressorAgent
    assert vasopressor_grade([]) == 0
    assert vasopressor_grade([v.VASOPRESSIN, v.VASOPRESSIN]) == 3
    assert vasopressor_grade([v.EPINEPHRINE, v.DOPAMINE, v.VASOPRESSIN]) == 4


@pytest.mark.parametrize("inotrope", ["dobutamine", "milrinone", "Milrinone "])
def test_inotrope_rejected(inotrope: str) -> None:
    with pytest.raises(ValidationError) as info:
        CrsAssessment.model_validate(febrile(hypotension=True, vasopressors=[inotrope]))
    error = info.value.errors()[0]
    assert error["type"] == "inotrope_not_vasopressor"
    assert error["loc"] == ("vasopressors", 0, "agent")


def test_unknown_vasopressor_rejected_with_allowed_values() -> None:
    with pytest.raises(ValidationError) as info:
        CrsAssessment.model_validate(febrile(hypotension=True, vasopressors=["levophed"]))
    error = info.value.errors()[0]
    assert error["type"] == "enum"
    assert "norepinephrine" in error["msg"]


def test_hypotension_absent_with_vasopressors_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        CrsAssessment.model_validate(febrile(hypotension=False, vasopressors=["dopamine"]))
    assert info.value.errors()[0]["type"] == "hypotension_conflict"


@pytest.mark.parametrize(
    ("hypotension", "vasopressors", "low", "high", "missing"),
    [
        (None, None, 1, 4, ("hypotension", "vasopressors")),
        (None, [], 1, 2, ("hypotension",)),
        (None, ["dopamine"], 3, 3, ()),
        (True, None, 2, 4, ("vasopressors",)),
        (True, [], 2, 2, ()),
        (False, None, 1, 1, ()),
    ],
)
def test_hypotension_unknowns(
    hypotension: bool | None,
    vasopressors: list[str] | None,
    low: int,
    high: int,
    missing: tuple[str, ...],
) -> None:
    record = febrile(hypotension=hypotension, vasopressors=vasopressors)
    result = grade_crs(record)
    assert (result.grade_min, result.grade_max, result.missing) == (low, high, missing)


# --- D4: oxygen device and flow ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("oxygen", "grade", "criterion"),
    [
        ({"device": "room_air"}, 1, GRADE1),
        ({"device": "room_air", "flow_l_min": 0}, 1, GRADE1),
        ({"device": "room_air", "fio2": 0.21}, 1, GRADE1),
        ({"device": "blow_by"}, 2, LOW_FLOW),
        ({"device": "blow_by", "flow_l_min": 10}, 2, LOW_FLOW),
        ({"device": "nasal_cannula", "flow_l_min": 0.5}, 2, LOW_FLOW),
        ({"device": "nasal_cannula", "flow_l_min": 6.0}, 2, LOW_FLOW),
        ({"device": "nasal_cannula", "flow_l_min": 6.004}, 2, LOW_FLOW),  # 6.00 at 0.01 L/min (D14)
        ({"device": "nasal_cannula", "flow_l_min": 6.0049}, 2, LOW_FLOW),  # 6.00 (D14)
        ({"device": "nasal_cannula", "flow_l_min": 6.005}, 3, HIGH_FLOW),  # half up: 6.01 (D14)
        ({"device": "nasal_cannula", "flow_l_min": 6.01}, 3, HIGH_FLOW),
        ({"device": "nasal_cannula", "flow_l_min": 6.1}, 3, HIGH_FLOW),
        ({"device": "nasal_cannula"}, 2, LOW_FLOW),
        ({"device": "low_flow_nasal_cannula"}, 2, LOW_FLOW),
        (
            {"device": "low_flow_nasal_cannula", "flow_l_min": 8},
            3,
            HIGH_FLOW,
        ),  # flow overrides label
        ({"device": "high_flow_nasal_cannula"}, 3, HIGH_FLOW),
        (
            {"device": "high_flow_nasal_cannula", "flow_l_min": 6.0},
            2,
            LOW_FLOW,
        ),  # flow overrides label
        ({"device": "high_flow_nasal_cannula", "flow_l_min": 40, "fio2": 0.6}, 3, HIGH_FLOW),
        ({"device": "simple_facemask", "flow_l_min": 5}, 3, HIGH_FLOW),
        ({"device": "non_rebreather_mask", "flow_l_min": 15}, 3, HIGH_FLOW),
        ({"device": "venturi_mask", "fio2": 0.28}, 3, HIGH_FLOW),
        ({"device": "cpap"}, 4, POSITIVE_PRESSURE),
        ({"device": "bipap", "fio2": 0.3}, 4, POSITIVE_PRESSURE),
        ({"device": "mechanical_ventilation", "fio2": 0.21}, 4, POSITIVE_PRESSURE),
    ],
)
def test_oxygen_devices(oxygen: dict[str, Any], grade: int, criterion: str) -> None:
    assert criterion in RULE.values()
    assert grade_crs(febrile(oxygen=oxygen)).grade == grade


def test_flow_overriding_label_is_explained() -> None:
    result = grade_crs(febrile(oxygen={"device": "high_flow_nasal_cannula", "flow_l_min": 4}))
    assert "flow overrides the device label (D4)" in result.explanation
    plain = grade_crs(febrile(oxygen={"device": "nasal_cannula", "flow_l_min": 4}))
    assert "overrides" not in plain.explanation


def test_every_device_has_a_rule() -> None:
    assert set(OXYGEN_DEVICES) == set(OxygenDevice)
    assert all(rule.source for rule in OXYGEN_DEVICES.values())


def test_unlabelled_cannula_option() -> None:
    strict = CrsOptions(unlabelled_cannula_without_flow="unknown")
    result = grade_crs(febrile(oxygen={"device": "nasal_cannula"}), options=strict)
    assert (result.grade_min, result.grade_max) == (2, 3)
    labelled = grade_crs(febrile(oxygen={"device": "low_flow_nasal_cannula"}), options=strict)
    assert labelled.grade == 2
    with_flow = grade_crs(
        febrile(oxygen={"device": "nasal_cannula", "flow_l_min": 7}), options=strict
    )
    assert with_flow.grade == 3


@pytest.mark.parametrize(
    "oxygen",
    [{"device": "room_air", "flow_l_min": 2}, {"device": "room_air", "fio2": 0.4}],
)
def test_room_air_takes_no_setting(oxygen: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        CrsAssessment.model_validate(febrile(oxygen=oxygen))
    assert info.value.errors()[0]["type"] == "flow_not_applicable"


@pytest.mark.parametrize(
    ("flow", "error_type"),
    [(-0.1, "greater_than_equal"), (80.01, "less_than_equal"), (True, "bool_not_number")],
)
def test_flow_plausibility(flow: Any, error_type: str) -> None:
    with pytest.raises(ValidationError) as info:
        CrsAssessment.model_validate(
            febrile(oxygen={"device": "nasal_cannula", "flow_l_min": flow})
        )
    error = info.value.errors()[0]
    assert error["type"] == error_type
    assert error["loc"] == ("oxygen", "flow_l_min")


def test_flow_at_plausibility_edges_accepted() -> None:
    assert grade_crs(febrile(oxygen={"device": "nasal_cannula", "flow_l_min": 0})).grade == 2
    assert grade_crs(febrile(oxygen={"device": "nasal_cannula", "flow_l_min": 80})).grade == 3


@pytest.mark.parametrize("fio2", [0.2, 1.01])
def test_fio2_plausibility(fio2: float) -> None:
    with pytest.raises(ValidationError):
        CrsAssessment.model_validate(febrile(oxygen={"device": "cpap", "fio2": fio2}))


# --- D5: hypotension from systolic pressure and age ----------------------------------------------


# PALS_HYPOTENSION: the optional helper's thresholds, at each age cut-off.
@pytest.mark.parametrize(
    ("age", "threshold"),
    [
        (0.0, 60.0),
        (0.07, 60.0),  # 25 days
        (27 / 365.25, 60.0),
        (math.nextafter(28 / 365.25, 0.0), 60.0),  # just below 28 days: a neonate
        (28 / 365.25, 70.0),  # exactly 28 days: an infant (the first 28 days are days 0-27, D5)
        (0.08, 70.0),  # 29 days
        (0.99, 70.0),
        (1.0, 72.0),
        (4.9, 78.0),
        (9.99, 88.0),
        (10.0, 90.0),  # "1-10 years" includes 10: 70 + 2 x 10, the adult 90 either way
        (math.nextafter(10.0, 11.0), 90.0),
        (10.5, 90.0),
        (45.0, 90.0),
    ],
)
def test_pals_thresholds(age: float, threshold: float) -> None:
    assert PALS.startswith("optional helper: systolic < 90 mmHg")
    assert systolic_threshold_mmhg(age) == threshold


@pytest.mark.parametrize(
    ("systolic", "age", "grade"),
    [
        (89.0, 40.0, 2),
        (90.0, 40.0, 1),
        (77.0, 4.0, 2),
        (78.0, 4.0, 1),
        (59.0, 0.01, 2),
        # Below 28 days the neonate's 60 mmHg applies; from 28 days the infant's 70.
        (59.99, 27 / 365.25, 2),
        (60.0, 27 / 365.25, 1),
        (69.99, 28 / 365.25, 2),
        (70.0, 28 / 365.25, 1),
    ],
)
def test_hypotension_derived_from_systolic(systolic: float, age: float, grade: int) -> None:
    record = febrile(hypotension=None, vasopressors=[], systolic_bp_mmhg=systolic, age_years=age)
    result = grade_crs(record)
    assert result.grade == grade
    assert "D5" in result.decisions
    assert "PALS" in result.explanation


def test_normal_systolic_does_not_rule_out_vasopressors() -> None:
    # A normal pressure may be held up by vasopressors: unknown vasopressors keep the range open.
    record = febrile(hypotension=None, systolic_bp_mmhg=120, age_years=40)
    result = grade_crs(record)
    assert (result.grade_min, result.grade_max) == (1, 4)
    assert result.missing == ("vasopressors",)
    settled = grade_crs({**record, "vasopressors": []})
    assert settled.grade == 1
    on_pressor = grade_crs({**record, "vasopressors": ["norepinephrine"]})
    assert on_pressor.grade == 3
    assert "D5" not in on_pressor.decisions  # the vasopressor decides, not the pressure (D3)


def test_low_systolic_with_unknown_vasopressors() -> None:
    record = febrile(hypotension=None, systolic_bp_mmhg=80, age_years=40)
    result = grade_crs(record)
    assert (result.grade_min, result.grade_max) == (2, 4)
    assert result.missing == ("vasopressors",)


def test_explicit_hypotension_wins_over_systolic() -> None:
    record = febrile(hypotension=False, systolic_bp_mmhg=85, age_years=50)
    result = grade_crs(record)
    assert result.grade == 1
    assert "D5" not in result.decisions


_NOREPI = (VasopressorAgent.NOREPINEPHRINE,)


@pytest.mark.parametrize(
    ("hypotension", "systolic", "agents", "detail", "derived"),
    [
        # Recorded: the record's finding, whatever side of the threshold the pressure is (D5).
        (True, 85.0, (), "hypotension without vasopressors", False),
        (True, 120.0, (), "hypotension without vasopressors", False),
        (False, 85.0, (), "no hypotension", False),
        # Not recorded: derived, and the detail names the PALS rule on each side of 90 mmHg.
        (None, 89.0, (), "systolic 89 < 90 mmHg at age 50 y (PALS, D5) without vasopressors", True),
        (None, 90.0, (), "systolic 90 ≥ 90 mmHg at age 50 y (PALS, D5)", True),
        # A vasopressor named decides whatever the pressure (D3): the pressure decides nothing.
        (None, 85.0, _NOREPI, "hypotension on vasopressors (norepinephrine)", False),
        (None, 120.0, _NOREPI, "hypotension on vasopressors (norepinephrine)", False),
    ],
)
def test_the_hypotension_detail_names_the_pals_rule_only_when_it_derives(
    hypotension: bool | None,
    systolic: float,
    agents: tuple[VasopressorAgent, ...],
    detail: str,
    derived: bool,
) -> None:
    # hypotension_reading given every input at once, the vasopressors assessed.
    _, said, _, from_systolic = hypotension_reading(hypotension, systolic, 50.0, agents)
    assert (said, from_systolic) == (detail, derived)


@pytest.mark.parametrize("systolic", [85.0, 120.0])
@pytest.mark.parametrize(
    "given",
    [{"vasopressors": ["norepinephrine"]}, {"vasopressor_count": 1}],
    ids=["named", "counted"],
)
def test_vasopressors_named_or_counted_leave_d5_uncited(
    systolic: float, given: dict[str, object]
) -> None:
    # D5 is cited only when the pressure decides the finding; a vasopressor, named or counted,
    # grades hypotension whatever the pressure (D3), so the two inputs cite the same decisions.
    record = febrile(hypotension=None, systolic_bp_mmhg=systolic, age_years=50, **given)
    result = grade_crs(record)
    assert result.grade == 3
    assert "D5" not in result.decisions
    assert "D3" in result.decisions


def test_systolic_needs_age() -> None:
    with pytest.raises(ValidationError) as info:
        CrsAssessment.model_validate(febrile(hypotension=None, systolic_bp_mmhg=85))
    assert info.value.errors()[0]["type"] == "systolic_needs_age"


# --- D6: grade 5 ---------------------------------------------------------------------------------


def test_grade_five_only_from_explicit_death() -> None:
    result = grade_crs(febrile(oxygen={"device": "mechanical_ventilation"}, death_due_to_crs=True))
    assert result.grade == 5
    assert result.drivers == ("death",)
    assert "D6" in result.decisions
    alive = grade_crs(febrile(oxygen={"device": "mechanical_ventilation"}))
    assert alive.grade == 4


@pytest.mark.parametrize(
    ("death", "low", "high", "criterion"),
    [(True, 5, 5, GRADE5), (False, 1, 1, GRADE1), (None, 1, 5, GRADE5)],
)
def test_each_answer_on_death(death: bool | None, low: int, high: int, criterion: str) -> None:
    assert criterion in RULE.values()
    result = grade_crs(febrile(death_due_to_crs=death))
    assert (result.grade_min, result.grade_max) == (low, high)
    assert ("D6" in result.decisions) is (death is not False)


def test_unknown_cause_of_death_is_a_range() -> None:
    result = grade_crs(febrile(death_due_to_crs=None))
    assert (result.grade_min, result.grade_max) == (1, 5)
    assert result.missing == ("death_due_to_crs",)


# --- D13: unknown is never normal ----------------------------------------------------------------


def test_empty_assessment_is_fully_open() -> None:
    result = grade_crs({})
    assert (result.grade, result.grade_min, result.grade_max) == (None, 0, 4)
    assert not any(finding.assessed for finding in result.findings[:3])
    assert "D13" in result.decisions
    assert set(result.missing) >= {"temperature", "hypotension", "vasopressors", "oxygen"}


def test_fever_with_unknown_support_is_a_range() -> None:
    result = grade_crs({"temperature": c(38.2)})
    assert (result.grade_min, result.grade_max) == (1, 4)
    assert result.drivers == ("fever",)
    assert result.missing == ("hypotension", "vasopressors", "oxygen")


def test_missing_lists_only_inputs_that_matter() -> None:
    # Positive pressure already gives 4; the unknown vasopressors cannot change it.
    result = grade_crs(febrile(oxygen={"device": "cpap"}, hypotension=True))
    assert result.grade == 4
    assert result.missing == ()


# --- D15: plausibility, unknown fields, types ----------------------------------------------------


@pytest.mark.parametrize(
    ("temperature", "error_type"),
    [
        (c(24.99), "temperature_out_of_range"),
        (c(45.01), "temperature_out_of_range"),
        (f(76.9), "temperature_out_of_range"),
        (f(113.5), "temperature_out_of_range"),
        ({"value": float("nan"), "unit": "C"}, "finite_number"),
        ({"value": float("inf"), "unit": "C"}, "finite_number"),
        ({"value": True, "unit": "C"}, "bool_not_number"),
        ({"value": 38.0, "unit": "K"}, "enum"),
        ({"value": 38.0}, "missing"),
        ({"value": 38.0, "unit": "C", "site": "oral"}, "extra_forbidden"),
    ],
)
def test_temperature_rejections(temperature: dict[str, Any], error_type: str) -> None:
    with pytest.raises(ValidationError) as info:
        CrsAssessment.model_validate(febrile(temperature=temperature))
    error = info.value.errors()[0]
    assert error["type"] == error_type
    assert error["loc"][0] == "temperature"


def test_temperature_plausibility_edges_accepted() -> None:
    assert grade_crs(febrile(temperature=c(25.0), fever_waiver=False)).grade == 0
    assert grade_crs(febrile(temperature=c(45.0))).grade == 1


def test_misspelt_field_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        CrsAssessment.model_validate({"temprature": c(38.5)})
    error = info.value.errors()[0]
    assert (error["type"], error["loc"]) == ("extra_forbidden", ("temprature",))


def test_unknown_device_names_allowed_values() -> None:
    with pytest.raises(ValidationError) as info:
        CrsAssessment.model_validate(febrile(oxygen={"device": "hfnc"}))
    assert "high_flow_nasal_cannula" in info.value.errors()[0]["msg"]


@pytest.mark.parametrize("age", [-0.01, 130.01])
def test_age_plausibility(age: float) -> None:
    with pytest.raises(ValidationError):
        CrsAssessment.model_validate(febrile(systolic_bp_mmhg=100, age_years=age))


def test_numbers_are_json_numbers_never_text_or_booleans() -> None:
    # D15: a number given as text is refused, even a plain one (the CSV reader converts cells);
    # so is a boolean.
    with pytest.raises(ValidationError) as raised:
        CrsAssessment.model_validate(febrile(temperature={"value": "38.2", "unit": "C"}))
    assert [e["type"] for e in raised.value.errors()] == ["number_format"]
    with pytest.raises(ValidationError) as raised:
        CrsAssessment.model_validate(febrile(systolic_bp_mmhg=False, age_years=30))
    assert [e["type"] for e in raised.value.errors()] == ["bool_not_number"]
    parsed = CrsAssessment.model_validate(febrile(temperature={"value": 38.2, "unit": "C"}))
    assert parsed.temperature is not None
    assert parsed.temperature.celsius == 38.2


def test_models_are_frozen() -> None:
    model = CrsAssessment.model_validate(febrile())
    with pytest.raises(ValidationError):
        model.hypotension = True  # type: ignore[misc]


# --- The API -------------------------------------------------------------------------------------


def test_misuse_raises_library_error() -> None:
    with pytest.raises(AstctGradingError) as info:
        grade_crs("38.5")  # type: ignore[arg-type]
    assert info.value.type == "input_type"
    assert isinstance(info.value, ValueError)
    assert str(info.value) == "grade_crs takes a CrsAssessment or a mapping, not str"


def test_result_is_frozen_and_auditable() -> None:
    result = grade_crs(febrile(oxygen={"device": "nasal_cannula", "flow_l_min": 2}))
    assert isinstance(result, GradeResult)
    assert result.criteria_version == "ASTCT-2019"
    assert result.scale == "CRS"
    assert [finding.domain for finding in result.findings] == [
        "fever",
        "hypotension",
        "hypoxia",
        "death",
    ]
    assert result.explanation.startswith("CRS grade 2:")
    with pytest.raises(AttributeError):
        result.grade = 4  # type: ignore[misc]
    with pytest.raises(KeyError):
        result.finding("seizure")


def test_criteria_table_cites_sources() -> None:
    criteria = crs_criteria()
    assert len({criterion.key for criterion in criteria}) == len(criteria)
    assert all(criterion.source for criterion in criteria)


def test_vasopressor_agent_as_enum_or_wrong_type() -> None:
    assert Vasopressor(agent=VasopressorAgent.DOPAMINE).agent is VasopressorAgent.DOPAMINE
    with pytest.raises(ValidationError) as info:
        Vasopressor.model_validate({"agent": 5})
    assert info.value.errors()[0]["type"] == "enum"


def test_age_without_systolic_leaves_hypotension_unknown() -> None:
    # Age alone derives nothing (D5): hypotension stays not assessed.
    result = grade_crs(febrile(hypotension=None, age_years=40))
    assert (result.grade_min, result.grade_max) == (1, 4)
    assert result.missing == ("hypotension", "vasopressors")
    assert "D5" not in result.decisions


def test_vasopressor_schema_accepts_the_object_or_a_bare_name() -> None:
    # D3: the published schema says what validation accepts, synonyms included.
    schema = Vasopressor.model_json_schema()
    as_object, as_name = schema["anyOf"]
    assert as_object["type"] == "object"
    assert as_name == {
        "type": "string",
        "enum": [*(agent.value for agent in VasopressorAgent), "noradrenaline", "adrenaline"],
    }
    assert as_object["properties"]["agent"]["enum"] == as_name["enum"]
