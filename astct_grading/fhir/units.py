"""Quantities read with UCUM semantics: each quantity kind accepts a closed set of UCUM codes.

A FHIR ``Quantity`` names its unit by ``system`` (UCUM, http://unitsofmeasure.org) and ``code``
(FHIR R4, datatypes: Quantity). Only the UCUM codes listed here are read, each with its exact
conversion to the unit the grading takes; any other code, a unit written only as display text
(``unit`` without ``code``), or another unit system is an error for that resource, never a guess.

Temperatures keep their unit: the grading converts °F to °C itself, exactly (D14), so 100.4 °F is
38.0 °C whatever the adapter does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from astct_grading.fhir.codes import UCUM

__all__ = [
    "AGE_UNITS",
    "DURATION_UNITS",
    "FLOW_UNITS",
    "FRACTION_UNITS",
    "PRESSURE_UNITS",
    "TEMPERATURE_UNITS",
    "UnitError",
    "quantity",
    "temperature",
]

#: 1 kPa in mmHg: 760 mmHg = 101.325 kPa (UCUM defines mm[Hg] as 133.322 Pa; the standard
#: atmosphere gives the same factor to 6 significant figures).
_MMHG_PER_KPA = 760 / 101.325

Conversion = Callable[[float], float]

#: Body temperature: UCUM ``Cel`` and ``[degF]`` (FHIR R4 bodytemp profile), kept as °C / °F;
#: ``K`` (kelvin) is converted to °C (T - 273.15).
TEMPERATURE_UNITS: Mapping[str, str] = MappingProxyType({"Cel": "C", "[degF]": "F", "K": "K"})
#: Systolic pressure to mmHg: ``mm[Hg]`` (FHIR R4 bp profile), ``kPa``.
PRESSURE_UNITS: Mapping[str, Conversion] = MappingProxyType(
    {"mm[Hg]": lambda v: v, "kPa": lambda v: round(v * _MMHG_PER_KPA, 2)}
)
#: Inhaled oxygen flow rate to L/min: ``L/min`` (US Core pulse oximetry), ``mL/min``.
FLOW_UNITS: Mapping[str, Conversion] = MappingProxyType(
    {"L/min": lambda v: v, "mL/min": lambda v: v / 1000}
)
#: Inhaled oxygen concentration to a fraction: ``%`` (US Core pulse oximetry), ``1`` (a ratio).
FRACTION_UNITS: Mapping[str, Conversion] = MappingProxyType(
    {"%": lambda v: round(v / 100, 6), "1": lambda v: v}
)
#: Age to years: ``a`` (year), ``mo`` (month, 1/12 a), ``wk`` (7 d), ``d`` (day; 365.25 d = 1 a,
#: UCUM's mean Julian year).
AGE_UNITS: Mapping[str, Conversion] = MappingProxyType(
    {
        "a": lambda v: v,
        "mo": lambda v: v / 12,
        "wk": lambda v: v * 7 / 365.25,
        "d": lambda v: v / 365.25,
    }
)
#: A duration to minutes: ``min``, ``s``, ``h``.
DURATION_UNITS: Mapping[str, Conversion] = MappingProxyType(
    {"min": lambda v: v, "s": lambda v: v / 60, "h": lambda v: v * 60}
)


class UnitError(ValueError):
    """A quantity the adapter cannot read: no value, or a unit it does not know."""


def _value_and_code(q: Any, what: str) -> tuple[float, str]:
    if not isinstance(q, Mapping):
        raise UnitError(f"{what}: no valueQuantity")
    value = q.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise UnitError(f"{what}: the quantity has no numeric value")
    system, code = q.get("system"), q.get("code")
    if code is None:
        raise UnitError(
            f"{what}: the unit {q.get('unit')!r} has no UCUM code; a unit is read from its code "
            "only, never guessed from its text"
        )
    if system not in (None, UCUM):
        raise UnitError(f"{what}: the unit system {system!r} is not UCUM ({UCUM})")
    return float(value), str(code)


def temperature(q: Any) -> dict[str, Any]:
    """A body temperature as the grading takes it: ``{"value": ..., "unit": "C" | "F"}``.

    Args:
        q: the FHIR Quantity.

    Returns:
        The temperature, in its own unit (kelvin converted to °C).

    Raises:
        UnitError: no value, or a unit other than ``Cel``, ``[degF]`` or ``K``.

    Example:
        >>> temperature({"value": 100.4, "system": "http://unitsofmeasure.org", "code": "[degF]"})
        {'value': 100.4, 'unit': 'F'}
        >>> temperature({"value": 311.15, "code": "K"})
        {'value': 38.0, 'unit': 'C'}
    """
    value, code = _value_and_code(q, "temperature")
    unit = TEMPERATURE_UNITS.get(code)
    if unit is None:
        raise UnitError(f"temperature: unknown unit {code!r} (UCUM Cel, [degF] or K are read)")
    if unit == "K":
        return {"value": round(value - 273.15, 2), "unit": "C"}
    return {"value": value, "unit": unit}


def quantity(q: Any, units: Mapping[str, Conversion], what: str) -> float:
    """A quantity converted to the grading's unit.

    Args:
        q: the FHIR Quantity.
        units: the UCUM codes accepted and their conversions (one of this module's tables).
        what: the quantity's name, for the error.

    Returns:
        The value in the grading's unit.

    Raises:
        UnitError: no value, or a unit not in ``units``.

    Example:
        >>> quantity({"value": 3000, "code": "mL/min"}, FLOW_UNITS, "oxygen flow")
        3.0
        >>> quantity({"value": 4, "code": "L/h"}, FLOW_UNITS, "oxygen flow")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        astct_grading.fhir.units.UnitError: oxygen flow: unknown unit 'L/h' (UCUM ...)
    """
    value, code = _value_and_code(q, what)
    convert = units.get(code)
    if convert is None:
        known = ", ".join(units)
        raise UnitError(f"{what}: unknown unit {code!r} (UCUM {known} are read)")
    return convert(value)
