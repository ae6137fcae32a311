"""ICANS grading agrees with the one engine, and its shortcuts with the general path (D13).

* The guarded early return for a record whose instrument and consciousness inputs are all known
  equals the enumeration of the coupled domain (core.bounds), and does not enumerate.
* A known level of consciousness is read as the enumeration reads it.
* Each kept outcome (seizure, motor, ICP) is the one computed afresh.
* Results are those the public constructors build.
* The whole grade equals ``core.bounds.exhaustive`` over every input of every domain: the lowest
  and highest grade, and the inputs listed in ``missing``, in order.
"""

from __future__ import annotations

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
from astct_grading.criteria.icans import (
    CAPD_ITEMS,
    CONSCIOUSNESS_GRADES,
    ICE_ITEMS,
    ICP_GRADES,
    MOTOR_GRADES,
)
from astct_grading.icans import (
    CapdAnswer,
    ConsciousnessLevel,
    IcansAssessment,
    IcansOptions,
    IcpFinding,
    MotorFinding,
    grade_icans,
)
from astct_grading.icans.domains import (
    FLAG,
    coupled_domain,
    coupled_inputs,
    coupled_rule,
    graded_rule,
    instrument_and_consciousness,
    seizure_inputs,
    seizure_rule,
)
from astct_grading.icans.explain import consciousness_detail, part
from astct_grading.icans.findings import (
    consciousness_known,
    finding,
    icp_outcome,
    motor_outcome,
    seizure_outcome,
)
from astct_grading.icans.models import DEFAULT_OPTIONS

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
FLAG_VALUES = st.sampled_from([False, True, None])


@st.composite
def ice_records(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["items", "some_items", "total", "not_performed"]))
    if kind == "not_performed":
        return {"not_performed": draw(st.sampled_from(["sedated_or_intubated", "unarousable"]))}
    if kind == "total":
        return {"total": draw(st.integers(0, 10))}
    items = {item.name: draw(st.integers(0, 1)) for item in ICE_ITEMS}
    if kind == "some_items":
        for name in draw(st.lists(st.sampled_from(list(items)), max_size=4, unique=True)):
            del items[name]
    return items


@st.composite
def capd_records(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["answers", "some_answers", "total", "not_performed", "rass"]))
    if kind == "not_performed":
        return {
            "not_performed": draw(
                st.sampled_from(["deep_sedation", "neuromuscular_blockade", "unable"])
            )
        }
    if kind == "total":
        return {"total": draw(st.integers(0, 32))}
    if kind == "rass":
        return {"rass": draw(st.integers(-5, -4))}
    answers = {item.name: draw(st.sampled_from(list(CapdAnswer))).value for item in CAPD_ITEMS}
    if kind == "some_answers":
        for name in draw(st.lists(st.sampled_from(list(answers)), max_size=3, unique=True)):
            del answers[name]
    return answers


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """ICANS records, mostly complete, so that both the early return and the engine run."""
    complete = draw(st.booleans())

    def field(strategy: st.SearchStrategy[Any]) -> Any:
        return draw(strategy if complete else st.one_of(strategy, st.none()))

    record: dict[str, Any] = {
        "age_years": field(st.sampled_from([3.0, 11.99, 11.995, 12.0, 45.0])),
        "developmental_delay": field(st.booleans()),
        "ice": field(ice_records()),
        "capd": draw(st.one_of(capd_records(), st.none())),
        "encephalopathy_other_cause": draw(FLAG_VALUES),
        "consciousness": field(st.sampled_from([level.value for level in ConsciousnessLevel])),
        "consciousness_other_cause": draw(FLAG_VALUES),
        "global_aphasia": draw(FLAG_VALUES),
        "seizure": field(st.booleans()),
        "seizure_duration_min": draw(st.sampled_from([None, 1.0, 5.0, 5.004, 5.005, 30.0])),
        "seizure_over_5_min": draw(FLAG_VALUES),
        "seizure_without_return_to_baseline": draw(FLAG_VALUES),
        "seizure_other_cause": draw(FLAG_VALUES),
        "motor": field(st.sampled_from([finding.value for finding in MotorFinding])),
        "motor_other_cause": draw(FLAG_VALUES),
        "icp": field(st.lists(st.sampled_from([f.value for f in IcpFinding]), max_size=2)),
        "icp_other_cause": draw(FLAG_VALUES),
        "tremor": draw(FLAG_VALUES),
        "intracranial_haemorrhage": draw(FLAG_VALUES),
        "death_due_to_icans": draw(st.sampled_from([False, False, True, None])),
    }
    return {name: value for name, value in record.items() if value is not None}


def valid(record: dict[str, Any]) -> IcansAssessment | None:
    try:
        return IcansAssessment.model_validate(record)
    except ValidationError:
        return None


