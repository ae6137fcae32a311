"""The validation layer shared by every scale.

Units, plausibility ranges, finiteness, unknown fields and enums are checked here once, so that CRS,
ICANS and SLEDAI-2K inputs reject bad data the same way (decisions.md D14, D15).

Conventions:

* Every input model is frozen and forbids unknown fields (a misspelt field must never be ignored).
* Numbers must be finite; booleans are refused where numbers are expected.
* Quantities are compared at a documented precision (0.01 of the unit the rule is written in), so
  floating-point noise never moves a patient across a bound (D14).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StrictBool,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import (
    DEFAULT_REF_TEMPLATE,
    GenerateJsonSchema,
    JsonSchemaMode,
    JsonSchemaValue,
)
from pydantic_core import CoreSchema, PydanticCustomError, PydanticKnownError
from typing_extensions import Self

from astct_grading.core.docstrings import field_docstrings
from astct_grading.core.json_keys import duplicate_key, duplicate_key_error
from astct_grading.core.quick_json import quick_reader
from astct_grading.errors import AstctGradingError

__all__ = [
    "AgeYears",
    "FiniteFloat",
    "Fio2",
    "Flag",
    "FlowLMin",
    "InputModel",
    "Temperature",
    "TemperatureUnit",
    "coerce",
    "plain_number",
    "quantize",
    "to_celsius",
]

#: Decimal places at which quantities are compared with a rule's bound (D14).
COMPARISON_PLACES = 2
_QUANTUM = Decimal(1).scaleb(-COMPARISON_PLACES)
# A value within this of a whole number of hundredths is taken as given at 0.01 precision.
_EXACT = 1e-6
# Rounding to hundredths can differ between a float and its decimal value only where the
# hundredths' fraction is (nearly) one half: the two differ by far less than this margin, so a
# fraction further than it from one half rounds the same in binary as in decimal. That holds
# for magnitudes below _FAST_MAX, where a float and its decimal value differ by under 1e-10.
_NOT_HALF = 0.5 - 1e-3
_FAST_MAX = 1e6
# From 2**53 / 100 on, a float has no hundredths: rounding to 0.01 leaves it as it is.
_HUGE = 2.0**53 / 100

#: Plausible body temperature, in °C (D15).
TEMPERATURE_MIN_C = 25.0
TEMPERATURE_MAX_C = 45.0
# The same range in °F, exactly: a reading within it is within the °C range once converted.
_TEMPERATURE_MIN_F = 77.0
_TEMPERATURE_MAX_F = 113.0


class TemperatureUnit(str, Enum):
    """Unit of a temperature reading."""

    CELSIUS = "C"
    FAHRENHEIT = "F"


#: The plausible range as JSON Schema bounds, per unit: 24.995 °C rounds to 25.00 °C and
#: 45.005 °C to 45.01 °C (D14); 76.991 °F is 24.995 °C and 113.009 °F is 45.005 °C.
_SCHEMA_RANGE = {
    TemperatureUnit.CELSIUS: {"minimum": 24.995, "exclusiveMaximum": 45.005},
    TemperatureUnit.FAHRENHEIT: {"minimum": 76.991, "exclusiveMaximum": 113.009},
}


def quantize(value: float) -> float:
    """Round a quantity to the comparison precision of D14 (0.01, half up).

    The value's shortest decimal representation is rounded, not its binary expansion, so ``37.995``
    rounds to ``38.0`` as a person reading the record would expect.

    Args:
        value: a finite number.

    Returns:
        The value rounded to two decimal places.

    Example:
        >>> quantize(37.995)
        38.0
        >>> quantize(6.004)
        6.0
    """
    if not abs(value) < _HUGE:
        return value  # no float this large has hundredths to round (and value * 100 may overflow)
    if abs(value) < _FAST_MAX:
        hundredths = round(value * 100)
        if abs(value * 100 - hundredths) < _NOT_HALF:
            # Not near a half-hundredth: the nearest hundredth is the half-up rounding (the fast
            # case, at any precision given); int / 100 is the float nearest that decimal, as
            # float(Decimal) is.
            return hundredths / 100
    return float(Decimal(repr(value)).quantize(_QUANTUM, rounding=ROUND_HALF_UP))


def to_celsius(value: float, unit: TemperatureUnit) -> float:
    """Convert a reading to °C exactly and round it to 0.01 °C, half up (D14).

    Args:
        value: the reading.
        unit: its unit.

    Returns:
        The reading in °C at the comparison precision.

    Example:
        >>> to_celsius(100.4, TemperatureUnit.FAHRENHEIT)
        38.0
        >>> to_celsius(37.995, TemperatureUnit.CELSIUS)
        38.0
    """
    if unit is TemperatureUnit.CELSIUS:
        return quantize(value)
    if not abs(value) < _HUGE:
        # Far outside any plausible reading (D15 rejects it); converted without rounding, since
        # the exact paths below would overflow.
        return (value - 32) / 9 * 5
    if abs(value) < _FAST_MAX:
        hundredths = round(value * 100)
        if abs(value * 100 - hundredths) < _EXACT:
            # (F - 32) x 5/9 in hundredths of a degree, rounded half up in integer arithmetic.
            return ((hundredths - 3200) * 10 + 9) // 18 / 100
        scaled = (value - 32) / 1.8 * 100
        nearest = round(scaled)
        if abs(scaled - nearest) < _NOT_HALF:
            return nearest / 100  # not near a half-hundredth of a degree: as the decimal rounds
    exact = (Decimal(repr(value)) - 32) * 5 / 9
    return float(exact.quantize(_QUANTUM, rounding=ROUND_HALF_UP))


#: A yes/no input: JSON ``true`` or ``false`` (Python ``True`` or ``False``) and nothing else;
#: with ``| None``, ``null`` is "not known" (D13). No other value is read as a boolean: ``"yes"``,
#: ``"1"``, ``1`` or ``"TRUE"`` is a validation error (``bool_type``), never a guess (D15). The
#: command line's CSV reader turns its own cell words into booleans first (docs/cli.md).
Flag = StrictBool


#: A number written as JSON writes one (RFC 8259 section 6): an optional minus sign, digits
#: without leading zeros, an optional fraction and exponent. Python's float() grammar would read
#: "3_8" as 38 and " 38.5" or "nan" as numbers; none of those is a plain number. The models take
#: JSON numbers only; the command line's CSV reader reads a cell as a number only when it matches
#: this (``plain_number``), so the rule lives in one place (D15).
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def plain_number(text: str) -> bool:
    """Whether ``text`` is a number written as JSON writes one (the CSV reader's test, D15).

    Example:
        >>> [plain_number(t) for t in ("38.5", "-1", "1e3", "3_8", " 38.5", "nan", "+1", "01")]
        [True, True, True, False, False, False, False, False]
    """
    return _PLAIN_NUMBER.fullmatch(text) is not None


def _number(value: object) -> object:
    """Check a numeric input before pydantic reads it (D15); one Python call per numeric field.

    A float has its negative zero made positive (``-0.0`` would read "-0"); a boolean is refused
    (lax mode would read True as 1); so is text: a number is a JSON number, never a string (the
    JSON Schema says the same, so the two agree).
    """
    if type(value) is float:
        return value + 0.0  # -0.0 + 0.0 is 0.0; every other float is unchanged
    if isinstance(value, bool):
        raise PydanticCustomError(
            "bool_not_number",
            "a boolean is not accepted where a number is expected",
        )
    if isinstance(value, str):
        if plain_number(value):
            message = "'{value}' is text; give the number itself, without quotes"
        else:
            message = (
                "'{value}' is not a number; write it as JSON writes one (e.g. 38.5, -1, 1e3), "
                "without quotes, spaces, underscores, a '+' sign, leading zeros or words"
            )
        raise PydanticCustomError("number_format", message, {"value": value})
    return value


#: A finite float; booleans, text, NaN and infinities are rejected (D15); negative zero becomes
#: zero.
FiniteFloat = Annotated[float, BeforeValidator(_number), Field(allow_inf_nan=False)]

# FiniteFloat with its finiteness checked by pydantic-core: given before the boolean check, it
# sits inside the float validator instead of in a Python validator after it, with the same errors.
_Finite = Annotated[float, Field(allow_inf_nan=False), BeforeValidator(_number)]


class Within:
    """A check of ``ge <= value <= le`` with the errors of ``Field(ge=ge, le=le)``.

    One Python validator instead of the two pydantic adds for bounds placed after a
    ``BeforeValidator``. The bounds stay in Python: pydantic-core's would report some bounds as
    floats (``{'ge': 0.0}`` for ``ge=0``) in the error's context. Types using it state their JSON
    Schema bounds with the standard keywords (``minimum``/``maximum``), which validators enforce.

    Example:
        >>> Within(0, 80)(6.5)
        6.5
    """

    __slots__ = ("ge", "le")

    def __init__(self, ge: float, le: float) -> None:
        self.ge = ge
        self.le = le

    def __call__(self, value: float) -> float:
        if not value >= self.ge:
            raise PydanticKnownError("greater_than_equal", {"ge": self.ge})
        if not value <= self.le:
            raise PydanticKnownError("less_than_equal", {"le": self.le})
        return value


def _within(ge: float, le: float) -> Within:
    """The check of ``ge <= value <= le`` (:class:`Within`)."""
    return Within(ge, le)


#: Oxygen flow in L/min, 0-80 (D14, D15).
FlowLMin = Annotated[
    _Finite,
    AfterValidator(_within(0, 80)),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 80}),
]

#: Fraction of inspired oxygen, 0.21-1.0. Recorded only: it never changes an ASTCT grade (D4).
Fio2 = Annotated[
    _Finite,
    AfterValidator(_within(0.21, 1.0)),
    WithJsonSchema({"type": "number", "minimum": 0.21, "maximum": 1.0}),
]

#: Age in decimal years, 0-130 (D15).
AgeYears = Annotated[
    _Finite,
    AfterValidator(_within(0, 130)),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 130}),
]


#: pydantic's names for bounds -> the JSON Schema keywords (draft 2020-12, section 6.2).
_BOUND_KEYWORDS = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
}
# Keywords whose value maps names to subschemas: the names are data, never keywords.
_SCHEMA_MAPS = frozenset({"properties", "$defs", "patternProperties", "dependentSchemas"})


def standard_bounds(schema: Any) -> Any:
    """A JSON Schema with pydantic's ``ge``/``le``/``gt``/``lt`` written as standard keywords.

    Example:
        >>> standard_bounds({"type": "number", "ge": 0, "lt": 5})
        {'type': 'number', 'minimum': 0, 'exclusiveMaximum': 5}
        >>> standard_bounds({"properties": {"ge": {"type": "integer", "le": 3}}})
        {'properties': {'ge': {'type': 'integer', 'maximum': 3}}}
    """
    if isinstance(schema, list):
        return [standard_bounds(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: standard_bounds(sub) for name, sub in value.items()}
        else:
            out[_BOUND_KEYWORDS.get(str(key), str(key))] = standard_bounds(value)
    return out


class InputModel(BaseModel):
    """Base of every input model: frozen, unknown fields rejected, docstrings in the JSON Schema.

    The docstring under each field is its ``description`` in the JSON Schema, read from the source
    when a schema is first made (astct_grading.core.docstrings), not at import.

    Reading JSON text (``model_validate_json``) also rejects a key given twice in one object
    (``duplicate_key``): ``{"hypotension": true, "hypotension": false}`` contradicts itself, and
    taking the last value would be a guess (D15; astct_grading.core.json_keys).
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        validate_default=False,
        # Each model's validator is built on its first use, not at import (docs/performance.md).
        defer_build=True,
    )

    @classmethod
    def model_json_schema(  # type: ignore[override]
        cls,
        by_alias: bool = True,
        ref_template: str = DEFAULT_REF_TEMPLATE,
        schema_generator: type[GenerateJsonSchema] = GenerateJsonSchema,
        mode: JsonSchemaMode = "validation",
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12), with every bound in the standard keywords.

        pydantic writes a bound it checks in Python as ``ge``/``le``/``gt``/``lt``, which JSON
        Schema validators ignore; here they are ``minimum``, ``maximum``, ``exclusiveMinimum`` and
        ``exclusiveMaximum``, so a standard validator enforces the same ranges as the model (D15).

        Example:
            >>> from astct_grading import CrsAssessment
            >>> schema = CrsAssessment.model_json_schema()
            >>> schema["$defs"]["Vasopressor"]["anyOf"][0]["properties"]["dose"]["anyOf"][0]
            {'minimum': 0, 'type': 'number'}
        """
        schema = super().model_json_schema(
            by_alias=by_alias,
            ref_template=ref_template,
            schema_generator=schema_generator,
            mode=mode,
            **kwargs,
        )
        standard: dict[str, Any] = standard_bounds(schema)
        return standard

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The model's JSON Schema, each field described by the docstring under it."""
        schema = handler(core_schema)
        docstrings = field_docstrings(cls)
        for name, field in handler.resolve_ref_schema(schema).get("properties", {}).items():
            if name in docstrings:  # the command line's record id has none
                field.setdefault("description", docstrings[name])
        return schema

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """Validate JSON text; a repeated key is an error, then pydantic validates as usual.

        Example:
            >>> from astct_grading import CrsAssessment
            >>> CrsAssessment.model_validate_json('{"fever": true, "fever": false}')
            Traceback (most recent call last):
            ...
            pydantic_core._pydantic_core.ValidationError: 1 validation error for CrsAssessment
            fever
              the key 'fever' is given more than once in the record; each field may be given once [type=duplicate_key, input_value='{"fever": true, "fever": false}', input_type=str]
        """  # noqa: E501
        data = bytes(json_data) if isinstance(json_data, bytearray) else json_data
        if not kwargs:
            # Most records are vouched for by the quick reading; the rest are read below, with
            # the documented errors (astct_grading.core.quick_json).
            instance = quick_reader(cls)(data if isinstance(data, bytes) else data.encode())
            if instance is not None:
                return instance  # type: ignore[return-value]
        found = duplicate_key(data)
        if found is not None:
            raise duplicate_key_error(cls.__name__, *found, data)
        return super().model_validate_json(json_data, **kwargs)


