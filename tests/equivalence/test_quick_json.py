"""The quick reading of JSON text gives exactly what the model's full validation gives.

``InputModel.model_validate_json`` first tries :func:`astct_grading.core.quick_json.quick_reader`
and falls back to the full validation (the repeated-key scan, then pydantic with the Python
checks) when the quick reading refuses the text or cannot vouch for it. These tests compare the
two on every input model, on valid and invalid records written in several ways (compact, spaced,
indented), with keys repeated, negative zeros and numbers written as integers, exponents or
booleans: the quick reading either hands the text back or gives the same instance (same class,
values and fields set, nested models too), and ``model_validate_json`` gives the same instance or
the same errors as the full validation.
"""

from __future__ import annotations

import functools
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from astct_grading import CrsAssessment, SledaiVisit
from astct_grading.core.json_keys import duplicate_key, duplicate_key_error
from astct_grading.core.quick_json import quick_reader
from astct_grading.core.validation import InputModel, Within, _number
from astct_grading.course import Course
from astct_grading.icans import CapdAssessment, IcansAssessment, IceAssessment
from astct_grading.sle.response import DorisInput, LldasInput, Sri4Input
from astct_grading.strategies import records

MODELS: tuple[type[BaseModel], ...] = (
    CrsAssessment,
    IcansAssessment,
    IceAssessment,
    CapdAssessment,
    SledaiVisit,
    Sri4Input,
    DorisInput,
    LldasInput,
    Course,
)


def _full(model: type[BaseModel], data: bytes | str) -> BaseModel:
    """The full validation, as model_validate_json did it before the quick reading."""
    found = duplicate_key(data)
    if found is not None:
        raise duplicate_key_error(model.__name__, *found, data)
    validate: Any = super(InputModel, model).model_validate_json  # type: ignore[misc]
    instance: BaseModel = validate(data)
    return instance


def _outcome(read: Any, data: bytes | str) -> tuple[str, Any]:
    try:
        instance = read(data)
    except ValidationError as error:
        return "errors", error.errors(include_url=False)
    return "instance", _portrait(instance)


def _portrait(value: Any) -> Any:
    """Everything observable of a validated value: class, fields set and values, recursively,
    with the sign of every zero."""
    if isinstance(value, BaseModel):
        return (
            type(value),
            frozenset(value.__pydantic_fields_set__),
            tuple((name, _portrait(item)) for name, item in value.__dict__.items()),
        )
    if isinstance(value, tuple | list):
        return (type(value), tuple(_portrait(item) for item in value))
    if isinstance(value, float):
        return (float, value, math.copysign(1.0, value))
    return (type(value), value)


def _texts(record: Any) -> list[bytes]:
    """The same record written compactly, with JSON's default spacing, and indented."""
    return [
        json.dumps(record, separators=(",", ":")).encode(),
        json.dumps(record).encode(),
        json.dumps(record, indent=2).encode(),
        json.dumps(record, indent="\t", separators=(" ,", " : ")).encode(),
    ]


def _repeat_first_key(text: bytes) -> bytes | None:
    """The text with its first key written twice (the second time with the same value)."""
    record = json.loads(text)
    if not isinstance(record, dict) or not record:
        return None
    key, value = next(iter(record.items()))
    inner = json.dumps(record)[1:-1]
    return ("{" + json.dumps(key) + ": " + json.dumps(value) + ", " + inner + "}").encode()


def _negative_zeros(text: bytes) -> list[bytes]:
    """The text with each ``0.0`` or ``0`` value written as a negative zero, three ways."""
    out = []
    for zero in (b": 0.0", b":0.0", b": 0,", b": 0}"):
        if zero in text:
            for negative in (b"-0.0", b"-0", b"-1e-400"):
                out.append(text.replace(zero, zero.replace(b"0", negative, 1), 1))
    return out


