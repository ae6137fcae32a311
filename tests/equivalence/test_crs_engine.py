"""CRS grading equals the one engine, and the engine equals its exhaustive definition (D13).

``crs_bounds`` (astct_grading/crs/domains.py) reads the CRS rule as one engine domain plus death
through ``worst``; ``core.bounds.exhaustive`` tries every combination of every level of the whole
rule (death included). They must agree on every pattern of level values the readings produce.
``grade_crs`` must equal a result assembled independently: each domain's reading, the exhaustive
bounds, and the results' public constructors. Kept analyses must equal the ones computed afresh.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from dataclasses import fields
from itertools import product
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from astct_grading.core.bounds import exhaustive
from astct_grading.core.results import Finding, GradeResult
from astct_grading.criteria.astct import DEATH_GRADE
from astct_grading.criteria.crs import FEVER_ONLY_GRADE, OxygenDevice, VasopressorAgent
from astct_grading.crs import grading as crs
from astct_grading.crs.domains import (
    DEATH,
    LEVELS,
    Ints,
    crs_bounds,
    crs_rule,
    fever_reading,
    hypotension_reading,
    hypoxia_reading,
    vasopressor_grade,
)
from astct_grading.crs.grading import CrsAssessment, CrsOptions, grade_crs
from tests.crs_inputs import crs_records

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
OPTIONS = st.sampled_from([CrsOptions(), CrsOptions("unknown")])
FLAG: list[bool | None] = [None, True, False]


def whole_rule(*levels: int) -> int:
    """The whole CRS rule at one combination: death due to CRS is grade 5 (D6), else crs_rule."""
    return DEATH_GRADE if levels[DEATH] else crs_rule(*levels[:DEATH])


def engine(levels: Sequence[Ints]) -> tuple[int, int, tuple[int, ...]]:
    return crs_bounds(tuple(levels[:DEATH]), levels[DEATH])


# The values each level can take, as the readings give them.
FLAG_LEVELS: list[Ints] = [(0,), (1,), (0, 1)]
HYPOTENSION_LEVELS: list[Ints] = [(0,), (2,), (3,), (4,), (0, 4), (2, 4), (0, 2)]
HYPOXIA_LEVELS: list[Ints] = [(0,), (2,), (3,), (4,), (2, 3), (0, 4)]
# Every range of grades 0-4 (1 included, though no hypotension or hypoxia grades 1).
GRADE_LEVELS: list[Ints] = [
    (low,) if low == high else (low, high) for low in range(5) for high in range(low, 5)
]


def test_the_levels_are_the_rules_arguments() -> None:
    assert tuple(inspect.signature(crs_rule).parameters) == LEVELS
    assert DEATH == len(LEVELS) == len(crs._LEVEL_FIELDS) - 1
    assert crs._LEVEL_FIELDS[DEATH] == ("death_due_to_crs",)
    assert LEVELS[crs._HYPOTENSION] == "hypotension"


def test_the_rule_at_one_completion_is_the_engine() -> None:
    # With every level known, the engine gives the rule's value and nothing open.
    for levels in product((0, 1), (0, 1), (0, 1), range(5), (0, 1), range(5), (0, 1), (0, 1)):
        grade = whole_rule(*levels)
        assert engine([(value,) for value in levels]) == (grade, grade, ())


def test_the_engine_is_exhaustive_on_every_pattern_the_readings_give() -> None:
    patterns = product(
        FLAG_LEVELS,
        FLAG_LEVELS,
        FLAG_LEVELS,
        HYPOTENSION_LEVELS,
        FLAG_LEVELS,
        HYPOXIA_LEVELS,
        FLAG_LEVELS,
        FLAG_LEVELS,
    )
    count = 0
    for levels in patterns:
        assert engine(levels) == exhaustive(whole_rule, levels), levels
        count += 1
    assert count == 3**6 * len(HYPOTENSION_LEVELS) * len(HYPOXIA_LEVELS)


@pytest.mark.slow
def test_the_engine_is_exhaustive_on_every_range_of_grades() -> None:
    # Hypotension and hypoxia at every range of grades 0-4, reachable or not (about a minute).
    patterns = product(
        FLAG_LEVELS,
        FLAG_LEVELS,
        FLAG_LEVELS,
        GRADE_LEVELS,
        FLAG_LEVELS,
        GRADE_LEVELS,
        FLAG_LEVELS,
        FLAG_LEVELS,
    )
    count = 0
    for levels in patterns:
        assert engine(levels) == exhaustive(whole_rule, levels), levels
        count += 1
    assert count == 3**6 * len(GRADE_LEVELS) ** 2


@given(
    st.tuples(
        *(st.sampled_from(FLAG_LEVELS) for _ in range(3)),
        st.sampled_from(GRADE_LEVELS),
        st.sampled_from(FLAG_LEVELS),
        st.sampled_from(GRADE_LEVELS),
        st.sampled_from(FLAG_LEVELS),
        st.sampled_from(FLAG_LEVELS),
    )
)
def test_the_engine_is_exhaustive_on_any_range_of_grades(levels: tuple[Ints, ...]) -> None:
    assert engine(levels) == exhaustive(whole_rule, levels)


@given(
    st.tuples(
        *(st.sampled_from(FLAG_LEVELS) for _ in range(3)),
        st.lists(st.integers(0, 4), min_size=1, max_size=4, unique=True).map(tuple),
        st.sampled_from(FLAG_LEVELS),
        st.lists(st.integers(0, 4), min_size=1, max_size=4, unique=True).map(tuple),
        st.sampled_from(FLAG_LEVELS),
        st.sampled_from(FLAG_LEVELS),
    )
)
def test_the_ends_of_a_level_decide_as_all_its_values_do(levels: tuple[Ints, ...]) -> None:
    # The rule is non-decreasing in every level, so a level's lowest and highest values give the
    # same bounds and the same open levels as all of its values: the readings give only the ends.
    ends = tuple((min(v),) if len(v) == 1 else (min(v), max(v)) for v in levels)
    assert exhaustive(whole_rule, levels) == exhaustive(whole_rule, ends) == engine(ends)


# --- The result, assembled independently --------------------------------------------------------


def _own(other_cause: bool | None) -> Ints:
    return {None: (0, 1), True: (0,), False: (1,)}[other_cause]


def _flag(value: bool | None) -> Ints:
    return {None: (0, 1), True: (1,), False: (0,)}[value]


def _present(level: Ints) -> bool | None:
    return True if min(level) > 0 else (False if max(level) == 0 else None)


def reference_result(a: CrsAssessment, options: CrsOptions) -> GradeResult:
    """grade_crs written plainly: each domain's reading, the exhaustive bounds, the constructors."""
    if a.temperature is not None:
        present, fever_detail = fever_reading(a.temperature.value, a.temperature.unit)
        fever = _flag(present)
    elif a.fever is not None:
        fever = _flag(a.fever)
        fever_detail = "fever recorded" if a.fever else "no fever recorded"
    else:
        fever, fever_detail = (0, 1), "temperature not assessed"
    agents = None if a.vasopressors is None else tuple(v.agent for v in a.vasopressors)
    hypo, hypo_detail, hypo_missing, derived = hypotension_reading(
        a.hypotension, a.systolic_bp_mmhg, a.age_years, agents
    )
    if a.oxygen is None:
        oxy: Ints = (0, 4)
        oxy_detail = "oxygen support not assessed"
    else:
        oxy, oxy_detail = hypoxia_reading(
            a.oxygen.device, a.oxygen.flow_l_min, options.unlabelled_cannula_without_flow
        )
    fever_own = _own(a.fever_other_cause)
    hypo_own = _own(a.hypotension_other_cause)
    oxy_own = _own(a.hypoxia_other_cause)
    death = _flag(a.death_due_to_crs)
    levels = (fever, fever_own, _flag(a.fever_waiver), hypo, hypo_own, oxy, oxy_own, death)
    low, high, matters = exhaustive(whole_rule, levels)

    def counted(level: Ints, own: Ints) -> tuple[int, int]:
        products = [value * flag for value in level for flag in own]
        return min(products), max(products)

    counts = counted(fever, fever_own)
    findings = (
        Finding(
            "fever",
            a.temperature is not None or a.fever is not None,
            _present(fever),
            a.fever_other_cause,
            FEVER_ONLY_GRADE * counts[0],
            FEVER_ONLY_GRADE * counts[1],
            crs._attributed(fever_detail, a.fever_other_cause),
        ),
        Finding(
            "hypotension",
            not hypo_missing,
            _present(hypo),
            a.hypotension_other_cause,
            *counted(hypo, hypo_own),
            crs._attributed(hypo_detail, a.hypotension_other_cause),
        ),
        Finding(
            "hypoxia",
            a.oxygen is not None,
            _present(oxy),
            a.hypoxia_other_cause,
            *counted(oxy, oxy_own),
            crs._attributed(oxy_detail, a.hypoxia_other_cause),
        ),
        Finding(
            "death",
            a.death_due_to_crs is not None,
            a.death_due_to_crs,
            None,
            DEATH_GRADE * min(death),
            DEATH_GRADE * max(death),
            crs._DEATH_DETAIL[a.death_due_to_crs],
        ),
    )
    missing: list[str] = []
    for index in matters:
        missing.extend(hypo_missing if index == 3 else crs._LEVEL_FIELDS[index])
    if low in (0, DEATH_GRADE):
        drivers: tuple[str, ...] = ("death",) if low else ()
    else:
        drivers = tuple(f.domain for f in findings if f.domain != "death" and f.grade_min == low)
    decisions = [
        name
        for name, applies in (
            ("D1", counts[0] == 0),
            (
                "D2",
                any(
                    c is not False
                    for c in (
                        a.fever_other_cause,
                        a.hypotension_other_cause,
                        a.hypoxia_other_cause,
                    )
                ),
            ),
            ("D3", bool(a.vasopressors)),
            ("D4", a.oxygen is not None),
            ("D5", derived),
            ("D6", a.death_due_to_crs is not False),
            ("D13", low != high),
            ("D14", a.temperature is not None),
        )
        if applies
    ]
    grade = f"CRS grade {low}" if low == high else f"CRS grade {low} to {high} (undetermined)"
    parts = [f.detail for f in findings if f.domain != "death" or a.death_due_to_crs is not False]
    text = f"{grade}: " + "; ".join(parts)
    if counts == (0, 0):
        if a.fever_waiver:
            text += "; no CRS fever, but fever is not required after CRS treatment (D1)"
        elif a.fever_waiver is None:
            text += "; no CRS fever (the entry criterion), post-treatment waiver not known (D1)"
        else:
            text += "; no CRS fever (the entry criterion), no post-treatment waiver (D1)"
    if missing:
        text += "; open until given: " + ", ".join(missing)
    return GradeResult(
        "CRS",
        low if low == high else None,
        low,
        high,
        findings,
        drivers,
        tuple(missing),
        tuple(decisions),
        "ASTCT-2019",
        text + ".",
    )