class Temperature(InputModel):
    """A body temperature with its unit, as recorded.

    The reading is kept as given (so a record round-trips unchanged) and converted exactly to °C:
    the decimal value is converted with decimal arithmetic and rounded to 0.01 °C, half up
    (decisions.md D14), so 100.4 °F is exactly 38.0 °C. Readings outside 25-45 °C are rejected
    (D15).

    Example:
        >>> Temperature(value=100.4, unit="F").celsius
        38.0
        >>> Temperature.from_celsius(38.2).celsius
        38.2
    """

    value: _Finite
    """The reading, in ``unit``."""
    unit: TemperatureUnit
    """``C`` (degrees Celsius) or ``F`` (degrees Fahrenheit)."""

    @model_validator(mode="after")
    def _plausible(self) -> Temperature:
        # A reading within the range in its own unit is within it in °C: the conversion and the
        # rounding to 0.01 °C are monotone, and the range's ends convert exactly.
        if self.unit is TemperatureUnit.CELSIUS:
            if TEMPERATURE_MIN_C <= self.value <= TEMPERATURE_MAX_C:
                return self
        elif _TEMPERATURE_MIN_F <= self.value <= _TEMPERATURE_MAX_F:
            return self
        celsius = to_celsius(self.value, self.unit)
        if not TEMPERATURE_MIN_C <= celsius <= TEMPERATURE_MAX_C:
            raise PydanticCustomError(
                "temperature_out_of_range",
                "{value} °{unit} is {celsius} °C, outside the plausible range {low}-{high} °C",
                {
                    "value": self.value,
                    "unit": self.unit.value,
                    "celsius": celsius,
                    "low": TEMPERATURE_MIN_C,
                    "high": TEMPERATURE_MAX_C,
                },
            )
        return self

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The plausible range depends on the unit (D15): say so, so that a standard validator
        # rejects what the model rejects. The model compares at 0.01 °C, half up (D14), so the
        # exact edges are the readings that round to 25.00 and to 45.00 °C.
        described = super().__get_pydantic_json_schema__(core_schema, handler)
        schema = dict(handler.resolve_ref_schema(described))
        schema["if"] = {"properties": {"unit": {"const": TemperatureUnit.CELSIUS.value}}}
        schema["then"] = {"properties": {"value": _SCHEMA_RANGE[TemperatureUnit.CELSIUS]}}
        schema["else"] = {"properties": {"value": _SCHEMA_RANGE[TemperatureUnit.FAHRENHEIT]}}
        return schema

    @property
    def celsius(self) -> float:
        """The reading in °C, rounded to 0.01 °C (D14)."""
        return to_celsius(self.value, self.unit)

    @classmethod
    def from_celsius(cls, value: float) -> Temperature:
        """Build a reading in °C.

        Example:
            >>> Temperature.from_celsius(38.0)
            Temperature(value=38.0, unit=<TemperatureUnit.CELSIUS: 'C'>)
        """
        return cls(value=value, unit=TemperatureUnit.CELSIUS)

    @classmethod
    def from_fahrenheit(cls, value: float) -> Temperature:
        """Build a reading in °F.

        Example:
            >>> Temperature.from_fahrenheit(100.4).celsius
            38.0
        """
        return cls(value=value, unit=TemperatureUnit.FAHRENHEIT)

    def __str__(self) -> str:
        if self.unit is TemperatureUnit.CELSIUS:
            return f"{self.value:g} °C"
        return f"{self.value:g} °F = {self.celsius:g} °C"


