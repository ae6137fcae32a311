"""Hypothesis properties of CRS grading: the grade is the worst domain, never lowered by a worse
input; its bounds hold every completion of the unknown inputs and are reached (D13); inputs and
results round-trip through JSON."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from astct_grading import CrsAssessment, CrsOptions, GradeResult, Temperature, grade_crs
from astct_grading.criteria.crs import OXYGEN_DEVICES
from astct_grading.strategies import crs_assessments
from tests.crs_inputs import completions, crs_records


@given(crs_records())
def test_bounds_are_sound_and_tight(record: dict[str, Any]) -> None:
    result = grade_crs(record)
    grades = {grade_crs(completion).grade for completion in completions(record)}
    assert None not in grades
    assert min(g for g in grades if g is not None) == result.grade_min
    assert max(g for g in grades if g is not None) == result.grade_max


@given(crs_records())
def test_determined_exactly_when_no_missing_input_matters(record: dict[str, Any]) -> None:
    result = grade_crs(record)
    assert (result.grade is None) == bool(result.missing)
    assert result.grade_min <= result.grade_max


@given(crs_records(complete=True))
def test_complete_records_are_determined(record: dict[str, Any]) -> None:
    assert grade_crs(record).grade is not None


@given(crs_records(complete=True))
def test_grade_is_the_maximum_over_domains(record: dict[str, Any]) -> None:
    result = grade_crs(record)
    assert result.grade is not None
    fever, hypotension, hypoxia, death = (f.grade for f in result.findings)
    assert None not in (fever, hypotension, hypoxia, death)
    if death:
        assert result.grade == 5
    elif fever or record.get("fever_waiver"):
        assert result.grade == max(fever or 0, hypotension or 0, hypoxia or 0)
    else:
        assert result.grade == 0
    for domain in result.drivers:
        assert result.finding(domain).grade == result.grade


FIXED_DEVICES = [device for device, rule in OXYGEN_DEVICES.items() if not rule.flow_decides]


def _hypoxia_max(record: dict[str, Any]) -> int:
    """The most the record's oxygen support can contribute (ignoring attribution)."""
    probe = {"fever": True, "oxygen": record["oxygen"]}
    return grade_crs(probe).finding("hypoxia").grade_max


def _worsenings(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Records that differ from ``record`` by one input made worse."""
    worse: list[dict[str, Any]] = []
    temperature = record.get("temperature")
    if temperature is not None and temperature["value"] < 40:
        worse.append({**record, "temperature": {**temperature, "value": temperature["value"] + 1}})
    for cause in ("fever_other_cause", "hypotension_other_cause", "hypoxia_other_cause"):
        if record.get(cause) is True:
            worse.append({**record, cause: False})
    if record.get("fever_waiver") is False:
        worse.append({**record, "fever_waiver": True})
    if record.get("hypotension") is False and not record.get("vasopressors"):
        worse.append({**record, "hypotension": True})
    pressors = record.get("vasopressors")
    if pressors is not None:
        for agent in ("norepinephrine", "vasopressin", "epinephrine"):
            worse.append({**record, "hypotension": True, "vasopressors": [*pressors, agent]})
    oxygen = record.get("oxygen")
    if oxygen is not None:
        flow = oxygen.get("flow_l_min")
        if flow is not None and flow <= 70:
            worse.append({**record, "oxygen": {**oxygen, "flow_l_min": flow + 5}})
        current = _hypoxia_max(record)
        for device in FIXED_DEVICES:
            if OXYGEN_DEVICES[device].grade >= current:
                worse.append({**record, "oxygen": {"device": device.value}})
    if record.get("death_due_to_crs") is False:
        worse.append({**record, "death_due_to_crs": True})
    return worse


@given(crs_records())
def test_worsening_one_input_never_lowers_the_grade(record: dict[str, Any]) -> None:
    before = grade_crs(record)
    for worse in _worsenings(record):
        after = grade_crs(worse)
        assert after.grade_min >= before.grade_min, worse
        assert after.grade_max >= before.grade_max, worse


@given(crs_records())
def test_filling_in_an_unknown_narrows_the_range(record: dict[str, Any]) -> None:
    before = grade_crs(record)
    for completion in completions(record):
        after = grade_crs(completion)
        assert before.grade_min <= after.grade_min <= after.grade_max <= before.grade_max


@given(crs_records())
def test_json_round_trip(record: dict[str, Any]) -> None:
    model = CrsAssessment.model_validate(record)
    assert CrsAssessment.model_validate_json(model.model_dump_json()) == model
    for part in (model.temperature, model.oxygen, *(model.vasopressors or ())):
        if part is not None:
            assert type(part).model_validate_json(part.model_dump_json()) == part


@given(crs_records())
def test_dict_and_model_give_the_same_result(record: dict[str, Any]) -> None:
    model = CrsAssessment.model_validate(record)
    from_model = grade_crs(model)
    assert grade_crs(record) == from_model
    assert grade_crs(model.model_dump(mode="json")) == from_model
    assert grade_crs(model.model_dump()) == from_model


@given(crs_records())
def test_result_round_trips_as_json(record: dict[str, Any]) -> None:
    result = grade_crs(record)
    data = json.loads(result.to_json())
    assert data["grade"] == result.grade
    assert data["findings"][0]["domain"] == "fever"
    assert isinstance(result, GradeResult)


@given(st.floats(min_value=77.0, max_value=113.0, allow_nan=False).map(lambda v: round(v, 1)))
def test_fahrenheit_and_celsius_agree_on_fever(value: float) -> None:
    fahrenheit = Temperature.from_fahrenheit(value)
    celsius = Temperature.from_celsius(round((value - 32) * 5 / 9, 2))
    assert abs(fahrenheit.celsius - celsius.celsius) <= 0.01
    assert (fahrenheit.celsius >= 38.0) == (value >= 100.4)


@given(
    crs_assessments(completeness="any"),
    st.sampled_from([CrsOptions(), CrsOptions("unknown")]),
)
def test_result_json_is_its_dict(assessment: CrsAssessment, options: CrsOptions) -> None:
    result = grade_crs(assessment, options=options)
    assert json.loads(result.to_json()) == json.loads(json.dumps(result.to_dict()))
    assert grade_crs(assessment, options=options).to_json() == result.to_json()


@given(crs_assessments(completeness="partial"))
def test_the_bounds_are_those_of_the_domains(assessment: CrsAssessment) -> None:
    # The worst domain (D2-D5) with fever or the waiver (D1), or death (D6), at each end.
    result = grade_crs(assessment)
    fever, hypotension, hypoxia, death = result.findings
    support = (
        max(hypotension.grade_min, hypoxia.grade_min),
        max(hypotension.grade_max, hypoxia.grade_max),
    )
    waiver = {None: (0, 1), True: (1, 1), False: (0, 0)}[assessment.fever_waiver]
    for end in (0, 1):
        counts = (fever.grade_min, fever.grade_max)[end]
        if (death.grade_min, death.grade_max)[end]:
            expected = 5
        elif counts:
            expected = max(counts, support[end])
        else:
            expected = support[end] if waiver[end] else 0
        assert (result.grade_min, result.grade_max)[end] == expected