OPTIONS = st.sampled_from([IcansOptions(), IcansOptions(ice_min_age_years=13.0)])


# --- The early return for known inputs == the enumeration ------------------------------------


@SETTINGS
@given(records(), OPTIONS)
def test_the_early_return_agrees_with_the_enumeration(
    record: dict[str, Any], options: IcansOptions
) -> None:
    model = valid(record)
    assume(model is not None)
    assert model is not None
    coupled, _, _ = instrument_and_consciousness(model, options)
    assert coupled == coupled_domain(coupled_inputs(model, options))


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
    before = coupled_domain.cache_info()
    direct = instrument_and_consciousness(model, DEFAULT_OPTIONS)
    after = coupled_domain.cache_info()
    # Evaluated directly: the enumeration (and its cache) is not touched.
    assert (after.hits, after.misses) == (before.hits, before.misses)
    enumerated = coupled_domain(coupled_inputs(model, DEFAULT_OPTIONS))
    assert direct[0] == enumerated
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
    before = coupled_domain.cache_info()
    result = grade_icans(model)
    after = coupled_domain.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)
    assert (result.grade_min, result.grade_max) == (1, 4)  # seizure, motor and ICP not assessed


# --- A known level of consciousness; kept outcomes; the constructors -------------------------


@SETTINGS
@given(records(), OPTIONS)
def test_a_known_level_of_consciousness_reads_as_the_enumeration_does(
    record: dict[str, Any], options: IcansOptions
) -> None:
    model = valid(record)
    assume(model is not None)
    assert model is not None
    level, sedated = model.consciousness, model.consciousness_other_cause
    assume(level is not None and sedated is not None)
    assert level is not None
    assert sedated is not None
    coupled = coupled_domain(coupled_inputs(model, options))
    general = Finding(
        "consciousness",
        True,
        bool(coupled.domain[1][0]) if coupled.domain[1][0] == coupled.domain[1][1] else None,
        sedated,
        coupled.consciousness[0],
        coupled.consciousness[1],
        consciousness_detail(model) + (", attributed to another cause" if sedated else ""),
    )
    known, words = consciousness_known(level, sedated)
    assert known == general
    assert words == part(general)


@SETTINGS
@given(records())
def test_kept_outcomes_are_the_ones_computed_afresh(record: dict[str, Any]) -> None:
    model = valid(record)
    assume(model is not None)
    assert model is not None
    seizure = (
        model.seizure,
        model.seizure_duration_min,
        model.seizure_over_5_min,
        model.seizure_without_return_to_baseline,
        model.seizure_other_cause,
    )
    motor = (model.motor, model.motor_other_cause)
    icp = (model.icp, model.icp_other_cause)
    kept = (seizure_outcome(*seizure), motor_outcome(*motor), icp_outcome(*icp))
    for outcome in (seizure_outcome, motor_outcome, icp_outcome):
        outcome.cache_clear()
    assert (seizure_outcome(*seizure), motor_outcome(*motor), icp_outcome(*icp)) == kept


@SETTINGS
@given(records(), OPTIONS)
def test_results_are_those_the_constructors_build(
    record: dict[str, Any], options: IcansOptions
) -> None:
    model = valid(record)
    assume(model is not None)
    assert model is not None
    result = grade_icans(model, options=options)
    findings = tuple(
        Finding(*(getattr(finding, f.name) for f in fields(Finding))) for finding in result.findings
    )
    values = {f.name: getattr(result, f.name) for f in fields(GradeResult)}
    rebuilt = GradeResult(**{**values, "findings": findings})  # checks grade against its bounds
    assert rebuilt == result
    assert rebuilt.to_dict() == result.to_dict()
    assert grade_icans(record, options=options) == result


def test_a_finding_reads_its_ranges() -> None:
    item = finding("icp", True, (1, 1), True, (0, 0), "focal oedema")
    assert item == Finding(
        "icp", True, True, True, 0, 0, "focal oedema, attributed to another cause"
    )
    assert finding("icp", False, (0, 1), None, (0, 3), "x").present is None


# --- The whole grade == core.bounds.exhaustive ----------------------------------------------

#: Coupled, seizure, motor and ICP inputs, then death: how many of each.
_SIZES = (8, 4, 2, 2)


def _whole_rule(*values: Any) -> int | None:
    """The ICANS grade at one combination of every input: death (D6), else the worst domain."""
    coupled = coupled_rule(*values[:8])
    seizure = seizure_rule(*values[8:12])
    if coupled is None or seizure is None:
        return None
    if values[16]:
        return DEATH_GRADE
    _, encephalopathy, consciousness = coupled
    return max(
        encephalopathy,
        consciousness,
        seizure,
        graded_rule(values[12], values[13]),
        graded_rule(values[14], values[15]),
    )


