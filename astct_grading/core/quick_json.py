"""A quick reading of JSON text into an input model: repeated keys ruled out by counting.

Validating a record with the model (``InputModel.model_validate_json``) first scans the text for
a key given twice in one object (``duplicate_key``, D15), which costs a regular-expression pass
over the text, and then validates it. Most records hold no repeated key, and for those a count
proves it after the validation instead:

* the keys written in the text are counted as its colons (each key is followed by one, and a
  colon inside a string only adds to the count); when a string holds a colon too (a time of
  day), as the quotes followed by a colon once whitespace is taken out;
* the fields the validated instances hold are counted, nested models included (every key the
  text gives is a field, since unknown fields are rejected, and a field is counted once however
  often its key is repeated);

so when the two counts are equal no key can be repeated. :func:`quick_reader` validates with the
model's own validator, the same one ``model_validate_json`` uses, and vouches for the instance
when the counts agree, or when the exact scan finds no repeated key. A record the model refuses,
or one with a repeated key, is handed back (None) and the caller validates it the usual way, so
every error keeps its documented type, location and message (docs/errors.md). Nothing is ever
decided differently: the quick reading only finds sooner what the model would find
(tests/equivalence/test_quick_json.py checks it on every kind of record).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, PlainValidator, ValidationError, WrapValidator

from astct_grading.core.json_keys import duplicate_key

__all__ = ["quick_reader"]

# JSON's whitespace (RFC 8259 section 2).
_WHITESPACE = b" \t\n\r"
_REWRITERS = (BeforeValidator, PlainValidator, WrapValidator)

#: How a validated instance is counted: per model class, its fields that hold one model and
#: those that hold a sequence of models (their keys counted in turn), and whether the model may
#: be given as something other than an object.
_Plan = tuple[tuple[str, ...], tuple[str, ...], bool]


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


def _model_in(annotation: Any) -> type[BaseModel]:
    """The one model class a field :func:`_holds` holds (alone, optional or in a sequence)."""
    if _is_model(annotation):
        return annotation  # type: ignore[no-any-return]
    return next(_model_in(a) for a in get_args(annotation) if a not in (type(None), Ellipsis))


def _gives_no_key(node: BaseModel) -> int:
    return 0


def _fields_set(node: BaseModel) -> int:
    return len(node.__pydantic_fields_set__)


def _object_only(model: type[BaseModel]) -> bool:
    """Whether ``model`` is only ever given as an object (so its keys can be counted)."""
    return not _plan(model)[2]


@cache
def _counter(model: type[BaseModel]) -> Callable[[BaseModel], int]:
    """How :func:`_fields_given` counts an instance of ``model``, made once per class.

    A model that may be given as something other than an object (a vasopressor by its bare name)
    counts as giving no key, nested ones included: given as an object, its own keys are not
    counted, and any nested key is written under one of them, so its count could only fall
    short of the keys written, which is what the exact scan is for.

    The class a nested field holds is read from its annotation when the counter is made: a nested
    model with no models of its own is counted by its fields set in the loop (most are), and the
    others by their own counters, looked up as they are met (a model may nest itself). A model
    with no nested model to visit is counted by its fields set alone.
    """
    one, many, non_object = _plan(model)
    if non_object:
        return _gives_no_key
    if not one and not many:
        return _fields_set
    leaves: list[str] = []  # nested models counted by their fields set alone
    deeper: list[tuple[str, type[BaseModel]]] = []
    for name in one:
        held = _model_in(model.model_fields[name].annotation)
        if _plan(held) == ((), (), False):
            leaves.append(name)
        elif _object_only(held):
            deeper.append((name, held))
    lists = [
        (name, held)
        for name in many
        if _object_only(held := _model_in(model.model_fields[name].annotation))
    ]

    def count(node: BaseModel) -> int:
        total = len(node.__pydantic_fields_set__)
        values = node.__dict__
        for name in leaves:
            value: BaseModel | None = values[name]
            if value is not None:
                total += len(value.__pydantic_fields_set__)
        for name, held in deeper:
            value = values[name]
            if value is not None:
                total += _counter(held)(value)
        for name, held in lists:
            items = values[name]
            if items:
                counter = _counter(held)
                for item in items:
                    total += counter(item)
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
def quick_reader(model: type[BaseModel]) -> Callable[[bytes], BaseModel | None]:
    """The quick reading of JSON text into ``model``: the instance it vouches for, or None.

    Built once per model, on first use.

    Args:
        model: the input model (its nested models are read with it).

    Returns:
        A function of UTF-8 JSON text: the instance the model's own validation gives, or None
        when the model refuses the text or a key is repeated in it (then validate it the usual
        way, which gives the documented errors).

    Example:
        >>> from astct_grading import CrsAssessment
        >>> read = quick_reader(CrsAssessment)
        >>> read(b'{"temperature": {"value": 100.4, "unit": "F"}}').temperature.celsius
        38.0
        >>> read(b'{"fever": true, "fever": false}') is None  # the model reports it
        True
        >>> read(b'{"fever": "yes"}') is None
        True
    """
    model.model_rebuild()  # a model that builds its validator on first use builds it now
    validate = model.__pydantic_validator__.validate_json
    count = _counter(model)

    def read(data: bytes) -> BaseModel | None:
        try:
            instance: BaseModel = validate(data)
        except ValidationError:
            return None
        # The colons first (enough unless a string holds one), then the tighter count, then the
        # exact scan.
        given = count(instance)
        if (
            data.count(b":") != given
            and _keys_written(data) != given
            and duplicate_key(data) is not None
        ):
            return None
        return instance

    return read
