"""Rows of a CRS table for the differential tests, and the record the per-record path reads.

``expected_record`` is written here from docs/frame.md, independently of the library's reading:
a top-level null cell is JSON null; a nested null cell leaves the key out of its object; the
object is given when any of its columns holds a value.
"""

from __future__ import annotations

import math
from typing import Any

import pyarrow as pa
from hypothesis import strategies as st

from astct_grading.criteria.crs import (
    ADULT_SYSTOLIC_MIN_MMHG,
    CHILD_MAX_YEARS,
    FEVER_MIN_C,
    INFANT_MAX_YEARS,
    INOTROPES,
    LOW_FLOW_MAX_L_MIN,
    NEONATE_MAX_YEARS,
    VASOPRESSOR_SYNONYMS,
    OxygenDevice,
    VasopressorAgent,
)

NUMBER = ("temperature.value", "systolic_bp_mmhg", "age_years", "oxygen.flow_l_min", "oxygen.fio2")
BOOLEAN = (
    "fever",
    "fever_other_cause",
    "fever_waiver",
    "hypotension",
    "hypotension_other_cause",
    "hypoxia_other_cause",
    "death_due_to_crs",
)
TEXT = ("temperature.unit", "oxygen.device")
LIST = ("vasopressors",)
#: An integer column, or a text column when a row of the batch holds text ("multiple").
COUNT = "vasopressor_count"
#: organ -> CTCAE grade, a map column.
OBJECT = "organ_toxicity"
SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        *((name, pa.float64()) for name in NUMBER),
        *((name, pa.bool_()) for name in BOOLEAN),
        *((name, pa.string()) for name in TEXT),
        ("vasopressors", pa.list_(pa.string())),
        (COUNT, pa.int64()),
        (OBJECT, pa.map_(pa.string(), pa.int64())),
    ]
)

_SPECIAL = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1e300, -1e300, 1e7 + 0.005, 2.0**60]


def _near(*points: float) -> st.SearchStrategy[float]:
    """Values on and beside each point, at the D14 precision and half a step off it."""
    return st.sampled_from(
        [p + d for p in points for d in (-0.01, -0.005, -0.004, 0.0, 0.004, 0.005, 0.01)]
    )


def _number(*points: float) -> st.SearchStrategy[float | None]:
    return st.one_of(
        st.none(),
        _near(*points),
        st.sampled_from(_SPECIAL),
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(min_value=min(points) - 5, max_value=max(points) + 5),
    )


_FAHRENHEIT_FEVER = FEVER_MIN_C * 9 / 5 + 32
_NUMBERS: dict[str, st.SearchStrategy[float | None]] = {
    "temperature.value": _number(FEVER_MIN_C, _FAHRENHEIT_FEVER, 25.0, 45.0, 77.0, 113.0, 37.0),
    "systolic_bp_mmhg": _number(ADULT_SYSTOLIC_MIN_MMHG, 60.0, 70.0, 78.0, 20.0, 300.0),
    "age_years": _number(
        NEONATE_MAX_YEARS, INFANT_MAX_YEARS, CHILD_MAX_YEARS, 4.0, 40.0, 0.0, 130.0
    ),
    "oxygen.flow_l_min": _number(LOW_FLOW_MAX_L_MIN, 0.0, 80.0, 15.0),
    "oxygen.fio2": _number(0.21, 1.0, 0.5),
}
_UNITS = st.one_of(st.none(), st.sampled_from(["C", "F", "c", "K", "", "celsius"]))
_DEVICES = st.one_of(
    st.none(),
    st.sampled_from([device.value for device in OxygenDevice]),
    st.sampled_from(["Room_Air", "oxygen", "nasal cannula", ""]),
)
_AGENT_NAMES = st.one_of(
    st.sampled_from([agent.value for agent in VasopressorAgent]),
    st.sampled_from(sorted(VASOPRESSOR_SYNONYMS)),
    st.sampled_from([*sorted(INOTROPES), " Dobutamine", "Noradrenaline", "NOREPINEPHRINE", "x"]),
)
_ITEMS = st.one_of(st.none(), st.lists(_AGENT_NAMES, max_size=4))
_COUNTS = st.one_of(st.none(), st.integers(0, 6), st.just("multiple"))
_WEIRD_COUNTS = st.one_of(_COUNTS, st.sampled_from([-1, 7, 2**40, "Multiple", "2", "", "many"]))
_ORGANS = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["liver", "kidney", "heart"]), st.integers(1, 5), max_size=2),
)
_WEIRD_ORGANS = st.one_of(
    _ORGANS, st.dictionaries(st.sampled_from(["liver", "", "x" * 65]), st.integers(-1, 6))
)
_ITEMS_WITH_NULLS = st.lists(st.one_of(st.none(), _AGENT_NAMES), min_size=1, max_size=3)


