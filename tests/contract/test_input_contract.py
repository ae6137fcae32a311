"""The input models keep the contract exactly: nothing is coerced, repeated or guessed (D15).

Every boolean input takes true, false or null and nothing else; every numeric input takes a JSON
number (or a numeric string written as JSON writes a number) and nothing else; negative zero is
zero; no finite number, however large, escapes as anything but a ``ValidationError``; a key given
twice in JSON text is an error; an ICE of 0 in a patient unarousable from sedation is graded when
the encephalopathy is attributed to another cause, and rejected only while the record
contradicts itself (D9, D10).
"""

from __future__ import annotations

import contextlib
import json
import math
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from astct_grading import CrsAssessment, SledaiVisit, grade_icans
from astct_grading.core.json_keys import duplicate_key
from astct_grading.core.validation import (
    Temperature,
    TemperatureUnit,
    plain_number,
    quantize,
    to_celsius,
)
from astct_grading.course import Course
from astct_grading.criteria.icans import ICE_ITEMS
from astct_grading.crs.grading import OxygenSupport, Vasopressor
from astct_grading.icans import CapdAssessment, IcansAssessment, IceAssessment
from astct_grading.sle.response import DorisInput, LldasInput, Sri4Input
from astct_grading.sle.sledai import AntiDsDnaMeasurement, ComplementMeasurement

MODELS: tuple[type[BaseModel], ...] = (
    CrsAssessment,
    OxygenSupport,
    Vasopressor,
    Temperature,
    IcansAssessment,
    IceAssessment,
    CapdAssessment,
    SledaiVisit,
    ComplementMeasurement,
    AntiDsDnaMeasurement,
    Sri4Input,
    DorisInput,
    LldasInput,
    Course,
)


