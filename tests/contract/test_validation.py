"""The shared validation layer: units, rounding (D14) and plausibility (D15)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from astct_grading import Temperature, TemperatureUnit
from astct_grading.core.validation import describe, quantize, to_celsius


@pytest.mark.parametrize(
    ("value", "expected"),
    [(37.994, 37.99), (37.995, 38.0), (6.004, 6.0), (6.005, 6.01), (-1.005, -1.01), (38.0, 38.0)],
)
def test_quantize_rounds_half_up_on_the_decimal_value(value: float, expected: float) -> None:
    assert quantize(value) == expected


@pytest.mark.parametrize(
    ("fahrenheit", "celsius"),
    [(100.4, 38.0), (100.3, 37.94), (98.6, 37.0), (77.0, 25.0), (113.0, 45.0), (104.0, 40.0)],
)
def test_fahrenheit_converts_exactly(fahrenheit: float, celsius: float) -> None:
    assert Temperature.from_fahrenheit(fahrenheit).celsius == celsius


@pytest.mark.parametrize(
    ("fahrenheit", "celsius"),
    [(100.399, 38.0), (100.385, 37.99), (100.3911, 38.0), (100.3909, 37.99)],
)
def test_fahrenheit_beyond_hundredths_uses_exact_decimal(fahrenheit: float, celsius: float) -> None:
    # 100.399 °F = 37.9994 °C -> 38.00; 100.3911 °F = 37.99505 °C -> 38.00; 100.3909 °F =
    # 37.99494 °C -> 37.99 (D14: half up at 0.01 °C on the exact decimal value).
    assert to_celsius(fahrenheit, TemperatureUnit.FAHRENHEIT) == celsius


def test_temperature_keeps_the_reading_as_given() -> None:
    reading = Temperature.from_fahrenheit(100.4)
    assert reading.value == 100.4
    assert reading.unit is TemperatureUnit.FAHRENHEIT
    assert str(reading) == "100.4 °F = 38 °C"
    assert str(Temperature.from_celsius(38.25)) == "38.25 °C"


def test_temperature_out_of_range_message_names_both_units() -> None:
    with pytest.raises(ValidationError) as info:
        Temperature.from_fahrenheit(120)
    error = info.value.errors()[0]
    assert error["type"] == "temperature_out_of_range"
    assert "120.0 °F is 48.89 °C" in error["msg"]


@given(st.floats(min_value=25, max_value=45, allow_nan=False))
def test_celsius_reading_is_its_own_rounding(value: float) -> None:
    assert Temperature.from_celsius(value).celsius == quantize(value)


def test_describe() -> None:
    assert describe(TemperatureUnit.CELSIUS) == "C"
    assert describe(6.0) == "6"
    assert describe(6.25) == "6.25"
    assert describe("x") == "x"


def _decimal_quantize(value: float) -> float:
    """D14 by its definition: the decimal value, rounded half up to 0.01."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _decimal_celsius(fahrenheit: float) -> float:
    exact = (Decimal(repr(fahrenheit)) - 32) * 5 / 9
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# Values at every precision, with the half-hundredths (where binary and decimal rounding can
# differ) and their neighbours leaned on.
_HALVES = st.integers(min_value=-100_000, max_value=100_000).map(lambda n: (n + 0.5) / 100)
_AT_ANY_PRECISION = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e14, max_value=1e14),
    _HALVES,
    _HALVES.map(lambda v: v * 1e8),
    _HALVES.map(lambda v: math.nextafter(v, math.inf)),
    _HALVES.map(lambda v: math.nextafter(v, -math.inf)),
    _HALVES.map(lambda v: v + 1e-4),
    _HALVES.map(lambda v: v - 1e-4),
)


@given(_AT_ANY_PRECISION)
def test_quantize_is_the_decimal_rounding_at_every_precision(value: float) -> None:
    assert quantize(value) == _decimal_quantize(value)


@given(st.one_of(_AT_ANY_PRECISION, _HALVES.map(lambda c: c * 1.8 + 32)))
def test_fahrenheit_is_the_decimal_conversion_at_every_precision(value: float) -> None:
    # From 2**53 / 100 on, a reading is converted without rounding (to_celsius; D15 rejects it).
    assume(abs(value) < 2.0**53 / 100)
    assert to_celsius(value, TemperatureUnit.FAHRENHEIT) == _decimal_celsius(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(37.99499, 37.99), (37.9951, 38.0), (6.00499, 6.0), (6.00501, 6.01), (38.123456, 38.12)],
)
def test_quantize_beyond_hundredths_on_both_sides_of_a_half(value: float, expected: float) -> None:
    assert quantize(value) == expected