@st.composite
def rows(draw: st.DrawFn, *, invalid: bool = True) -> dict[str, Any]:
    """One row: every column drawn from its values on the rules' bounds, null included.

    With ``invalid`` (the default) rows are as often invalid as valid; otherwise the numbers stay
    in their ranges and the texts among the accepted values (the row may still contradict
    itself).
    """
    row: dict[str, Any] = {}
    weird = invalid and draw(st.booleans())
    for name, values in _NUMBERS.items():
        value = draw(values)
        row[name] = value if weird or value is None or _plausible(name, value) else None
    for name in BOOLEAN:
        row[name] = draw(st.one_of(st.none(), st.booleans()))
    row["temperature.unit"] = draw(_UNITS if weird else st.sampled_from([None, "C", "F"]))
    device = draw(_DEVICES)
    row["oxygen.device"] = device if weird or device in _VALID_DEVICES else None
    items = draw(st.one_of(_ITEMS, _ITEMS_WITH_NULLS) if weird else _ITEMS)
    if not weird and items is not None:
        items = [item for item in items if item in _VALID_AGENTS]
    row["vasopressors"] = items
    row[COUNT] = draw(_WEIRD_COUNTS if weird else _COUNTS)
    row[OBJECT] = draw(_WEIRD_ORGANS if weird else _ORGANS)
    return row


_VALID_DEVICES = {None, *(device.value for device in OxygenDevice)}
_VALID_AGENTS = {*(agent.value for agent in VasopressorAgent), *VASOPRESSOR_SYNONYMS}
_RANGES = {
    "systolic_bp_mmhg": (20, 300),
    "age_years": (0, 130),
    "oxygen.flow_l_min": (0, 80),
    "oxygen.fio2": (0.21, 1.0),
    "temperature.value": (25, 113),
}


def _plausible(name: str, value: float) -> bool:
    low, high = _RANGES[name]
    return low <= value <= high


def flatten(record: dict[str, Any]) -> dict[str, Any] | None:
    """A record as a row (absent keys null), or None when no typed column can hold it."""
    row: dict[str, Any] = dict.fromkeys(SCHEMA.names)
    for key, value in record.items():
        if key in ("temperature", "oxygen"):
            if value is None:
                continue
            if not isinstance(value, dict):
                return None
            for sub, inner in value.items():
                name = f"{key}.{sub}"
                if name not in row or not _fits(name, inner):
                    return None
                row[name] = float(inner) if name in NUMBER and inner is not None else inner
        elif key not in row or key == "id" or not _fits(key, value):
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
    if name in TEXT:
        return isinstance(value, str)
    if name == COUNT:
        return isinstance(value, str) or (type(value) is int and abs(value) < 2**63)
    if name == OBJECT:
        return isinstance(value, dict) and all(
            isinstance(key, str) and type(grade) is int and abs(grade) < 2**63
            for key, grade in value.items()
        )
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def schema_for(rows: list[dict[str, Any]], names: list[str] | None = None) -> pa.Schema:
    """The typed schema for ``rows`` (of the columns ``names``, by default all): the count
    column is text when a row holds text."""
    text = any(isinstance(row.get(COUNT), str) for row in rows)
    fields = [SCHEMA.field(name) for name in names or SCHEMA.names]
    return pa.schema(
        [pa.field(COUNT, pa.string()) if f.name == COUNT and text else f for f in fields]
    )


def table(batch: list[dict[str, Any]]) -> pa.Table:
    """The rows as a table with the typed schema (and their positions as ids).

    In a batch whose count column is text, a whole-number count is written as its text (as a
    text column holds it; the model refuses text numbers), in the row too.
    """
    schema = schema_for(batch)
    if schema.field(COUNT).type == pa.string():
        for row in batch:
            if isinstance(row.get(COUNT), int):
                row[COUNT] = str(row[COUNT])
    return pa.Table.from_pylist([{**row, "id": i} for i, row in enumerate(batch)], schema=schema)


def expected_record(row: dict[str, Any]) -> dict[str, Any]:
    """The record the per-record path reads for a row (docs/frame.md, "Cells and records")."""
    record: dict[str, Any] = {}
    for name, value in row.items():
        if name == "id":
            continue
        parent, _, child = name.rpartition(".")
        if not parent:
            record[name] = value
        elif value is not None:
            record.setdefault(parent, {})[child] = value
    return record
