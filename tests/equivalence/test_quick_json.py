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

import json
import math
from typing import Any, Optional, Union

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from astct_grading import CrsAssessment, SledaiVisit
from astct_grading.core import quick_json
from astct_grading.core.json_keys import duplicate_key, duplicate_key_error
from astct_grading.core.quick_json import _fields_given, _holds, _keys_written, quick_reader
from astct_grading.core.validation import InputModel, Temperature
from astct_grading.course import Course, TimedCrsAssessment
from astct_grading.crs.models import OxygenSupport, Vasopressor
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
    quick = quick_reader(model)(text)
    full = _outcome(lambda data: _full(model, data), text)
    if quick is not None:
        assert full == ("instance", _portrait(quick)), text
    if full[0] == "instance":
        # Never more fields counted than keys written: else a repeated key could hide.
        instance = _full(model, text)
        assert _fields_given(instance) <= _keys_written(text), text
        assert _keys_written(text) <= text.count(b":"), text
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
def test_a_negative_zero_is_read_as_zero(text: bytes) -> None:
    quick = quick_reader(CrsAssessment)(text)
    assert isinstance(quick, CrsAssessment)
    assert _portrait(quick) == _portrait(_full(CrsAssessment, text))
    for read in (quick, CrsAssessment.model_validate_json(text)):
        assert read.oxygen is not None
        flow = read.oxygen.flow_l_min
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
        # Vasopressors given by name set a field each but write no key: never counted.
        b'{"hypotension": true, "hypotension": true,'
        b' "vasopressors": ["dopamine", "norepinephrine", "vasopressin"]}',
        b'{"oxygen": {"device": "cpap", "device": "cpap"}}',
        b'{"hypotension": true, "vasopressors": ["dopamine"], "vasopressors": ["dopamine"]}',
    ],
)
def test_a_repeated_key_is_never_vouched_for(text: bytes) -> None:
    assert quick_reader(CrsAssessment)(text) is None
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
        # A whole number below the bound: refused by the bound itself.
        (b'{"oxygen": {"device": "cpap", "flow_l_min": -1}}', "greater_than_equal"),
    ],
)
def test_a_refused_record_gets_the_documented_error(text: bytes, error: str) -> None:
    assert quick_reader(CrsAssessment)(text) is None
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
    quick = quick_reader(CrsAssessment)(text)
    assert isinstance(quick, CrsAssessment)
    assert quick.oxygen is not None
    assert quick == CrsAssessment.model_validate_json(text)
    flow = quick.oxygen.flow_l_min
    assert (type(flow), flow) == (float, expected)


def test_vasopressors_by_name_and_as_objects_keep_their_fields_set() -> None:
    text = b'{"hypotension": true, "vasopressors": ["dopamine", {"agent": "vasopressin"}]}'
    quick = quick_reader(CrsAssessment)(text)
    assert quick is not None
    assert _portrait(quick) == _portrait(_full(CrsAssessment, text))


# --- How the quick reading proves that no key is repeated ------------------------------------
#
# It vouches for a record only when the keys written in the text (at least one per key) equal
# the fields the validated instances hold (at most one per distinct key, nested models
# included): docs/performance.md, "The quick reading of JSON text". A count too high could hide a
# repeated key; a count too low only sends every record to the exact scan.

_DATE = "2024-01-01T08:00:00+00:00"

#: Records whose keys are all written once, each nested model given as an object: a model
#: holding one model, a list of models, models nested in models in lists of models.
_COUNTED: tuple[tuple[type[BaseModel], Any], ...] = (
    (
        CrsAssessment,
        {
            "fever": True,
            "temperature": {"value": 38.5, "unit": "C"},
            "oxygen": {"device": "nasal_cannula", "flow_l_min": 2},
        },
    ),
    (CrsAssessment, {"hypotension": True, "vasopressors": ["dopamine", "norepinephrine"]}),
    (IcansAssessment, {"ice": {"orientation": 4, "naming": 3}, "age_years": 40}),
    (
        Sri4Input,
        {
            "baseline": {"arthritis": True, "anti_dsdna": {"value": 45, "upper_limit": 30}},
            "follow_up": {"arthritis": False},
        },
    ),
    (
        Course,
        {
            "patient_id": "p1",
            "infusion_at": _DATE,
            "crs_assessments": [
                {"at": _DATE, "assessment": {"fever": True, "oxygen": {"device": "cpap"}}},
                {"at": "2024-01-02T08:00:00+00:00", "assessment": {"fever": False}},
            ],
            "treatments": [{"at": _DATE, "therapy": "tocilizumab"}],
            "icans_assessments": [],
        },
    ),
    # A model given by its bare name, read on its own: no key, and none counted.
    (Vasopressor, "dopamine"),
)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        (b"{}", 0),
        (b"[1, 2]", 0),
        (b'{"fever":true}', 1),
        (b'{"fever" \t\r\n: true, "oxygen": {"device"\n:"cpap"}}', 3),
        (b'{"a\\"": 1}', 1),  # an escaped quote ending a key
        (b'{"cause": "x\\": y"}', 2),  # a string value may add one, never take one away
    ],
)
def test_the_keys_written_are_counted_with_any_spacing(text: bytes, keys: int) -> None:
    assert _keys_written(text) == keys