def valid(record: dict[str, Any]) -> CrsAssessment | None:
    try:
        return CrsAssessment.model_validate(record)
    except ValidationError:
        return None


@st.composite
def numeric_records(draw: st.DrawFn) -> dict[str, Any]:
    """CRS records with the numbers that the kept analyses are keyed on: zeros of both signs,
    ages and systolic pressures at the PALS cut-offs, flows at 6 L/min."""
    record = draw(crs_records())
    if draw(st.booleans()):
        record.pop("hypotension", None)
        record["systolic_bp_mmhg"] = draw(st.sampled_from([20.0, 59.99, 60, 69.5, 78, 89.99, 90]))
        record["age_years"] = draw(
            st.sampled_from([0.0, -0.0, 0.01, 0.5, 1.0, 4.99, 10.0, 10.5, 40.0])
        )
    if draw(st.booleans()):
        device = draw(st.sampled_from(list(OxygenDevice)))
        oxygen: dict[str, Any] = {"device": device.value}
        if device is not OxygenDevice.ROOM_AIR:
            oxygen["flow_l_min"] = draw(st.sampled_from([None, 0.0, -0.0, 4.0, 6.0, 6.004, 6.01]))
        record["oxygen"] = oxygen
    return record


@SETTINGS
@given(st.one_of(crs_records(), numeric_records()), OPTIONS)
def test_results_are_the_reference_results(record: dict[str, Any], options: CrsOptions) -> None:
    model = valid(record)
    assume(model is not None)
    assert model is not None
    result = grade_crs(model, options=options)
    expected = reference_result(model, options)
    assert result == expected
    assert result.to_json() == expected.to_json()
    assert grade_crs(record, options=options) == expected  # graded again: kept analyses


