"""The fast paths of CRS grading agree with the general ones (docs/performance.md).

``grade_crs`` reads the grade's bounds and the inputs that matter directly from the domains'
levels instead of trying every combination of their ends with ``_bounds.grade_bounds``; it keeps
each domain's analysis per pattern of its inputs; it builds findings and results by setting their
slots; and it reads decisions, drivers and the explanation's fixed phrases from tables built at
import. The validation of bounded numbers uses one Python check instead of pydantic's two, and a
temperature inside the plausible range in its own unit skips the conversion. Each shortcut is
checked here against the general computation it replaces.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import fields
from itertools import product
from typing import Annotated, Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError

from astct_grading.core.bounds import Level, grade_bounds
from astct_grading.core.results import _FINDING_FIELDS, _RESULT_FIELDS, Finding, GradeResult
from astct_grading.core.validation import (
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
    AgeYears,
    FiniteFloat,
    Fio2,
    FlowLMin,
    Temperature,
    TemperatureUnit,
    standard_bounds,
    to_celsius,
)
from astct_grading.criteria.crs import (
    DEATH_GRADE,
    FEVER_ONLY_GRADE,
    OxygenDevice,
    VasopressorAgent,
)
from astct_grading.crs import grading as crs
from astct_grading.crs.grading import CrsAssessment, CrsOptions, SystolicMmhg, grade_crs
from tests.crs_inputs import crs_records

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
OPTIONS = st.sampled_from([CrsOptions(), CrsOptions("unknown")])
FLAG: list[bool | None] = [None, True, False]


# --- The reference: the grade over eight levels, bounded by grade_bounds -----------------------


def reference_grade(levels: Sequence[int]) -> int:
    """The CRS grade at one completion, written out from the criteria (as before the fast path).

    Levels: fever present, fever not attributed, waiver, hypotension grade, hypotension not
    attributed, hypoxia grade, hypoxia not attributed, death due to CRS.
    """
    fever, fever_own, waiver, hypo, hypo_own, oxy, oxy_own, death = levels
    if death:
        return DEATH_GRADE
    support = max(hypo * hypo_own, oxy * oxy_own)
    if fever and fever_own:
        return max(FEVER_ONLY_GRADE, support)
    if waiver:
        return support
    return 0


FLAG_LEVELS: list[Level] = [(0, 0), (1, 1), (0, 1)]
# Every range of grades 0-4 (1 included, though no hypotension or hypoxia grades 1).
GRADE_LEVELS: list[Level] = [(low, high) for low in range(5) for high in range(low, 5)]


def direct_bounds(levels: Sequence[Level]) -> tuple[int, int, tuple[int, ...]]:
    """What grade_crs computes from the levels: the grade at both ends and the open inputs."""
    fever, fever_own, waiver, hypo, hypo_own, oxy, oxy_own, death = levels
    ends = [
        crs._grade_at(
            fever[end] * fever_own[end],
            waiver[end],
            max(hypo[end] * hypo_own[end], oxy[end] * oxy_own[end]),
            death[end],
        )
        for end in (0, 1)
    ]
    low, high = ends
    if low == high:
        return low, high, ()
    return low, high, crs._open_inputs(*levels)


def test_the_grade_at_one_completion_is_the_reference() -> None:
    for levels in product((0, 1), (0, 1), (0, 1), range(5), (0, 1), range(5), (0, 1), (0, 1)):
        fever, fever_own, waiver, hypo, hypo_own, oxy, oxy_own, death = levels
        support = max(hypo * hypo_own, oxy * oxy_own)
        assert crs._grade_at(fever * fever_own, waiver, support, death) == reference_grade(levels)


def test_direct_bounds_agree_with_grade_bounds_on_every_pattern() -> None:
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
        assert direct_bounds(levels) == grade_bounds(reference_grade, levels), levels
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
def test_direct_bounds_agree_with_grade_bounds(levels: tuple[Level, ...]) -> None:
    assert direct_bounds(levels) == grade_bounds(reference_grade, levels)


# --- The reference result, built as before the fast path --------------------------------------


def reference_result(a: CrsAssessment, options: CrsOptions) -> GradeResult:
    """grade_crs as it was: each domain's rule, grade_bounds, and the results' constructors."""
    if a.temperature is not None:
        present, fever_detail = crs._fever_reading(a.temperature.value, a.temperature.unit)
        fever = crs._FLAG[present]
    elif a.fever is not None:
        fever = crs._FLAG[a.fever]
        fever_detail = "fever recorded" if a.fever else "no fever recorded"
    else:
        fever, fever_detail = (0, 1), "temperature not assessed"
    agents = None if a.vasopressors is None else tuple(v.agent for v in a.vasopressors)
    hypo, hypo_detail, hypo_missing, derived = crs._hypotension(
        a.hypotension, a.systolic_bp_mmhg, a.age_years, agents
    )
    if a.oxygen is None:
        oxy, oxy_detail = (0, 4), "oxygen support not assessed"
    else:
        oxy, oxy_detail = crs._hypoxia(
            a.oxygen.device, a.oxygen.flow_l_min, options.unlabelled_cannula_without_flow
        )
    fever_own = crs._OWN[a.fever_other_cause]
    hypo_own = crs._OWN[a.hypotension_other_cause]
    oxy_own = crs._OWN[a.hypoxia_other_cause]
    death = crs._FLAG[a.death_due_to_crs]
    levels = (fever, fever_own, crs._FLAG[a.fever_waiver], hypo, hypo_own, oxy, oxy_own, death)
    low, high, matters = grade_bounds(reference_grade, levels)
    counts = (fever[0] & fever_own[0], fever[1] & fever_own[1])
    findings = (
        Finding(
            "fever",
            a.temperature is not None or a.fever is not None,
            None if fever[0] != fever[1] else bool(fever[0]),
            a.fever_other_cause,
            FEVER_ONLY_GRADE * counts[0],
            FEVER_ONLY_GRADE * counts[1],
            crs._attributed(fever_detail, a.fever_other_cause),
        ),
        Finding(
            "hypotension",
            not hypo_missing,
            crs._present(hypo),
            a.hypotension_other_cause,
            hypo[0] * hypo_own[0],
            hypo[1] * hypo_own[1],
            crs._attributed(hypo_detail, a.hypotension_other_cause),
        ),
        Finding(
            "hypoxia",
            a.oxygen is not None,
            crs._present(oxy),
            a.hypoxia_other_cause,
            oxy[0] * oxy_own[0],
            oxy[1] * oxy_own[1],
            crs._attributed(oxy_detail, a.hypoxia_other_cause),
        ),
        Finding(
            "death",
            a.death_due_to_crs is not None,
            a.death_due_to_crs,
            None,
            DEATH_GRADE * death[0],
            DEATH_GRADE * death[1],
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
    # With the keys grade_crs uses; a zero age or flow is never kept (see the next test).
    model = valid(record)
    assume(model is not None)
    assert model is not None
    if model.temperature is not None:
        reading = (model.temperature.value, model.temperature.unit, model.fever_other_cause)
        assert crs._measured_fever(*reading) == crs._measured_fever.__wrapped__(*reading)
    agents = None if model.vasopressors is None else tuple(v.agent for v in model.vasopressors)
    systolic, age = model.systolic_bp_mmhg, model.age_years
    if model.hypotension is None and systolic is not None and age:
        derived = (None, systolic, age, agents, model.hypotension_other_cause)
        assert crs._hypotension_domain(*derived) == crs._hypotension_domain.__wrapped__(*derived)
    given = (model.hypotension, None, None, agents, model.hypotension_other_cause)
    assert crs._hypotension_domain(*given) == crs._hypotension_domain.__wrapped__(*given)
    if model.oxygen is not None and (model.oxygen.flow_l_min or model.oxygen.flow_l_min is None):
        oxygen = (
            model.oxygen.device,
            model.oxygen.flow_l_min,
            model.hypoxia_other_cause,
            options.unlabelled_cannula_without_flow,
        )
        assert crs._hypoxia_domain(*oxygen) == crs._hypoxia_domain.__wrapped__(*oxygen)


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


def test_tables_built_at_import() -> None:
    assert tuple(f.name for f in fields(Finding)) == _FINDING_FIELDS
    assert tuple(f.name for f in fields(GradeResult)) == _RESULT_FIELDS
    assert crs._DECISIONS[0] == ()
    assert crs._DECISIONS[-1] == ("D1", "D2", "D3", "D4", "D5", "D6", "D13", "D14")
    assert crs._DECISIONS[crs._D3 | crs._D14] == ("D3", "D14")
    assert crs._DRIVERS[True, False, True] == ("fever", "hypoxia")
    assert crs._GRADE_TEXT[2, 2] == "CRS grade 2: "
    assert crs._GRADE_TEXT[1, 4] == "CRS grade 1 to 4 (undetermined): "
    for death in FLAG:
        finding, level, _, part = crs._DEATH[death]
        assert level == crs._FLAG[death]
        assert part == ("" if death is False else f"; {finding.detail}")
    for fever, other in product(FLAG, FLAG):
        domain = crs._RECORDED_FEVER[fever, other]
        assert domain.finding.assessed is (fever is not None)
    assert (
        crs._NO_OXYGEN[None].finding.detail == "oxygen support not assessed, attribution not known"
    )
    assert crs.vasopressor_grade([VasopressorAgent.VASOPRESSIN]) == 3


def test_tables_built_again_are_the_same() -> None:
    tables = (crs._RECORDED_FEVER, crs._NO_OXYGEN, crs._DEATH)
    crs._build_tables()
    assert tables == (crs._RECORDED_FEVER, crs._NO_OXYGEN, crs._DEATH)


# --- Validation: the bounds and the temperature range ------------------------------------------

#: The bounded types as pydantic builds them from Field(ge=..., le=...) after FiniteFloat.
REFERENCE_TYPES: list[tuple[Any, Any]] = [
    (FlowLMin, Annotated[FiniteFloat, Field(ge=0, le=80)]),
    (Fio2, Annotated[FiniteFloat, Field(ge=0.21, le=1.0)]),
    (AgeYears, Annotated[FiniteFloat, Field(ge=0, le=130)]),
    (SystolicMmhg, Annotated[FiniteFloat, Field(ge=20, le=300)]),
]
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1, max_value=310),
    st.integers(-10, 400),
    st.sampled_from([0, -0.0, 0.21, 0.2099, 1.0, 1.0001, 20, 19.99, 80, 80.5, 130, 300, 300.01]),
    st.sampled_from(["5", " 6.5 ", "-1", "nan", "inf", "1e400", "x", b"12", True, False, None]),
    st.sampled_from([[], {}, 10**400]),
)


def outcome(adapter: TypeAdapter[Any], value: Any) -> Any:
    try:
        return ("ok", repr(adapter.validate_python(value)))
    except ValidationError as error:
        return [
            (e["type"], e["loc"], e["msg"], repr(e["input"]), repr(e.get("ctx")))
            for e in error.errors()
        ]


@pytest.mark.parametrize(("fast", "reference"), REFERENCE_TYPES)
def test_bounded_numbers_publish_the_same_schema(fast: Any, reference: Any) -> None:
    # The same bounds, in the standard JSON Schema keywords (pydantic would write ``ge``/``le``
    # for the reference's bounds, checked after a Python validator).
    for kind in (fast, fast | None):
        other = reference if kind is fast else reference | None
        for mode in ("validation", "serialization"):
            expected = standard_bounds(TypeAdapter(other).json_schema(mode=mode))
            assert TypeAdapter(kind).json_schema(mode=mode) == expected


@SETTINGS
@given(NUMBERS)
def test_bounded_numbers_give_the_same_errors(value: Any) -> None:
    for fast, reference in REFERENCE_TYPES:
        assert outcome(TypeAdapter(fast), value) == outcome(TypeAdapter(reference), value)


def plausible_by_conversion(value: float, unit: TemperatureUnit) -> bool:
    return TEMPERATURE_MIN_C <= to_celsius(value, unit) <= TEMPERATURE_MAX_C


@SETTINGS
@given(
    st.one_of(
        st.floats(min_value=20, max_value=120),
        st.floats(min_value=20, max_value=120).map(lambda v: round(v, 2)),
        st.sampled_from([24.99, 24.994, 24.995, 25.0, 45.0, 45.004, 45.005, 45.01]),
        st.sampled_from([76.9, 76.99, 76.991, 77.0, 113.0, 113.008, 113.009, 113.01]),
    ),
    st.sampled_from(list(TemperatureUnit)),
)
def test_the_temperature_range_is_checked_as_by_conversion(
    value: float, unit: TemperatureUnit
) -> None:
    if plausible_by_conversion(value, unit):
        assert Temperature(value=value, unit=unit).celsius == to_celsius(value, unit)
    else:
        with pytest.raises(ValidationError) as info:
            Temperature(value=value, unit=unit)
        assert info.value.errors()[0]["type"] == "temperature_out_of_range"


def test_a_reading_rounded_into_the_range_is_accepted() -> None:
    # Outside 25-45 °C as given, inside once rounded to 0.01 °C (D14): converted, then accepted.
    assert Temperature(value=24.996, unit=TemperatureUnit.CELSIUS).celsius == 25.0
    assert Temperature(value=113.008, unit=TemperatureUnit.FAHRENHEIT).celsius == 45.0
