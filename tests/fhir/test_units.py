"""Unit conversion with UCUM semantics, both sides of every bound that matters."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from astct_grading import grade_crs
from astct_grading.fhir import read_resources
from astct_grading.fhir.units import (
    AGE_UNITS,
    DURATION_UNITS,
    FLOW_UNITS,
    FRACTION_UNITS,
    PRESSURE_UNITS,
    Conversion,
    UnitError,
    quantity,
    temperature,
)
from tests.fhir.helpers import q, temp, with_patient


@pytest.mark.parametrize(
    ("value", "unit", "fever"),
    [
        (37.9, "Cel", False),
        (38.0, "Cel", True),
        (100.2, "[degF]", False),
        (100.4, "[degF]", True),
        (311.05, "K", False),
        (311.15, "K", True),
    ],
)
def test_temperature_both_sides_of_fever(value: float, unit: str, fever: bool) -> None:
    read = read_resources(with_patient(temp("t", value, unit)))
    (patient,) = read.patients
    assert patient.course is not None
    assessment = patient.course.crs_assessments[0].assessment
    assert grade_crs(assessment).findings[0].present is fever


@pytest.mark.parametrize(
    ("units", "value", "code", "expected"),
    [
        (PRESSURE_UNITS, 89.99, "mm[Hg]", 89.99),
        (PRESSURE_UNITS, 12.0, "kPa", 90.01),
        (PRESSURE_UNITS, 11.99, "kPa", 89.93),
        (FLOW_UNITS, 6.0, "L/min", 6.0),
        (FLOW_UNITS, 6001, "mL/min", 6.001),
        (FLOW_UNITS, 6000, "mL/min", 6.0),
        (FRACTION_UNITS, 21, "%", 0.21),
        (FRACTION_UNITS, 0.4, "1", 0.4),
        (AGE_UNITS, 12, "a", 12),
        (AGE_UNITS, 144, "mo", 12),
        (AGE_UNITS, 52, "wk", 52 * 7 / 365.25),
        (AGE_UNITS, 365.25, "d", 1.0),
        (DURATION_UNITS, 5, "min", 5),
        (DURATION_UNITS, 301, "s", 301 / 60),
        (DURATION_UNITS, 0.1, "h", 6.0),
    ],
)
def test_quantity_conversions(
    units: Mapping[str, Conversion], value: float, code: str, expected: float
) -> None:
    assert quantity(q(value, code), units, "x") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("q_", "message"),
    [
        ({"value": 38.2, "unit": "deg C"}, "no UCUM code"),
        ({"value": 38.2, "code": "Cel", "system": "http://snomed.info/sct"}, "not UCUM"),
        ({"value": 38.2, "code": "degC"}, "unknown unit 'degC'"),
        ({"value": "38.2", "code": "Cel"}, "no numeric value"),
        ({"value": True, "code": "Cel"}, "no numeric value"),
        ({"value": float("nan"), "code": "Cel"}, "no numeric value"),
        (None, "no valueQuantity"),
    ],
)
def test_unknown_units_are_errors(q_: object, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        temperature(q_)


def test_unknown_unit_lists_the_resource() -> None:
    read = read_resources(with_patient(temp("t", 38.4, "[degC]")))
    (patient,) = read.patients
    assert [(p.resource, "unknown unit '[degC]'" in p.reason) for p in patient.problems] == [
        ("Observation/t", True)
    ]
    assert patient.course is not None
    assert patient.course.crs_assessments == ()
