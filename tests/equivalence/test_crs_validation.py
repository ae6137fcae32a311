"""The validation shortcuts of CRS inputs agree with the general checks they replace.

The validation of bounded numbers uses one Python check instead of pydantic's two, and a
temperature inside the plausible range in its own unit skips the conversion (docs/performance.md).
Each shortcut is checked here against the general computation it replaces.
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError

from astct_grading.core.validation import (
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
    AgeYears,
    FiniteFloat,
    Fio2,
    FlowLMin,
    Temperature,
    TemperatureUnit,
    standard_bounds,
    to_celsius,
)
from astct_grading.crs.models import SystolicMmhg

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

#: The bounded types as pydantic builds them from Field(ge=..., le=...) after FiniteFloat.
REFERENCE_TYPES: list[tuple[Any, Any]] = [
    (FlowLMin, Annotated[FiniteFloat, Field(ge=0, le=80)]),
    (Fio2, Annotated[FiniteFloat, Field(ge=0.21, le=1.0)]),
    (AgeYears, Annotated[FiniteFloat, Field(ge=0, le=130)]),
    (SystolicMmhg, Annotated[FiniteFloat, Field(ge=20, le=300)]),
]
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1, max_value=310),
    st.integers(-10, 400),
    st.sampled_from([0, -0.0, 0.21, 0.2099, 1.0, 1.0001, 20, 19.99, 80, 80.5, 130, 300, 300.01]),
    st.sampled_from(["5", " 6.5 ", "-1", "nan", "inf", "1e400", "x", b"12", True, False, None]),
    st.sampled_from([[], {}, 10**400]),
)


def outcome(adapter: TypeAdapter[Any], value: Any) -> Any:
    try:
        return ("ok", repr(adapter.validate_python(value)))
    except ValidationError as error:
        return [
            (e["type"], e["loc"], e["msg"], repr(e["input"]), repr(e.get("ctx")))
            for e in error.errors()
        ]


@pytest.mark.parametrize(("fast", "reference"), REFERENCE_TYPES)
def test_bounded_numbers_publish_the_same_schema(fast: Any, reference: Any) -> None:
    # The same bounds, in the standard JSON Schema keywords (pydantic would write ``ge``/``le``
    # for the reference's bounds, checked after a Python validator).
    for kind in (fast, fast | None):
        other = reference if kind is fast else reference | None
        for mode in ("validation", "serialization"):
            expected = standard_bounds(TypeAdapter(other).json_schema(mode=mode))
            assert TypeAdapter(kind).json_schema(mode=mode) == expected


@SETTINGS
@given(NUMBERS)
def test_bounded_numbers_give_the_same_errors(value: Any) -> None:
    for fast, reference in REFERENCE_TYPES:
        assert outcome(TypeAdapter(fast), value) == outcome(TypeAdapter(reference), value)


def plausible_by_conversion(value: float, unit: TemperatureUnit) -> bool:
    return TEMPERATURE_MIN_C <= to_celsius(value, unit) <= TEMPERATURE_MAX_C


@SETTINGS
@given(
    st.one_of(
        st.floats(min_value=20, max_value=120),
        st.floats(min_value=20, max_value=120).map(lambda v: round(v, 2)),
        st.sampled_from([24.99, 24.994, 24.995, 25.0, 45.0, 45.004, 45.005, 45.01]),
        st.sampled_from([76.9, 76.99, 76.991, 77.0, 113.0, 113.008, 113.009, 113.01]),
    ),
    st.sampled_from(list(TemperatureUnit)),
)
def test_the_temperature_range_is_checked_as_by_conversion(
    value: float, unit: TemperatureUnit
) -> None:
    if plausible_by_conversion(value, unit):
        assert Temperature(value=value, unit=unit).celsius == to_celsius(value, unit)
    else:
        with pytest.raises(ValidationError) as info:
            Temperature(value=value, unit=unit)
        assert info.value.errors()[0]["type"] == "temperature_out_of_range"


def test_a_reading_rounded_into_the_range_is_accepted() -> None:
    # Outside 25-45 °C as given, inside once rounded to 0.01 °C (D14): converted, then accepted.
    assert Temperature(value=24.996, unit=TemperatureUnit.CELSIUS).celsius == 25.0
    assert Temperature(value=113.008, unit=TemperatureUnit.FAHRENHEIT).celsius == 45.0