def _leaves(annotation: Any) -> Iterator[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _leaves(typing.get_args(annotation)[0])
    elif origin is typing.Union or origin is types.UnionType:
        for arg in typing.get_args(annotation):
            yield from _leaves(arg)
    else:
        yield annotation


def _fields(kind: type) -> list[tuple[type[BaseModel], str]]:
    """(model, field) for every field of the models whose only non-null type is ``kind``."""
    found = []
    for model in MODELS:
        for name, info in model.model_fields.items():
            leaves = [leaf for leaf in _leaves(info.annotation) if leaf is not type(None)]
            if leaves == [kind]:
                found.append((model, name))
    return found


BOOLEAN_FIELDS = _fields(bool)
FLOAT_FIELDS = _fields(float)
INT_FIELDS = _fields(int)


def test_the_tables_find_the_fields() -> None:
    # A guard on the introspection: the models' yes/no and numeric inputs are all reached.
    assert (CrsAssessment, "fever") in BOOLEAN_FIELDS
    assert (IcansAssessment, "seizure") in BOOLEAN_FIELDS
    assert (SledaiVisit, "rash") in BOOLEAN_FIELDS
    assert (Course, "patient_id") not in BOOLEAN_FIELDS
    assert (OxygenSupport, "flow_l_min") in FLOAT_FIELDS
    assert (Temperature, "value") in FLOAT_FIELDS
    assert (IceAssessment, "total") in INT_FIELDS
    assert len(BOOLEAN_FIELDS) >= 60
    assert len(FLOAT_FIELDS) >= 15


def _errors(model: type[BaseModel], data: Any) -> list[tuple[tuple[Any, ...], str]]:
    try:
        model.model_validate(data)
    except ValidationError as error:
        return [(tuple(e["loc"]), e["type"]) for e in error.errors()]
    return []


NOT_BOOLEANS = ["yes", "Y", "on", "t", "TRUE", "true", "1", "0", "off", "n", 1, 0, 1.0, 0.0, [], {}]


@pytest.mark.parametrize(("model", "name"), BOOLEAN_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_a_boolean_input_takes_true_false_or_null_and_nothing_else(
    model: type[BaseModel], name: str
) -> None:
    for value in NOT_BOOLEANS:
        errors = _errors(model, {name: value})
        assert ((name,), "bool_type") in errors, (value, errors)
        # The same through JSON text.
        with pytest.raises(ValidationError) as raised:
            model.model_validate_json(json.dumps({name: value}))
        assert (name,) in [tuple(e["loc"]) for e in raised.value.errors()]
    for value in (True, False, None):
        assert not [loc for loc, _ in _errors(model, {name: value}) if loc == (name,)], value


NOT_PLAIN_NUMBERS = [
    "3_8",
    "1_0",
    " 38.5",
    "38.5 ",
    "nan",
    "NaN",
    "inf",
    "-Infinity",
    "+1",
    "0x10",
    "01",
    "1.",
    ".5",
    "",
    "1,5",
    "٣",  # an Arabic-Indic digit: float() reads it, JSON does not
]


@pytest.mark.parametrize(
    ("model", "name"), FLOAT_FIELDS + INT_FIELDS, ids=lambda v: getattr(v, "__name__", v)
)
def test_a_number_is_never_read_from_text_other_than_a_plain_number(
    model: type[BaseModel], name: str
) -> None:
    for value in NOT_PLAIN_NUMBERS:
        errors = _errors(model, {name: value})
        assert ((name,), "number_format") in errors, (value, errors)
    for flag in (True, False):
        assert ((name,), "bool_not_number") in _errors(model, {name: flag})


@pytest.mark.parametrize("text", ["38.5", "38", "-1", "1e3", "3.85E1", "0", "-0.0"])
def test_a_number_given_as_text_is_refused_even_when_plain(text: str) -> None:
    # A number is a JSON number (the JSON Schema says so too); the message says what to do.
    with pytest.raises(ValidationError) as raised:
        OxygenSupport.model_validate({"device": "cpap", "flow_l_min": text})
    (error,) = raised.value.errors()
    assert (error["loc"], error["type"]) == (("flow_l_min",), "number_format")
    assert "without quotes" in error["msg"]
    assert plain_number(text)


@pytest.mark.parametrize(("model", "name"), FLOAT_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_negative_zero_is_zero(model: type[BaseModel], name: str) -> None:
    # The field alone, with its constraints (a FieldInfo is Annotated metadata).
    field = model.model_fields[name]
    adapter: TypeAdapter[Any] = TypeAdapter(
        typing.Annotated[field.annotation, field]  # type: ignore[arg-type]
    )
    for zero in (-0.0, "-0.0", "-0"):
        try:
            value = adapter.validate_python(zero)
        except ValidationError:
            continue  # zero is outside this field's range: nothing to read
        assert value == 0.0
        assert math.copysign(1.0, value) == 1.0, (model, name, zero)


def test_a_flow_of_negative_zero_reads_zero_in_the_explanation() -> None:
    from astct_grading import grade_crs

    result = grade_crs({"oxygen": {"device": "nasal_cannula", "flow_l_min": -0.0}})
    assert "nasal cannula at 0 L/min" in result.explanation
    assert "-0" not in result.explanation


@settings(max_examples=300, deadline=None)
@given(
    field=st.sampled_from(FLOAT_FIELDS + INT_FIELDS),
    value=st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([1e308, -1e308, 1.7976931348623157e308, 5e-324, 2.0**53, -(2.0**63)]),
        st.integers(min_value=-(10**30), max_value=10**30),
    ),
)
def test_any_finite_number_in_any_numeric_field_validates_or_is_a_validation_error(
    field: tuple[type[BaseModel], str], value: float
) -> None:
    model, name = field
    for data in ({name: value}, {name: value, "unit": "F"}, {name: value, "unit": "C"}):
        with contextlib.suppress(ValidationError):  # the one documented error for bad input
            model.model_validate(data)


@pytest.mark.parametrize("value", [1e308, -1e308, 1.7976931348623157e308, 2.0**60])
def test_a_huge_temperature_is_out_of_range_not_an_overflow(value: float) -> None:
    for unit in ("C", "F"):
        errors = _errors(CrsAssessment, {"temperature": {"value": value, "unit": unit}})
        assert errors == [(("temperature",), "temperature_out_of_range")]
        with pytest.raises(ValidationError):
            CrsAssessment.model_validate_json(
                json.dumps({"temperature": {"value": value, "unit": unit}})
            )


@pytest.mark.parametrize("value", [1e308, -1e308, 2.0**53, 1e15])
def test_rounding_is_safe_for_any_finite_number(value: float) -> None:
    assert quantize(value) == value
    assert math.isfinite(to_celsius(value, TemperatureUnit.FAHRENHEIT))


# --- Repeated keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "loc"),
    [
        ('{"hypotension": true, "hypotension": false}', ("hypotension",)),
        ('{"fever": true, "fever": true}', ("fever",)),
        ('{"temperature": {"value": 38, "unit": "C", "value": 39}}', ("temperature", "value")),
        (
            '{"vasopressors": [{"agent": "dopamine"}, {"agent": "vasopressin", "agent": "x"}]}',
            ("vasopressors", 1, "agent"),
        ),
        ('{"hypot\\u0065nsion": true, "hypotension": false}', ("hypotension",)),
    ],
)
def test_a_key_given_twice_is_an_error_naming_it(text: str, loc: tuple[Any, ...]) -> None:
    for data in (text, text.encode(), bytearray(text.encode())):
        with pytest.raises(ValidationError) as raised:
            CrsAssessment.model_validate_json(data)
        errors = raised.value.errors()
        assert [(tuple(e["loc"]), e["type"]) for e in errors] == [(loc, "duplicate_key")]
        assert repr(loc[-1]) in errors[0]["msg"]


def test_every_input_model_rejects_a_repeated_key() -> None:
    for model in MODELS:
        name = next(iter(model.model_fields))
        with pytest.raises(ValidationError) as raised:
            model.model_validate_json(f'{{"{name}": null, "{name}": null}}')
        assert raised.value.errors()[0]["type"] == "duplicate_key", model


def test_the_same_key_in_different_objects_is_no_repeat() -> None:
    record = (
        '{"temperature": {"value": 38.2, "unit": "C"}, "vasopressors": [{"agent": "dopamine"}, '
        '{"agent": "vasopressin"}], "hypotension": true}'
    )
    assert CrsAssessment.model_validate_json(record).temperature is not None
    assert duplicate_key(record) is None


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1',  # not JSON: validation reports it
        "[" * 100_000 + "]" * 100_000,  # too deep to read here: validation reports it
        '{"a\\"": 1, "a\\"": 2}',
    ],
)
def test_text_that_is_not_json_has_no_repeat_to_report(text: str) -> None:
    found = duplicate_key(text)
    assert found is None or found == ((), 'a"')


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": ',  # a key repeated in text that is not JSON
        '{"a": 1, "a": ' + "[" * 100_000 + "]" * 100_000 + "}",  # repeated, too deep to read
    ],
)
def test_a_repeat_in_text_that_cannot_be_read_is_left_to_validation(text: str) -> None:
    assert duplicate_key(text) is None
    with pytest.raises(ValidationError) as raised:
        CrsAssessment.model_validate_json(text)
    assert raised.value.errors()[0]["type"] in {"json_invalid", "recursion_loop"}