@SETTINGS
@given(st.one_of(crs_records(), numeric_records()), OPTIONS)
def test_results_are_those_the_constructors_build(
    record: dict[str, Any], options: CrsOptions
) -> None:
    model = valid(record)
    assume(model is not None)
    assert model is not None
    result = grade_crs(model, options=options)
    findings = tuple(
        Finding(*(getattr(finding, f.name) for f in fields(Finding))) for finding in result.findings
    )
    values = {f.name: getattr(result, f.name) for f in fields(GradeResult)}
    rebuilt = GradeResult(**{**values, "findings": findings})  # checks grade against its bounds
    assert rebuilt == result
    assert rebuilt.to_dict() == result.to_dict()


@SETTINGS
@given(st.one_of(crs_records(), numeric_records()), OPTIONS)
def test_kept_analyses_are_the_ones_computed_afresh(
    record: dict[str, Any], options: CrsOptions
) -> None:
    # With the keys grade_crs uses; zeros are kept too (validation makes -0.0 into 0.0).
    model = valid(record)
    assume(model is not None)
    assert model is not None
    if model.temperature is not None:
        reading = (model.temperature.value, model.temperature.unit, model.fever_other_cause)
        assert crs._measured_fever(*reading) == crs._measured_fever.__wrapped__(*reading)
    agents = None if model.vasopressors is None else tuple(v.agent for v in model.vasopressors)
    systolic, age = model.systolic_bp_mmhg, model.age_years
    if model.hypotension is None and systolic is not None and age is not None:
        derived = (None, systolic, age, agents, model.hypotension_other_cause)
        assert crs._hypotension_domain(*derived) == crs._hypotension_domain.__wrapped__(*derived)
    given = (model.hypotension, None, None, agents, model.hypotension_other_cause)
    assert crs._hypotension_domain(*given) == crs._hypotension_domain.__wrapped__(*given)
    if model.oxygen is not None:
        oxygen = (
            model.oxygen.device,
            model.oxygen.flow_l_min,
            model.hypoxia_other_cause,
            options.unlabelled_cannula_without_flow,
        )
        assert crs._hypoxia_domain(*oxygen) == crs._hypoxia_domain.__wrapped__(*oxygen)
    fever, other = model.fever, model.fever_other_cause
    assert crs._recorded_fever(fever, other) == crs._recorded_fever.__wrapped__(fever, other)
    assert crs._no_oxygen(model.hypoxia_other_cause) == crs._no_oxygen.__wrapped__(
        model.hypoxia_other_cause
    )
    death = model.death_due_to_crs
    assert crs._death(death) == crs._death.__wrapped__(death)
    levels = (0, 1), (1,), (0, 1), (2, 4), (1,), (0, 4), (0, 1)
    assert crs_bounds(levels, (0, 1)) == crs_bounds.__wrapped__(levels, (0, 1))