def _whole_inputs(model: IcansAssessment, options: IcansOptions) -> list[tuple[Any, ...]]:
    motor = model.motor
    icp = model.icp
    return [
        *coupled_inputs(model, options),
        *seizure_inputs(
            model.seizure,
            model.seizure_duration_min,
            model.seizure_over_5_min,
            model.seizure_without_return_to_baseline,
            model.seizure_other_cause,
        ),
        (0, 4) if motor is None else (MOTOR_GRADES[motor],),
        FLAG[model.motor_other_cause],
        (0, 3, 4) if icp is None else (max((ICP_GRADES[f] for f in icp), default=0),),
        FLAG[model.icp_other_cause],
        FLAG[model.death_due_to_icans],
    ]


def _fields(model: IcansAssessment, position: int) -> tuple[str, ...]:
    """The input fields one position of :func:`_whole_inputs` stands for."""
    if position == 2:
        if model.ice is None:
            return ("ice",)
        return tuple(
            f"ice.{item.name}" for item in ICE_ITEMS if getattr(model.ice, item.name) is None
        )
    if position == 3:
        if model.capd is None:
            return ("capd",)
        return tuple(
            f"capd.{item.name}" for item in CAPD_ITEMS if getattr(model.capd, item.name) is None
        )
    return (
        ("age_years",),
        ("developmental_delay",),
        (),
        (),
        ("consciousness",),
        ("global_aphasia",),
        ("consciousness_other_cause",),
        ("encephalopathy_other_cause",),
        ("seizure",),
        ("seizure_duration_min", "seizure_over_5_min"),
        ("seizure_without_return_to_baseline",),
        ("seizure_other_cause",),
        ("motor",),
        ("motor_other_cause",),
        ("icp",),
        ("icp_other_cause",),
        ("death_due_to_icans",),
    )[position]


#: The domains' positions among the whole inputs, and each domain's rule.
_DOMAINS: tuple[tuple[range, Any], ...] = (
    (range(0, 8), lambda *v: None if (c := coupled_rule(*v)) is None else max(c[1], c[2])),
    (range(8, 12), seizure_rule),
    (range(12, 14), graded_rule),
    (range(14, 16), graded_rule),
)


def _clip(low: int, high: int, floor: int) -> tuple[int, int]:
    return max(low, floor), max(high, floor)


def _domain_matters(rule: Any, inputs: list[tuple[Any, ...]], floor: int) -> list[int]:
    """Brute force, written apart from the engine: the positions of a domain's inputs that matter
    above ``floor`` (the grade the other domains reach anyway). An input matters when two
    feasible combinations differing in it alone give grades that differ above the floor, or when
    fixing it at one of its values changes the domain's range above the floor (a value can rule
    combinations out: an awake patient with global aphasia is not unarousable)."""
    found = {c: g for c in product(*inputs) if (g := rule(*c)) is not None}
    whole = _clip(min(found.values()), max(found.values()), floor)
    matters = []
    for i, values in enumerate(inputs):
        if len(values) < 2:
            continue
        toggles = any(
            max(g, floor) != max(found.get((*c[:i], v, *c[i + 1 :]), g), floor)
            for c, g in found.items()
            for v in values
        )
        narrows = any(
            _clip(min(gs), max(gs), floor) != whole
            for v in values
            if (gs := [g for c, g in found.items() if c[i] == v])
        )
        if toggles or narrows:
            matters.append(i)
    return matters


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(records(), OPTIONS)
def test_the_grade_is_the_exhaustive_definition(
    record: dict[str, Any], options: IcansOptions
) -> None:
    model = valid(record)
    assume(model is not None)
    assert model is not None
    inputs = _whole_inputs(model, options)
    size = 1
    for values in inputs:
        size *= len(values)
    assume(size <= 4096)  # exhaustive is exponential: records with a few unknowns
    low, high, _ = exhaustive(_whole_rule, inputs)
    result = grade_icans(model, options=options)
    # The bounds are the whole rule's over every completion of the unknowns.
    assert (result.grade_min, result.grade_max) == (low, high)
    # The missing inputs (D13): within each domain, with the other domains at their lowest, the
    # inputs whose value could change the grade or its range; death whenever it is unknown.
    expected: list[str] = []
    if low != high:
        lows = []
        for positions, rule in _DOMAINS:
            grades = [
                g for c in product(*(inputs[p] for p in positions)) if (g := rule(*c)) is not None
            ]
            lows.append(min(grades))
        for index, (positions, rule) in enumerate(_DOMAINS):
            floor = max(lows[:index] + lows[index + 1 :])
            own = [inputs[p] for p in positions]
            for i in _domain_matters(rule, own, floor):
                expected.extend(_fields(model, positions[i]))
        if len(inputs[16]) > 1:
            expected.extend(_fields(model, 16))
    assert result.missing == tuple(expected)
