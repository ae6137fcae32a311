"""A quick first reading of JSON text into an input model, vouched for or handed back.

Validating a record with the model (``InputModel.model_validate_json``) runs a few Python checks
per record: each number through the shared number check (D15: a boolean or text is not a
number, ``-0.0`` is made ``0.0``), each range through a Python bound check (so that the errors
keep their documented form), and a scan of the text for keys given twice (``duplicate_key``).
Most records pass all of them, and for those the checks can be made inside pydantic-core.

:func:`quick_reader` builds, once per model, a second validator from the model's own core schema
in which:

* a number is a strict, finite float (pydantic-core refuses booleans and text itself);
* a range checked in Python is a pydantic-core bound (the same comparison);

and every other validator of the model (the checks between fields, the synonyms, the model's
own rules) is kept as it is. It creates instances of the same classes, with the same values and
the same fields set. A record it accepts is one the model accepts, with the same instance,
except for two things the quick reading cannot see, which it checks in the text afterwards:

* a negative zero (``-0``, ``-0.0``, or a negative number so small it reads as ``-0.0``), which
  the model makes ``0.0``: a record that may hold one is handed back;
* a key given twice in one object: the number of keys written in the text is compared with the
  number of fields the validated instances hold (every key the text gives is a field, since
  unknown fields are rejected, and a field is counted once however often its key is repeated),
  so a record whose counts differ is scanned exactly, as the model would scan it. The keys
  written are counted as the text's colons (each key is followed by one); when a string holds a
  colon too (a time of day), as the quotes followed by a colon once whitespace is taken out.

A record the quick reading refuses, or cannot vouch for, is handed back (None) and the caller
validates it the usual way, so every error keeps its documented type, location and message
(docs/errors.md). Nothing is ever decided differently: the quick reading only finds sooner what
the model would find (tests/equivalence/test_quick_json.py checks it on every kind of record).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from types import UnionType
from typing import Any, Final, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, PlainValidator, ValidationError, WrapValidator
from pydantic_core import SchemaValidator

from astct_grading.core.json_keys import duplicate_key

__all__ = ["quick_reader"]

#: pydantic's own bound checks (placed after a Python validator) by their function's name, and
#: the pydantic-core constraint each stands for.
_PYDANTIC_BOUNDS: Final = {
    "greater_than_validator": "gt",
    "greater_than_or_equal_validator": "ge",
    "less_than_validator": "lt",
    "less_than_or_equal_validator": "le",
}
_NUMBERS: Final = frozenset({"float", "int"})

# A JSON number that may read as -0.0: a minus sign, zero and no other digit before the end of
# the number; or any negative number with a negative exponent (it may underflow to -0.0).
_NEGATIVE_ZERO = re.compile(rb"-0(?![0-9])|-[0-9.]+[eE]-")
# JSON's whitespace (RFC 8259 section 2).
_WHITESPACE = b" \t\n\r"
_REWRITERS = (BeforeValidator, PlainValidator, WrapValidator)

#: How a validated instance is counted: per model class, its fields that hold one model and
#: those that hold a sequence of models (their keys counted in turn), and whether the model may
#: be given as something other than an object.
_Plan = tuple[tuple[str, ...], tuple[str, ...], bool]


def _function(schema: Mapping[str, Any]) -> Any:
    return schema["function"]["function"]


def _quick_schema(schema: Any, number: Callable[..., Any], bound: type) -> Any:
    """A copy of a core schema with the Python number and bound checks made pydantic-core's.

    ``number`` is the shared number check; ``bound`` the class of the shared range checks. A
    check not recognised is kept as it is (the reading is then only less quick).
    """
    if isinstance(schema, list):
        return [_quick_schema(item, number, bound) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kind = schema.get("type")
    if kind == "function-before" and _function(schema) is number:
        inner = _quick_schema(schema["schema"], number, bound)
        if inner.get("type") in _NUMBERS:
            return {**inner, "strict": True, "allow_inf_nan": False}
    elif kind == "function-after":
        inner = _quick_schema(schema["schema"], number, bound)
        check = _function(schema)
        if inner.get("type") in _NUMBERS:
            if isinstance(check, bound):
                return {**inner, "ge": check.ge, "le": check.le}  # type: ignore[attr-defined]
            # pydantic's checks: partials of its bound validators, or its finiteness check.
            name = getattr(getattr(check, "func", check), "__name__", None)
            if name in _PYDANTIC_BOUNDS and len(check.keywords) == 1:
                return {**inner, _PYDANTIC_BOUNDS[name]: next(iter(check.keywords.values()))}
            if name == "forbid_inf_nan_check":
                return {**inner, "allow_inf_nan": False}
    return {key: _quick_schema(value, number, bound) for key, value in schema.items()}


@cache
def _plan(model: type[BaseModel]) -> _Plan:
    """How to count the keys an instance of ``model`` was given (:data:`_Plan`).

    A field whose value passes through a validator of its own before it is read (a
    ``BeforeValidator``, a ``mode="before"`` field validator...) is left out, and so is one that
    may hold models beside other values: its models' keys are then not counted, which only keeps
    the count below the keys written.
    """
    decorators = model.__pydantic_decorators__
    rewritten = {
        name
        for d in decorators.field_validators.values()
        if d.info.mode != "after"
        for name in d.info.fields
    }
    one: list[str] = []
    many: list[str] = []
    for name, info in model.model_fields.items():
        if name in rewritten or any(isinstance(m, _REWRITERS) for m in info.metadata):
            continue
        kind = _holds(info.annotation)
        if kind == "one":
            one.append(name)
        elif kind == "many":
            many.append(name)
    non_object = any(d.info.mode != "after" for d in decorators.model_validators.values())
    return tuple(one), tuple(many), non_object


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _holds(annotation: Any) -> str | None:
    """``one`` for a model (or None), ``many`` for a tuple or list of one model class, else None."""
    arguments = [a for a in get_args(annotation) if a is not type(None)]
    origin = get_origin(annotation)
    if origin is Union or origin is UnionType:
        return _holds(arguments[0]) if len(arguments) == 1 else None
    if _is_model(annotation):
        return "one"
    if (
        origin in (tuple, list)
        and arguments
        and all(a is Ellipsis or _is_model(a) for a in arguments)
    ):
        return "many" if len({a for a in arguments if a is not Ellipsis}) == 1 else None
    return None


@cache
def _counter(model: type[BaseModel]) -> Callable[[BaseModel], int]:
    """How :func:`_fields_given` counts an instance of ``model``, made once per class.

    A model with no nested model to visit is counted by its fields set alone (most models).
    """
    one, many, non_object = _plan(model)
    if not one and not many:
        if non_object:
            return lambda node: 0
        return lambda node: len(node.__pydantic_fields_set__)

    def count(node: BaseModel) -> int:
        total = 0 if non_object else len(node.__pydantic_fields_set__)
        values = node.__dict__
        for name in one:
            value: BaseModel | None = values[name]
            if value is not None:
                total += _counter(type(value))(value)
        for name in many:
            item: BaseModel
            for item in values[name] or ():
                total += _counter(type(item))(item)
        return total

    return count


def _fields_given(instance: BaseModel) -> int:
    """The number of keys the text gave, at most: each model's fields set, nested ones too.

    A model that may have been given as something other than an object (a vasopressor by its
    bare name) is counted as giving no key of its own, so the count never exceeds the keys
    written. The input models nest a fixed number of levels deep, so counting them recursively
    is bounded by the models, not by the text.
    """
    return _counter(type(instance))(instance)


def _keys_written(data: bytes) -> int:
    """The number of keys in JSON text, at least (a string value may add to it, never less).

    Every key ends with a closing quote, whitespace perhaps, and a colon; with the whitespace
    taken out (inside strings too, which can only add pairs), each key ends in ``":``.
    """
    return data.translate(None, _WHITESPACE).count(b'":')


@cache
def quick_reader(
    model: type[BaseModel], number: Callable[..., Any], bound: type
) -> Callable[[bytes], BaseModel | None]:
    """The quick reading of JSON text into ``model``: the instance it vouches for, or None.

    Built once per model, on first use.

    Args:
        model: the input model (its nested models are read with it).
        number: the shared number check, whose work a strict, finite float does.
        bound: the class of the shared range checks (with ``ge`` and ``le``), whose work
            pydantic-core's bounds do.

    Returns:
        A function of UTF-8 JSON text: the instance the model's own validation would give, or
        None when the quick reading refuses the text or cannot vouch for it (then validate it the
        usual way, which gives the documented errors).

    Example:
        >>> from astct_grading import CrsAssessment
        >>> from astct_grading.core.validation import Within, _number
        >>> read = quick_reader(CrsAssessment, _number, Within)
        >>> read(b'{"temperature": {"value": 100.4, "unit": "F"}}').temperature.celsius
        38.0
        >>> read(b'{"fever": true, "fever": false}') is None  # the model reports it
        True
        >>> read(b'{"fever": "yes"}') is None
        True
    """
    model.model_rebuild()  # a model that builds its validator on first use builds it now
    validate = SchemaValidator(
        _quick_schema(model.__pydantic_core_schema__, number, bound)
    ).validate_json
    count = _counter(model)

    def read(data: bytes) -> BaseModel | None:
        try:
            instance: BaseModel = validate(data)
        except ValidationError:
            return None
        if b"-" in data and _NEGATIVE_ZERO.search(data):
            return None
        # Every key is followed by one colon, so the colons are at least the keys written and
        # the first count is enough unless a string holds a colon (a time of day); then the
        # tighter count, then the exact scan.
        given = count(instance)
        if (
            data.count(b":") != given
            and _keys_written(data) != given
            and duplicate_key(data) is not None
        ):
            return None
        return instance

    return read