@pytest.mark.parametrize("first", [0.0, -0.0])
def test_a_negative_zero_flow_or_age_reads_as_zero(first: float) -> None:
    # -0.0 is made 0.0 on input (the validation layer, D15): an explanation never says "-0",
    # whichever of the two was graded first.
    for value in (first, -first):
        oxygen = {"device": "nasal_cannula", "flow_l_min": value}
        result = grade_crs({"oxygen": oxygen})
        assert "nasal cannula at 0 L/min" in result.explanation
        assert "-0" not in result.explanation
        record = {"systolic_bp_mmhg": 59.0, "age_years": value}
        assert "at age 0 y" in grade_crs(record).explanation
        assert math.copysign(1.0, CrsAssessment.model_validate(record).age_years or 1.0) == 1.0


@pytest.mark.parametrize("first", [0.0, -0.0])
@pytest.mark.parametrize(
    "device", ["nasal_cannula", "high_flow_nasal_cannula", "blow_by", "simple_facemask"]
)
def test_negative_zero_age_and_flow_give_the_json_of_zero(first: float, device: str) -> None:
    # Whichever sign is graded first (and kept), both give byte for byte the same result.
    def record(zero: float) -> dict[str, Any]:
        return {
            "temperature": {"value": 38.2, "unit": "C"},
            "systolic_bp_mmhg": 59.0,
            "age_years": zero,
            "oxygen": {"device": device, "flow_l_min": zero},
        }

    crs._hypotension_domain.cache_clear()
    crs._hypoxia_domain.cache_clear()
    texts = {grade_crs(record(zero)).to_json() for zero in (first, -first)}
    assert len(texts) == 1
    (text,) = texts
    assert "-0" not in text
    model = CrsAssessment.model_validate(record(-0.0))
    assert model.oxygen is not None
    assert math.copysign(1.0, model.oxygen.flow_l_min or 0.0) == 1.0
    assert math.copysign(1.0, model.age_years or 0.0) == 1.0


def test_tables() -> None:
    assert crs._DECISIONS[0] == ()
    assert crs._DECISIONS[-1] == ("D1", "D2", "D3", "D4", "D5", "D6", "D13", "D14")
    assert crs._DECISIONS[crs._D3 | crs._D14] == ("D3", "D14")
    assert crs._DRIVERS[True, False, True] == ("fever", "hypoxia")
    assert crs._GRADE_TEXT[2, 2] == "CRS grade 2: "
    assert crs._GRADE_TEXT[1, 4] == "CRS grade 1 to 4 (undetermined): "
    for death in FLAG:
        finding, level, _, part = crs._death(death)
        assert level == crs._FLAG[death]
        assert part == ("" if death is False else f"; {finding.detail}")
    for fever, other in product(FLAG, FLAG):
        domain = crs._recorded_fever(fever, other)
        assert domain.finding.assessed is (fever is not None)
    assert (
        crs._no_oxygen(None).finding.detail == "oxygen support not assessed, attribution not known"
    )
    assert vasopressor_grade([VasopressorAgent.VASOPRESSIN]) == 3


def test_tables_built_again_are_the_same() -> None:
    def tables() -> tuple[Any, ...]:
        return (
            tuple(crs._recorded_fever(f, o) for f, o in product(FLAG, FLAG)),
            tuple(crs._no_oxygen(o) for o in FLAG),
            tuple(crs._death(d) for d in FLAG),
        )

    before = tables()
    for table in (crs._recorded_fever, crs._no_oxygen, crs._death, crs_bounds):
        table.cache_clear()
    assert tables() == before
