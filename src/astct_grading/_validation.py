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

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticKnownError

__all__ = [
    "AgeYears",
    "FiniteFloat",
    "Fio2",
    "FlowLMin",
    "InputModel",
    "Temperature",
    "TemperatureUnit",
    "quantize",
    "to_celsius",
]

#: Decimal places at which quantities are compared with a rule's bound (D14).
COMPARISON_PLACES = 2
_QUANTUM = Decimal(1).scaleb(-COMPARISON_PLACES)
# A value within this of a whole number of hundredths is taken as given at 0.01 precision.
_EXACT = 1e-6

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
    hundredths = round(value * 100)
    if abs(value * 100 - hundredths) < _EXACT:
        return hundredths / 100  # already at the comparison precision: the common, fast case
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
    hundredths = round(value * 100)
    if abs(value * 100 - hundredths) < _EXACT:
        # (F - 32) x 5/9 in hundredths of a degree, rounded half up in integer arithmetic.
        return ((hundredths - 3200) * 10 + 9) // 18 / 100
    exact = (Decimal(repr(value)) - 32) * 5 / 9
    return float(exact.quantize(_QUANTUM, rounding=ROUND_HALF_UP))


def _reject_bool(value: object) -> object:
    # Lax mode would read True as 1.0; a boolean in a numeric field is a data error (D15).
    if isinstance(value, bool):
        raise PydanticCustomError(
            "bool_not_number",
            "a boolean is not accepted where a number is expected",
        )
    return value


#: A finite float; booleans, NaN and infinities are rejected (D15). Numeric strings are parsed.
FiniteFloat = Annotated[float, BeforeValidator(_reject_bool), Field(allow_inf_nan=False)]

# FiniteFloat with its finiteness checked by pydantic-core: given before the boolean check, it
# sits inside the float validator instead of in a Python validator after it, with the same errors.
_Finite = Annotated[float, Field(allow_inf_nan=False), BeforeValidator(_reject_bool)]


def _within(ge: float, le: float) -> Callable[[float], float]:
    """A check of ``ge <= value <= le`` with the errors of ``Field(ge=ge, le=le)``.

    One Python validator instead of the two pydantic adds for bounds placed after a
    ``BeforeValidator``. The bounds stay in Python: pydantic-core's would report some bounds as
    floats (``{'ge': 0.0}`` for ``ge=0``) in the error's context. Types using it pin their JSON
    Schema to the one the two validators publish (``ge``/``le``).
    """

    def check(value: float) -> float:
        if not value >= ge:
            raise PydanticKnownError("greater_than_equal", {"ge": ge})
        if not value <= le:
            raise PydanticKnownError("less_than_equal", {"le": le})
        return value

    return check


#: Oxygen flow in L/min, 0-80 (D14, D15).
FlowLMin = Annotated[
    _Finite, AfterValidator(_within(0, 80)), WithJsonSchema({"ge": 0, "le": 80, "type": "number"})
]

#: Fraction of inspired oxygen, 0.21-1.0. Recorded only: it never changes an ASTCT grade (D4).
Fio2 = Annotated[
    _Finite,
    AfterValidator(_within(0.21, 1.0)),
    WithJsonSchema({"ge": 0.21, "le": 1.0, "type": "number"}),
]

#: Age in decimal years, 0-130 (D15).
AgeYears = Annotated[
    _Finite,
    AfterValidator(_within(0, 130)),
    WithJsonSchema({"ge": 0, "le": 130, "type": "number"}),
]


class InputModel(BaseModel):
    """Base of every input model: frozen, unknown fields rejected, docstrings in the JSON Schema."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_attribute_docstrings=True,
        validate_default=False,
    )


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