@pytest.mark.parametrize(("model", "record"), _COUNTED, ids=lambda v: getattr(v, "__name__", ""))
def test_a_record_without_a_repeated_key_is_vouched_for_without_the_exact_scan(
    model: type[BaseModel], record: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanned: list[bytes] = []

    def scan(data: bytes) -> Any:
        scanned.append(data)
        return duplicate_key(data)

    monkeypatch.setattr(quick_json, "duplicate_key", scan)
    read = quick_reader(model)
    for text in _texts(record):
        instance = _full(model, text)
        assert _fields_given(instance) == _keys_written(text), text
        quick = read(text)
        assert quick is not None
        assert _portrait(quick) == _portrait(instance)
    assert scanned == []


@pytest.mark.parametrize(
    ("model", "record", "recounted"),
    [
        (CrsAssessment, {"fever": True, "oxygen": {"device": "cpap"}}, False),
        (SledaiVisit, {"visit_date": "2024-01-01", "arthritis": True}, False),
        # The times' colons are in strings: the colons outnumber the keys, so the keys are
        # counted again (and match: still no exact scan).
        (
            Course,
            {
                "patient_id": "p1",
                "infusion_at": _DATE,
                "crs_assessments": [{"at": _DATE, "assessment": {"fever": True}}],
            },
            True,
        ),
    ],
    ids=["crs", "sledai", "course-with-times"],
)
def test_the_colons_are_counted_first_and_the_keys_only_when_they_differ(
    model: type[BaseModel], record: Any, recounted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[bytes] = []
    scanned: list[bytes] = []

    def keys_written(data: bytes) -> int:
        counted.append(data)
        return _keys_written(data)

    def scan(data: bytes) -> Any:
        scanned.append(data)
        return duplicate_key(data)

    monkeypatch.setattr(quick_json, "_keys_written", keys_written)
    monkeypatch.setattr(quick_json, "duplicate_key", scan)
    read = quick_reader(model)
    for text in _texts(record):
        assert text.count(b":") >= _fields_given(_full(model, text))
        quick = read(text)
        assert quick is not None
        assert _portrait(quick) == _portrait(_full(model, text))
    assert (len(counted), scanned) == ((4 if recounted else 0), [])


def test_a_model_that_may_be_given_by_name_counts_no_key_of_its_own() -> None:
    # A vasopressor given as an object writes its "agent" key; one given by name writes none.
    # Neither is counted, so the first is scanned exactly (and vouched for: no key repeated).
    text = b'{"hypotension": true, "vasopressors": [{"agent": "dopamine"}, "vasopressin"]}'
    instance = _full(CrsAssessment, text)
    assert (_fields_given(instance), _keys_written(text)) == (2, 3)
    quick = quick_reader(CrsAssessment)(text)
    assert quick is not None
    assert _portrait(quick) == _portrait(instance)


@pytest.mark.parametrize(
    ("model", "text"),
    [
        (IcansAssessment, b'{"ice": {"orientation": 4, "orientation": 4}}'),
        (
            Sri4Input,
            b'{"baseline": {"arthritis": true}, "follow_up": {"rash": true, "rash": true}}',
        ),
        (
            Course,
            b'{"patient_id": "p1", "infusion_at": "2024-01-01T08:00:00+00:00",'
            b' "crs_assessments": [{"at": "2024-01-01T08:00:00+00:00",'
            b' "assessment": {"oxygen": {"device": "cpap", "device": "cpap"}}}]}',
        ),
    ],
    ids=["one-model", "nested-models", "list-of-models"],
)
def test_a_key_repeated_in_a_nested_model_is_never_vouched_for(
    model: type[BaseModel], text: bytes
) -> None:
    assert quick_reader(model)(text) is None
    with pytest.raises(ValidationError) as raised:
        model.model_validate_json(text)
    assert raised.value.errors()[0]["type"] == "duplicate_key"


@pytest.mark.parametrize(
    ("annotation", "holds"),
    [
        (OxygenSupport, "one"),
        (OxygenSupport | None, "one"),
        (Optional[OxygenSupport], "one"),  # noqa: UP045 - typing.Union's origin, not X | None's
        (tuple[Vasopressor, ...], "many"),
        (tuple[Vasopressor, ...] | None, "many"),
        (list[Vasopressor], "many"),
        (tuple[Vasopressor, Vasopressor], "many"),
        # Not one model, nor a sequence of one model class: not counted.
        (OxygenSupport | Temperature, None),
        (Union[OxygenSupport, str], None),  # noqa: UP007
        (tuple[OxygenSupport, Temperature], None),
        (tuple[int, ...], None),
        (list[str], None),
        (dict[str, OxygenSupport], None),
        (type[OxygenSupport], None),
        (float, None),
        (str | None, None),
    ],
    ids=repr,
)
def test_the_fields_that_hold_models_are_found(annotation: Any, holds: str | None) -> None:
    assert _holds(annotation) == holds


class _Holder(InputModel):
    """A model holding an optional model that itself nests one (none of the package's does)."""

    timed: TimedCrsAssessment | None = None
    """An optional timed assessment."""


@pytest.mark.parametrize(
    ("record", "keys"),
    [({}, 0), ({"timed": {"at": _DATE, "assessment": {"oxygen": {"device": "cpap"}}}}, 5)],
    ids=["absent", "given"],
)
def test_an_optional_model_nesting_another_is_counted_when_given(record: Any, keys: int) -> None:
    text = json.dumps(record).encode()
    instance = _full(_Holder, text)
    assert _fields_given(instance) == keys
    quick = quick_reader(_Holder)(text)
    assert quick is not None
    assert _portrait(quick) == _portrait(instance)


class _Tree(InputModel):
    """A model nesting itself, one at a time and in a list (a command-line scale may)."""

    name: str
    """The node's name."""
    child: _Tree | None = None
    """One nested node."""
    children: list[_Tree] | None = None
    """Nested nodes."""


@pytest.mark.parametrize(
    ("record", "keys"),
    [
        ({"name": "a"}, 1),
        ({"name": "a", "children": []}, 2),
        ({"name": "a", "child": {"name": "b", "child": {"name": "c"}}}, 5),
        ({"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}, {"name": "d"}]}, 6),
    ],
    ids=["leaf", "empty-list", "chain", "lists"],
)
def test_a_model_nesting_itself_is_counted_to_its_depth(record: Any, keys: int) -> None:
    text = json.dumps(record).encode()
    instance = _full(_Tree, text)
    assert _fields_given(instance) == keys == _keys_written(text)
    quick = quick_reader(_Tree)(text)
    assert quick is not None
    assert _portrait(quick) == _portrait(instance)


class _OneVasopressor(InputModel):
    """A model holding one model that may be given by its bare name (none of the package's does)."""

    given: Vasopressor | None = None
    """A vasopressor, by name or as an object."""


@pytest.mark.parametrize(
    ("record", "counted", "written"),
    [({"given": "dopamine"}, 1, 1), ({"given": {"agent": "dopamine"}}, 1, 2)],
    ids=["by-name", "as-object"],
)
def test_a_model_that_may_be_given_by_name_is_not_visited(
    record: Any, counted: int, written: int
) -> None:
    # By name it gives no key; as an object its own key is not counted, so the count falls short
    # and the text is scanned exactly: vouched for either way, never wrongly.
    text = json.dumps(record).encode()
    instance = _full(_OneVasopressor, text)
    assert (_fields_given(instance), _keys_written(text)) == (counted, written)
    quick = quick_reader(_OneVasopressor)(text)
    assert quick is not None
    assert _portrait(quick) == _portrait(instance)
