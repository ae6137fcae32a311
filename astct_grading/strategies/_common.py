"""Shared parts of the strategies: completeness, numbers at the cut-offs, temperatures.

Values lean on the bounds of the rules, read from the criteria tables rather than retyped (38.0 °C
and 100.4 °F, the plausible range of D15).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from pydantic import BaseModel

from astct_grading.core.validation import (
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
    Temperature,
    TemperatureUnit,
    to_celsius,
)
from astct_grading.criteria.crs import (
    FEVER_MIN_C,
)

#: What a record strategy draws: determined records, records with unknown inputs, or both.
Completeness = Literal["any", "complete", "partial"]
_COMPLETENESS = ("any", "complete", "partial")

_M = TypeVar("_M", bound=BaseModel)
Record = dict[str, Any]


def _check_completeness(completeness: object) -> None:
    if completeness not in _COMPLETENESS:
        raise InvalidArgument(f"completeness must be one of {_COMPLETENESS}, not {completeness!r}")


def _hundredths(low: float, high: float) -> st.SearchStrategy[float]:
    """Numbers at 0.01 precision in [low, high], shrinking towards ``low``."""
    return st.integers(math.ceil(round(low * 100, 6)), math.floor(round(high * 100, 6))).map(
        lambda n: n / 100
    )


def _near(bound: float, *steps: float) -> list[float]:
    """``bound`` and ``bound + step`` for each step, exact at 0.01 (no binary noise)."""
    return [float(Decimal(repr(bound)) + Decimal(repr(step))) for step in (0.0, *steps)]


def _edged(edges: Sequence[float], low: float, high: float) -> st.SearchStrategy[float]:
    """The edges inside [low, high] first (shrinking towards the first), then any hundredth."""
    inside = [edge for edge in edges if low <= edge <= high]
    spread = _hundredths(low, high)
    return st.one_of(st.sampled_from(inside), spread) if inside else spread


def _unique(values: Sequence[float]) -> list[float]:
    return list(dict.fromkeys(values))


# --- Temperature -----------------------------------------------------------------------------


def _to_fahrenheit(celsius: float) -> float:
    return float(Decimal(repr(celsius)) * 9 / 5 + 32)


#: °C values on and beside the fever bound (38.0, compared at 0.01 °C: D1, D14, D17) and at the
#: edges of the plausible range (D15). 37.995 rounds up to the bound, 37.994 stays below it.
_CELSIUS_EDGES = _unique(
    [
        *_near(FEVER_MIN_C, -0.01, 0.01, -0.005, -0.006, 0.005, 0.004),
        TEMPERATURE_MIN_C,
        TEMPERATURE_MAX_C,
    ]
)
#: The same in °F: 100.4 °F is 38.0 °C exactly; 100.39 and 100.41 fall either side.
_FAHRENHEIT_EDGES = _unique(
    [
        *_near(_to_fahrenheit(FEVER_MIN_C), -0.01, 0.01, -0.1, 0.1),
        _to_fahrenheit(TEMPERATURE_MIN_C),
        _to_fahrenheit(TEMPERATURE_MAX_C),
    ]
)


def _temperature_dicts(
    low: float = TEMPERATURE_MIN_C,
    high: float = TEMPERATURE_MAX_C,
    units: Sequence[TemperatureUnit] = tuple(TemperatureUnit),
) -> st.SearchStrategy[Record]:
    def one(unit: TemperatureUnit) -> st.SearchStrategy[Record]:
        if unit is TemperatureUnit.CELSIUS:
            values = _edged(_CELSIUS_EDGES, low, high)
        else:
            values = _edged(_FAHRENHEIT_EDGES, _to_fahrenheit(low), _to_fahrenheit(high))
        return values.filter(lambda v: low <= to_celsius(v, unit) <= high).map(
            lambda v: {"value": v, "unit": unit.value}
        )

    return st.sampled_from(list(units)).flatmap(one)


def temperatures(
    *,
    min_value: float = TEMPERATURE_MIN_C,
    max_value: float = TEMPERATURE_MAX_C,
    unit: TemperatureUnit | str | None = None,
) -> st.SearchStrategy[Temperature]:
    """Body temperatures in °C or °F whose value in °C lies in [min_value, max_value].

    Values are given at 0.01 of their unit and lean on the fever bound (38.0 °C, 100.4 °F and
    their neighbours, including 37.995 °C which rounds up to it) and on the plausible range
    25-45 °C. Shrinks towards 38.0 °C.

    Args:
        min_value: the lowest temperature, in °C (at least 25.0).
        max_value: the highest temperature, in °C (at most 45.0).
        unit: ``"C"`` or ``"F"`` to draw only that unit; None for both.

    Example:
        >>> from hypothesis import find
        >>> find(temperatures(), lambda t: True)
        Temperature(value=38.0, unit=<TemperatureUnit.CELSIUS: 'C'>)
        >>> find(temperatures(unit="F"), lambda t: True).celsius
        38.0
    """
    if not TEMPERATURE_MIN_C <= min_value <= max_value <= TEMPERATURE_MAX_C:
        raise InvalidArgument(
            f"need {TEMPERATURE_MIN_C} <= min_value <= max_value <= {TEMPERATURE_MAX_C} (°C), "
            f"not {min_value!r}, {max_value!r}"
        )
    units = tuple(TemperatureUnit) if unit is None else (TemperatureUnit(unit),)
    return _temperature_dicts(min_value, max_value, units).map(Temperature.model_validate)