def _check(model: type[BaseModel], text: bytes) -> None:
    quick = quick_reader(model, _number, Within)(text)
    full = _outcome(lambda data: _full(model, data), text)
    if quick is not None:
        assert full == ("instance", _portrait(quick)), text
    assert _outcome(model.model_validate_json, text) == full, text
    as_text = text.decode()
    assert _outcome(model.model_validate_json, as_text) == _outcome(
        lambda data: _full(model, data), as_text
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_quick_reading_is_the_full_validation(model: type[BaseModel], data: Any) -> None:
    record = data.draw(records(model, valid=data.draw(st.booleans())), label="record")
    for text in _texts(record):
        _check(model, text)
        repeated = _repeat_first_key(text)
        if repeated is not None:
            _check(model, repeated)
        for changed in _negative_zeros(text):
            _check(model, changed)


@pytest.mark.parametrize(
    "text",
    [
        b'{"oxygen": {"device": "nasal_cannula", "flow_l_min": -0.0}}',
        b'{"oxygen": {"device": "nasal_cannula", "flow_l_min": -0}}',
        b'{"oxygen": {"device": "nasal_cannula", "flow_l_min": -1e-400}}',
        b'{"oxygen": {"device": "nasal_cannula", "flow_l_min": -0.0e5}}',
    ],
)
def test_a_negative_zero_is_handed_back_and_read_as_zero(text: bytes) -> None:
    assert quick_reader(CrsAssessment, _number, Within)(text) is None
    flow = CrsAssessment.model_validate_json(text).oxygen.flow_l_min  # type: ignore[union-attr]
    assert flow == 0.0
    assert math.copysign(1.0, flow) == 1.0


@pytest.mark.parametrize(
    "text",
    [
        b'{"fever": true, "fever": false}',
        b'{"fever" : true, "fever":true}',
        b'{"fever":\n true,\n"fever"\t:\r\ntrue}',
        b'{"temperature": {"value": 38, "unit": "C", "value": 38}}',
        b'{"vasopressors": ["dopamine", {"agent": "vasopressin", "agent": "vasopressin"}],'
        b' "hypotension": true}',
        b'{"hypot\\u0065nsion": true, "hypotension": true}',
    ],
)
def test_a_repeated_key_is_never_vouched_for(text: bytes) -> None:
    assert quick_reader(CrsAssessment, _number, Within)(text) is None
    with pytest.raises(ValidationError) as raised:
        CrsAssessment.model_validate_json(text)
    assert raised.value.errors()[0]["type"] == "duplicate_key"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (b'{"oxygen": {"device": "cpap", "flow_l_min": true}}', "bool_not_number"),
        (b'{"oxygen": {"device": "cpap", "flow_l_min": "6"}}', "number_format"),
        (b'{"oxygen": {"device": "cpap", "flow_l_min": 80.01}}', "less_than_equal"),
        (b'{"oxygen": {"device": "cpap", "flow_l_min": -0.01}}', "greater_than_equal"),
    ],
)
def test_a_refused_record_gets_the_documented_error(text: bytes, error: str) -> None:
    assert quick_reader(CrsAssessment, _number, Within)(text) is None
    with pytest.raises(ValidationError) as raised:
        CrsAssessment.model_validate_json(text)
    (found,) = raised.value.errors()
    assert found["type"] == error
    if error == "greater_than_equal":
        assert found["ctx"] == {"ge": 0}  # as written, not 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'{"oxygen": {"device": "cpap", "flow_l_min": 80}}', 80.0),  # both ends are in range
        (b'{"oxygen": {"device": "cpap", "flow_l_min": 0}}', 0.0),
        (b'{"oxygen": {"device": "cpap", "flow_l_min": 6e0}}', 6.0),
    ],
)
def test_a_number_written_as_an_integer_or_exponent_is_vouched_for(
    text: bytes, expected: float
) -> None:
    quick = quick_reader(CrsAssessment, _number, Within)(text)
    assert isinstance(quick, CrsAssessment)
    assert quick.oxygen is not None
    assert quick == CrsAssessment.model_validate_json(text)
    flow = quick.oxygen.flow_l_min
    assert (type(flow), flow) == (float, expected)


def test_vasopressors_by_name_and_as_objects_keep_their_fields_set() -> None:
    text = b'{"hypotension": true, "vasopressors": ["dopamine", {"agent": "vasopressin"}]}'
    quick = quick_reader(CrsAssessment, _number, Within)(text)
    assert quick is not None
    assert _portrait(quick) == _portrait(_full(CrsAssessment, text))


# --- What the quick schema changes, and what it keeps ------------------------------------------


def test_the_quick_schema_makes_each_recognised_check_pydantic_cores() -> None:
    from pydantic_core import core_schema as cs

    from astct_grading.core.quick_json import _quick_schema

    def after(check: Any, inner: Any) -> Any:
        return cs.no_info_after_validator_function(check, inner)

    number = cs.no_info_before_validator_function(_number, cs.float_schema())
    assert _quick_schema(number, _number, Within) == {
        "type": "float",
        "strict": True,
        "allow_inf_nan": False,
    }
    assert _quick_schema(after(Within(0, 80), number), _number, Within)["le"] == 80
    # pydantic's own checks placed after a Python validator: bounds and finiteness.
    from pydantic._internal import _validators

    bound = functools.partial(_validators.greater_than_validator, gt=0)
    assert _quick_schema(after(bound, number), _number, Within)["gt"] == 0
    finite = after(_validators.forbid_inf_nan_check, cs.float_schema())
    assert _quick_schema(finite, _number, Within) == {"type": "float", "allow_inf_nan": False}


def test_the_quick_schema_keeps_what_it_does_not_recognise() -> None:
    from pydantic_core import core_schema as cs

    from astct_grading.core.quick_json import _quick_schema

    def other(value: Any) -> Any:
        return value

    text = cs.no_info_before_validator_function(_number, cs.str_schema())
    assert _quick_schema(text, _number, Within) == text  # the number check over text: kept
    kept = cs.no_info_after_validator_function(other, cs.float_schema())
    assert _quick_schema(kept, _number, Within) == kept
    over_text = cs.no_info_after_validator_function(Within(0, 1), cs.str_schema())
    assert _quick_schema(over_text, _number, Within) == over_text
