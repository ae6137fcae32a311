"""Rows of a SLEDAI-2K table for the differential tests, and the record the per-record path reads.

``expected_record`` is written here from docs/frame.md, independently of the library's reading:
a top-level null cell is JSON null; a nested null cell leaves the key out of its object; the
object is given when any of its columns holds a value; a column left out of the table is a key
left out of the record.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
from hypothesis import strategies as st

from astct_grading.criteria.sledai2k import (
    DESCRIPTORS,
    FEVER_ABOVE_C,
    PLATELETS_BELOW,
    PROTEINURIA_ABOVE_G_24H,
    URINE_CELLS_ABOVE_HPF,
    WBC_BELOW,
    DescriptorRule,
)

_RULES: tuple[DescriptorRule, ...] = tuple(DESCRIPTORS.values())
MEASUREMENTS = {"c3": "lower_limit", "c4": "lower_limit", "ch50": "lower_limit"}
MEASUREMENTS["anti_dsdna"] = "upper_limit"
OBJECTS = ("temperature", *MEASUREMENTS)
NUMBER = (
    "window_days",
    "temperature.value",
    "platelets_10e9_l",
    "wbc_10e9_l",
    "proteinuria_g_24h",
    "urine_rbc_per_hpf",
    "urine_wbc_per_hpf",
    *(f"{name}.{part}" for name, limit in MEASUREMENTS.items() for part in ("value", limit)),
    "arthritis_joint_count",
)
TEXT = ("visit_date", "temperature.unit", *(f"{name}.unit" for name in MEASUREMENTS))
BOOLEAN = tuple(
    name
    for rule in _RULES
    for name in (
        rule.descriptor.value,
        *((f"{rule.descriptor.value}_other_cause",) if rule.excluded_causes else ()),
    )
)
SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        *((name, pa.float64()) for name in NUMBER),
        *((name, pa.string()) for name in TEXT),
        *((name, pa.bool_()) for name in BOOLEAN),
    ]
)

_SPECIAL = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1e300, -1e300, 1e7 + 0.005, 2.0**60]
_STEPS = (-0.01, -0.005, -0.004, 0.0, 0.004, 0.005, 0.01)


def _near(*points: float) -> st.SearchStrategy[float]:
    """Values on and beside each point, at the D14 precision and half a step off it."""
    return st.sampled_from([p + d for p in points for d in _STEPS])


def _number(*points: float) -> st.SearchStrategy[float | None]:
    return st.one_of(
        st.none(),
        _near(*points),
        st.sampled_from(_SPECIAL),
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(min_value=min(points) - 5, max_value=max(points) + 5),
    )


_FAHRENHEIT_FEVER = FEVER_ABOVE_C * 9 / 5 + 32
_NUMBERS: dict[str, st.SearchStrategy[float | None]] = {
    "temperature.value": _number(FEVER_ABOVE_C, _FAHRENHEIT_FEVER, 25.0, 45.0, 77.0, 113.0),
    "platelets_10e9_l": _number(PLATELETS_BELOW, 0.0, 5000.0),
    "wbc_10e9_l": _number(WBC_BELOW, 0.0, 1000.0),
    "proteinuria_g_24h": _number(PROTEINURIA_ABOVE_G_24H, 0.0, 100.0),
    "urine_rbc_per_hpf": _number(URINE_CELLS_ABOVE_HPF, 0.0, 1000.0),
    "urine_wbc_per_hpf": _number(URINE_CELLS_ABOVE_HPF, 0.0, 1000.0),
}
_RANGES = {
    "temperature.value": (25.0, 113.0),
    "platelets_10e9_l": (0.0, 5000.0),
    "wbc_10e9_l": (0.0, 1000.0),
    "proteinuria_g_24h": (0.0, 100.0),
    "urine_rbc_per_hpf": (0.0, 1000.0),
    "urine_wbc_per_hpf": (0.0, 1000.0),
}
_JOINTS = st.one_of(
    st.none(),
    st.integers(0, 4).map(float),
    st.sampled_from([68.0, 69.0, -1.0, 1.5, 2.0000001, math.nan, math.inf, 1e300, -0.0]),
)
_WINDOWS = st.sampled_from([10.0, 30.0])
_ODD_WINDOWS = st.sampled_from([None, 28.0, 10.5, 0.0, math.nan, -10.0])
_DATES = st.sampled_from([None, "2024-03-01", "2023-12-31"])
_ODD_DATES = st.sampled_from(
    ["2024-02-30", "2024-03-01T00:00", "2024-03-01T10:00", "1700000000", "", "x", "2024-3-1"]
)
_UNITS = st.sampled_from([None, "g/L", "IU/mL", "U/mL"])
_ODD_UNITS = st.sampled_from(["", " ", "x" * 32, "x" * 33, "é" * 32, "é" * 33])
_LAB_UNITS = st.one_of(st.none(), st.sampled_from(["C", "F"]))
_ODD_LAB_UNITS = st.sampled_from(["c", "K", "", "celsius"])


@st.composite
def _measurement(draw: st.DrawFn, weird: bool) -> tuple[float | None, float | None]:
    """(value, limit): often on either side of the limit, or exactly on it."""
    limit = draw(st.one_of(st.none(), st.sampled_from([0.9, 30.0, 0.1, 1.0])))
    if weird:
        limit = draw(st.one_of(st.just(limit), st.sampled_from([0.0, -1.0, math.nan, math.inf])))
    if limit is None or not math.isfinite(limit):
        value = draw(st.one_of(st.none(), st.sampled_from([0.5, 45.0, 0.0])))
    else:
        delta = draw(st.sampled_from([-limit, -0.01, -1e-9, 0.0, 1e-9, 0.01, 15.0]))
        value = draw(st.one_of(st.none(), st.just(limit + delta)))
    if weird:
        value = draw(st.one_of(st.just(value), st.sampled_from([-0.01, math.nan, -math.inf])))
    elif value is None or limit is None:
        value = limit = None  # both or neither: a plausible measurement
    return value, limit


_TEMPERATURES = {
    "C": _near(FEVER_ABOVE_C, 25.0, 45.0, 37.0),
    "F": _near(_FAHRENHEIT_FEVER, 77.0, 113.0, 98.6),
}


@st.composite
def rows(draw: st.DrawFn, *, invalid: bool = True) -> dict[str, Any]:
    """One row: every column drawn from its values on the rules' bounds, null included.

    With ``invalid`` (the default) about half the rows have odd values in a few of their
    columns (out of range, not finite, unknown texts, half a temperature or measurement);
    otherwise the numbers stay in their ranges, a temperature or measurement is whole or not
    given, and the texts are among the accepted values (the row may still contradict itself).
    """
    row: dict[str, Any] = {}
    weird = invalid and draw(st.booleans())

    def odd() -> bool:
        return weird and draw(st.integers(0, 4)) == 0

    for name, values in _NUMBERS.items():
        value = draw(values)
        low, high = _RANGES[name]
        row[name] = value if odd() or value is None or low <= value <= high else None
    if odd():
        row["temperature.unit"] = draw(st.one_of(_LAB_UNITS, _ODD_LAB_UNITS))
    else:
        unit = draw(_LAB_UNITS)
        row["temperature.unit"] = unit
        row["temperature.value"] = None if unit is None else draw(_TEMPERATURES[unit])
    for name, limit in MEASUREMENTS.items():
        row[f"{name}.value"], row[f"{name}.{limit}"] = draw(_measurement(odd()))
        unit = draw(st.one_of(_UNITS, _ODD_UNITS) if odd() else _UNITS)
        row[f"{name}.unit"] = unit if weird or row[f"{name}.value"] is not None else None
    joints = draw(_JOINTS)
    row["arthritis_joint_count"] = (
        joints if odd() or joints is None or joints in range(0, 69) else None
    )
    row["window_days"] = draw(st.one_of(_WINDOWS, _ODD_WINDOWS) if odd() else _WINDOWS)
    row["visit_date"] = draw(st.one_of(_DATES, _ODD_DATES) if odd() else _DATES)
    # Calls: mostly absent findings, as on a form; in half the plain rows every call and cause
    # is given (a determined score, unless a raw value leaves one open).
    calls = (
        [False, False, True] if not weird and draw(st.booleans()) else [False, False, None, True]
    )
    for name in BOOLEAN:
        row[name] = draw(st.sampled_from(calls))
    if not weird or draw(st.booleans()):  # a call beside its raw value is mostly left out
        for name, raw in _RAW.items():
            if any(row[column] is not None for column in raw) and draw(st.integers(0, 3)):
                row[name] = None
    return row


#: The columns of each descriptor's raw values.
_RAW = {
    "fever": ("temperature.value",),
    "thrombocytopenia": ("platelets_10e9_l",),
    "leukopenia": ("wbc_10e9_l",),
    "proteinuria": ("proteinuria_g_24h",),
    "haematuria": ("urine_rbc_per_hpf",),
    "pyuria": ("urine_wbc_per_hpf",),
    "low_complement": ("c3.value", "c4.value", "ch50.value"),
    "increased_dna_binding": ("anti_dsdna.value",),
    "arthritis": ("arthritis_joint_count",),
}


def flatten(record: dict[str, Any]) -> dict[str, Any] | None:
    """A record as a row of the given keys, or None when no typed column can hold it."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key in OBJECTS:
            if value is None:
                continue  # an explicit null object is the model's default: not given
            if not isinstance(value, dict) or not value or None in value.values():
                return None
            for sub, inner in value.items():
                name = f"{key}.{sub}"
                if name not in SCHEMA.names or not _fits(name, inner):
                    return None
                row[name] = float(inner) if name in NUMBER else inner
        elif key not in SCHEMA.names or key == "id" or not _fits(key, value):
            return None
        else:
            row[key] = float(value) if key in NUMBER and value is not None else value
    return row


def _fits(name: str, value: Any) -> bool:
    if value is None:
        return True
    if name in NUMBER:
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and (not isinstance(value, int) or abs(value) < 2**53)
        )
    if name in BOOLEAN:
        return isinstance(value, bool)
    return isinstance(value, str)


def table(batch: Sequence[dict[str, Any]], names: Sequence[str] | None = None) -> pa.Table:
    """The rows as a typed table of the columns ``names`` (default: all), ids their positions."""
    chosen = list(SCHEMA.names if names is None else ["id", *names])
    schema = pa.schema([SCHEMA.field(name) for name in chosen])
    return pa.Table.from_pylist(
        [{name: row.get(name) for name in chosen} | {"id": i} for i, row in enumerate(batch)],
        schema=schema,
    )


def expected_record(row: dict[str, Any], names: Sequence[str] | None = None) -> dict[str, Any]:
    """The record the per-record path reads for a row of a table of the columns ``names``."""
    record: dict[str, Any] = {}
    for name in SCHEMA.names if names is None else names:
        if name == "id":
            continue
        value = row.get(name)
        parent, _, child = name.rpartition(".")
        if not parent:
            record[name] = value
        elif value is not None:
            record.setdefault(parent, {})[child] = value
    return record
