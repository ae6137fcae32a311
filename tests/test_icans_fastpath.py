"""The fast paths of ICANS grading agree with the general ones (docs/performance.md).

``grade_icans`` evaluates the instrument and consciousness domains directly when all their inputs
are known, and enumerates them otherwise; it reads a known level of consciousness without the
enumeration; it keeps each independent domain's outcome once computed; and it builds findings and
results by setting their slots. Each shortcut is checked here against the general path.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from astct_grading.core.results import Finding, GradeResult
from astct_grading.criteria.icans import CAPD_ITEMS, ICE_ITEMS
from astct_grading.icans import grading as icans
from astct_grading.icans.grading import (
    CapdAnswer,
    ConsciousnessLevel,
    IcansAssessment,
    IcansOptions,
    IcpFinding,
    MotorFinding,
    grade_icans,
)

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
FLAG = st.sampled_from([False, True, None])


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
    """ICANS records, mostly complete, so that both the direct and the general paths run."""
    complete = draw(st.booleans())

    def field(strategy: st.SearchStrategy[Any]) -> Any:
        return draw(strategy if complete else st.one_of(strategy, st.none()))

    record: dict[str, Any] = {
        "age_years": field(st.sampled_from([3.0, 11.99, 11.995, 12.0, 45.0])),
        "developmental_delay": field(st.booleans()),
        "ice": field(ice_records()),
        "capd": draw(st.one_of(capd_records(), st.none())),
        "encephalopathy_other_cause": draw(FLAG),
        "consciousness": field(st.sampled_from([level.value for level in ConsciousnessLevel])),
        "consciousness_other_cause": draw(FLAG),
        "global_aphasia": draw(FLAG),
        "seizure": field(st.booleans()),
        "seizure_duration_min": draw(st.sampled_from([None, 1.0, 5.0, 5.004, 5.005, 30.0])),
        "seizure_over_5_min": draw(FLAG),
        "seizure_without_return_to_baseline": draw(FLAG),
        "seizure_other_cause": draw(FLAG),
        "motor": field(st.sampled_from([finding.value for finding in MotorFinding])),
        "motor_other_cause": draw(FLAG),
        "icp": field(st.lists(st.sampled_from([f.value for f in IcpFinding]), max_size=2)),
        "icp_other_cause": draw(FLAG),
        "tremor": draw(FLAG),
        "intracranial_haemorrhage": draw(FLAG),
        "death_due_to_icans": draw(st.sampled_from([False, False, True, None])),
    }
    return {name: value for name, value in record.items() if value is not None}


def valid(record: dict[str, Any]) -> IcansAssessment | None:
    try:
        return IcansAssessment.model_validate(record)
    except ValidationError:
        return None


OPTIONS = st.sampled_from([IcansOptions(), IcansOptions(ice_min_age_years=13.0)])


@SETTINGS
@given(records(), OPTIONS)
def test_direct_evaluation_agrees_with_the_enumeration(
    record: dict[str, Any], options: IcansOptions
) -> None:
    model = valid(record)
    assume(model is not None)
    assert model is not None
    direct = icans._instrument_and_consciousness(model, options)
    enumerated = icans._instrument_and_consciousness(model, options, direct=False)
    assert direct == enumerated


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
    coupled, _, _ = icans._instrument_and_consciousness(model, options, direct=False)
    general = Finding(
        "consciousness",
        True,
        bool(coupled.domain[1][0]) if coupled.domain[1][0] == coupled.domain[1][1] else None,
        sedated,
        coupled.consciousness[0],
        coupled.consciousness[1],
        icans._consciousness_detail(model) + (", attributed to another cause" if sedated else ""),
    )
    finding, part = icans._consciousness_known(level, sedated)
    assert finding == general
    assert part == icans._part(general)


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
    assert icans._seizure_outcome(*seizure) == icans._seizure_outcome.__wrapped__(*seizure)
    motor = (model.motor, model.motor_other_cause)
    assert icans._motor(*motor) == icans._motor.__wrapped__(*motor)
    icp = (model.icp, model.icp_other_cause)
    assert icans._icp(*icp) == icans._icp.__wrapped__(*icp)


def test_fast_constructors_set_every_field() -> None:
    assert tuple(f.name for f in fields(Finding)) == icans._FINDING_FIELDS
    assert tuple(f.name for f in fields(GradeResult)) == icans._RESULT_FIELDS
    finding = icans._finding("icp", True, (1, 1), True, (0, 0), "focal oedema")
    assert finding == Finding(
        "icp", True, True, True, 0, 0, "focal oedema, attributed to another cause"
    )
    assert icans._finding("icp", False, (0, 1), None, (0, 3), "x").present is None