def test_keyword_arguments_reach_pydantic() -> None:
    with pytest.raises(ValidationError) as raised:
        CrsAssessment.model_validate_json('{"fever": 1}', strict=True)
    assert raised.value.errors()[0]["type"] == "bool_type"
    assert CrsAssessment.model_validate_json('{"fever": true}', context={"x": 1}).fever is True


# --- ICE 0 in a sedated patient (D9, D10) ---------------------------------------------------------

SEDATED_ICE_ZERO: list[dict[str, Any]] = [
    {"total": 0},
    {"not_performed": "unarousable"},
    dict.fromkeys((item.name for item in ICE_ITEMS), 0),
]


def _sedated(ice: dict[str, Any], encephalopathy_other_cause: bool | None) -> dict[str, Any]:
    return {
        "age_years": 40,
        "ice": ice,
        "consciousness": "unarousable",
        "consciousness_other_cause": True,
        "encephalopathy_other_cause": encephalopathy_other_cause,
        "seizure": False,
        "motor": "none",
        "icp": [],
    }


@pytest.mark.parametrize("ice", SEDATED_ICE_ZERO)
def test_ice_zero_from_sedation_with_the_deficit_attributed_elsewhere_is_graded(
    ice: dict[str, Any],
) -> None:
    # Unarousable from sedation (no grade, D9) and the encephalopathy attributed to another
    # cause: the ICE does not count, the record is coherent, and nothing else is found.
    result = grade_icans(_sedated(ice, True))
    assert (result.grade, result.grade_min, result.grade_max) == (0, 0, 0)
    assert "attributed to another cause" in result.explanation


@pytest.mark.parametrize("ice", SEDATED_ICE_ZERO)
@pytest.mark.parametrize("other", [False, None])
def test_ice_zero_from_sedation_that_could_count_is_rejected(
    ice: dict[str, Any], other: bool | None
) -> None:
    # While the ICE of 0 could count (attribution false or not known), a sedated patient's ICE
    # of 0 is no score: the record must say "not performed (sedated)" instead (D10).
    with pytest.raises(ValidationError) as raised:
        IcansAssessment.model_validate(_sedated(ice, other))
    assert [e["type"] for e in raised.value.errors()] == ["ice_zero_from_sedation"]


def test_a_seizure_still_grades_beside_a_sedated_ice_zero_attributed_elsewhere() -> None:
    record = {
        **_sedated({"total": 0}, True),
        "seizure": True,
        "seizure_over_5_min": False,
        "seizure_without_return_to_baseline": False,
    }
    assert grade_icans(record).grade == 3