def describe(value: Any) -> str:
    """Render an input value for an explanation: enums by value, floats without noise.

    Example:
        >>> describe(TemperatureUnit.CELSIUS)
        'C'
        >>> describe(6.0)
        '6'
    """
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


_M = TypeVar("_M", bound=BaseModel)


def coerce(value: _M | Mapping[str, Any], model: type[_M], function: str) -> _M:
    """``value`` as a ``model``: kept when it is one, validated when it is a mapping.

    Every grading and scoring function takes its input in either form (docs/api.md).

    Args:
        value: a ``model`` instance, or a mapping validated into one.
        model: the input model.
        function: the public function's name, for the error.

    Raises:
        pydantic.ValidationError: the mapping is not a valid ``model``.
        AstctGradingError: ``value`` is neither (type ``input_type``).

    Example:
        >>> coerce({"value": 38.5, "unit": "C"}, Temperature, "grade").celsius
        38.5
        >>> coerce([38.5], Temperature, "grade")
        Traceback (most recent call last):
        ...
        astct_grading.errors.AstctGradingError: grade takes a Temperature or a mapping, not list
    """
    if isinstance(value, model):
        return value
    if isinstance(value, Mapping):
        return model.model_validate(value)
    raise AstctGradingError(
        "input_type",
        f"{function} takes a {model.__name__} or a mapping, not {type(value).__name__}",
    )
