"""Rows of an ICANS table for the differential tests, and the record the per-record path reads.

``expected_record`` is written here from docs/frame.md, independently of the library's reading:
a top-level null cell is JSON null; a nested null cell leaves the key out of its object; the
object (``ice``, ``capd``) is given when any of its columns holds a value; a column left out of
the table is a key left out of the record.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

import pyarrow as pa
from hypothesis import strategies as st

from astct_grading.criteria.icans import (
    CAPD_ITEMS,
    CAPD_MAX,
    ICE_DOMAINS,
    ICE_ITEMS,
    ICE_MAX,
    ICE_MIN_AGE_YEARS,
    ICP_SYNONYMS,
    SEIZURE_PROLONGED_MIN,
    CapdAnswer,
    CapdNotPerformed,
    ConsciousnessLevel,
    IceNotPerformed,
    IcpFinding,
    MotorFinding,
)

NUMBER = ("age_years", "seizure_duration_min")
ICE_ITEM_COLUMNS = tuple(f"ice.{item.name}" for item in ICE_ITEMS)
ICE_SUBTOTALS = {f"ice.{name}": len(items) for name, items in ICE_DOMAINS.items()}
CAPD_ANSWER_COLUMNS = tuple(f"capd.{item.name}" for item in CAPD_ITEMS)
CAPD_POINT_COLUMNS = tuple(f"capd.{item.name}_points" for item in CAPD_ITEMS)
INTEGER = (
    *ICE_ITEM_COLUMNS,
    *ICE_SUBTOTALS,
    "ice.total",
    *CAPD_POINT_COLUMNS,
    "capd.total",
    "capd.rass",
)
BOOLEAN = (
    "developmental_delay",
    "encephalopathy_other_cause",
    "consciousness_other_cause",
    "global_aphasia",
    "seizure",
    "seizure_over_5_min",
    "seizure_without_return_to_baseline",
    "seizure_other_cause",
    "motor_other_cause",
    "icp_other_cause",
    "tremor",
    "myoclonus",
    "intracranial_haemorrhage",
    "death_due_to_icans",
)
TEXT = ("ice.not_performed", *CAPD_ANSWER_COLUMNS, "capd.not_performed", "consciousness", "motor")
LIST = ("icp",)
#: Every number column as float64, so a row can hold what an integer field refuses (0.5, NaN).
SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        *((name, pa.float64()) for name in (*NUMBER, *INTEGER)),
        *((name, pa.bool_()) for name in BOOLEAN),
        *((name, pa.string()) for name in TEXT),
        ("icp", pa.list_(pa.string())),
    ]
)

_SPECIAL = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1e300, -1e300, 2.0**60]


def _near(*points: float) -> st.SearchStrategy[float]:
    """Values on and beside each point, at the D14 precision and half a step off it."""
    return st.sampled_from(
        [p + d for p in points for d in (-0.01, -0.005, -0.004, 0.0, 0.004, 0.005, 0.01)]
    )


def _number(*points: float, weird: bool) -> st.SearchStrategy[float | None]:
    if not weird:
        low, high = min(points), max(points)
        return st.one_of(
            st.none(), _near(*points).filter(lambda v: low < v <= high), st.floats(low + 0.01, high)
        )
    return st.one_of(
        st.none(),
        _near(*points),
        st.sampled_from(_SPECIAL),
        st.floats(allow_nan=True, allow_infinity=True),
    )


def _integer(low: int, high: int, *, weird: bool) -> st.SearchStrategy[float | None]:
    """An integer cell: null, in range; with ``weird`` also just outside it, a fraction, NaN."""
    valid = st.integers(low, high).map(float)
    if not weird:
        return st.one_of(st.none(), valid)
    return st.one_of(
        st.none(),
        valid,
        st.sampled_from([low - 1.0, high + 1.0, low + 0.5, math.nan, math.inf, -0.0, 1e300]),
    )


def _words(values: Collection[str], *, weird: bool) -> st.SearchStrategy[str | None]:
    choices = st.sampled_from(sorted(values))
    if not weird:
        return st.one_of(st.none(), choices)
    return st.one_of(st.none(), choices, st.sampled_from(["", "Alert", "x", "NEVER", " none"]))


_ICP_WORDS = sorted({*(finding.value for finding in IcpFinding), *ICP_SYNONYMS})


@st.composite
def _ice(draw: st.DrawFn, weird: bool) -> dict[str, Any]:
    """The ICE cells: absent, items, subtotals, a total, a reason, or any mix of them."""
    mode = draw(st.sampled_from(["absent", "items", "subtotals", "total", "reason", "any"]))
    cells: dict[str, Any] = dict.fromkeys(
        (*ICE_ITEM_COLUMNS, *ICE_SUBTOTALS, "ice.total", "ice.not_performed")
    )
    if mode == "absent":
        return cells
    if mode in ("items", "any"):
        for name in ICE_ITEM_COLUMNS:
            cells[name] = draw(_integer(0, 1, weird=weird))
    if mode in ("subtotals", "any"):
        for name, most in ICE_SUBTOTALS.items():
            cells[name] = draw(_integer(0, most, weird=weird))
    if mode in ("total", "any") or draw(st.booleans()):
        cells["ice.total"] = draw(_integer(0, ICE_MAX, weird=weird))
    if mode in ("reason", "any"):
        reasons = [reason.value for reason in IceNotPerformed]
        cells["ice.not_performed"] = draw(_words(reasons, weird=weird))
    return cells


@st.composite
def _capd(draw: st.DrawFn, weird: bool) -> dict[str, Any]:
    """The CAPD cells: absent, answers, points, a total, a RASS, a reason, or any mix."""
    mode = draw(st.sampled_from(["absent", "answers", "points", "total", "reason", "any"]))
    cells: dict[str, Any] = dict.fromkeys(
        (
            *CAPD_ANSWER_COLUMNS,
            *CAPD_POINT_COLUMNS,
            "capd.total",
            "capd.rass",
            "capd.not_performed",
        )
    )
    if mode == "absent":
        return cells
    answers = [answer.value for answer in CapdAnswer]
    if mode in ("answers", "any"):
        for name in CAPD_ANSWER_COLUMNS:
            cells[name] = draw(_words(answers, weird=weird))
    if mode in ("points", "any"):
        for name in CAPD_POINT_COLUMNS:
            cells[name] = draw(_integer(0, 4, weird=weird))
    if mode in ("total", "any") or draw(st.booleans()):
        cells["capd.total"] = draw(_integer(0, CAPD_MAX, weird=weird))
    if mode in ("reason", "any") or draw(st.booleans()):
        cells["capd.rass"] = draw(_integer(-5, 4, weird=weird))
    if mode in ("reason", "any"):
        reasons = [reason.value for reason in CapdNotPerformed]
        cells["capd.not_performed"] = draw(_words(reasons, weird=weird))
    return cells


@st.composite
def rows(draw: st.DrawFn, *, invalid: bool = True) -> dict[str, Any]:
    """One row: every column drawn from its values on the rules' bounds, null included.

    With ``invalid`` (the default) half the rows have values outside the models' ranges and
    words outside their enumerations; otherwise the values stay in range (the row may still
    contradict itself).
    """
    weird = invalid and draw(st.booleans())
    complete = draw(st.booleans())  # every yes/no input given: the grade is often determined
    row: dict[str, Any] = {
        "age_years": draw(_number(ICE_MIN_AGE_YEARS, 8.0, 11.0, 0.0, 130.0, 40.0, weird=weird)),
        "seizure_duration_min": draw(
            _number(SEIZURE_PROLONGED_MIN, 0.0, 10080.0, 1.0, weird=weird)
        ),
    }
    row.update(draw(_ice(weird)))
    row.update(draw(_capd(weird)))
    for name in BOOLEAN:
        row[name] = draw(st.booleans() if complete else st.one_of(st.none(), st.booleans()))
    # Death decides the grade whenever it is true: mostly false, so the other domains show.
    row["death_due_to_icans"] = draw(st.sampled_from([False, False, False, True, None]))
    row["consciousness"] = draw(_words([level.value for level in ConsciousnessLevel], weird=weird))
    row["motor"] = draw(_words([finding.value for finding in MotorFinding], weird=weird))
    items = st.sampled_from(_ICP_WORDS)
    if weird:
        items = st.one_of(items, st.none(), st.sampled_from(["papilloedema ", "x", "oedema"]))
    row["icp"] = draw(st.one_of(st.none(), st.lists(items, max_size=3)))
    return row


def flatten(record: dict[str, Any]) -> dict[str, Any] | None:
    """A record as a row (absent keys null), or None when no typed column can hold it."""
    row: dict[str, Any] = dict.fromkeys(SCHEMA.names)
    for key, value in record.items():
        if key in ("ice", "capd"):
            if value is None:
                continue
            if not isinstance(value, dict) or all(inner is None for inner in value.values()):
                return None  # {} or only nulls: a table gives the object only with a value
            for sub, inner in value.items():
                name = f"{key}.{sub}"
                if name not in row or not _fits(name, inner):
                    return None
                # A null inside is the field's default (every ICE and CAPD field is None).
                row[name] = float(inner) if name in INTEGER and inner is not None else inner
        elif key not in row or key == "id" or not _fits(key, value):
            return None
        else:
            row[key] = float(value) if key in NUMBER and value is not None else value
    return row


def _fits(name: str, value: Any) -> bool:
    if value is None:
        return True
    if name in NUMBER or name in INTEGER:
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and (not isinstance(value, int) or abs(value) < 2**53)
        )
    if name in BOOLEAN:
        return isinstance(value, bool)
    if name in TEXT:
        return isinstance(value, str)
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def table(batch: list[dict[str, Any]], left_out: Collection[str] = ()) -> pa.Table:
    """The rows as a table with the typed schema (their positions as ids), some columns left out."""
    data = pa.Table.from_pylist([{**row, "id": i} for i, row in enumerate(batch)], schema=SCHEMA)
    return data.drop_columns(list(left_out))


def expected_record(row: dict[str, Any], left_out: Collection[str] = ()) -> dict[str, Any]:
    """The record the per-record path reads for a row (docs/frame.md, "Cells and records")."""
    record: dict[str, Any] = {}
    for name, value in row.items():
        if name == "id" or name in left_out:
            continue
        parent, _, child = name.rpartition(".")
        if not parent:
            record[name] = value
        elif value is not None:
            record.setdefault(parent, {})[child] = value
    return record
