"""Columnar grading against the per-record path, in one run (docs/performance.md, "Columnar").

Run: ``python -m benchmarks.frame [ROWS]`` (default 2,000,000). It builds a CRS table of
realistic, mostly distinct rows (temperatures in °C and °F around the fever bound, every oxygen
device with flows around 6 L/min, vasopressor lists, some unknown inputs), in two forms:

* typed: the enumerations as dictionary (categorical) columns, as pandas ``category``, polars
  ``Enum``/``Categorical`` and Parquet's dictionary pages give them;
* text: the same enumerations as plain strings, each cell hashed to be read.

It grades each with ``grade_crs_table`` on one core, the grade and bounds alone
(``explain=False``) and with the drivers and missing inputs, best of five; and grades a sample
of the same rows record by record with ``grade_crs`` (validated from dicts). The times are the
process's CPU time (``time.process_time``), so other work on a shared machine does not inflate
them; it prints rows/s for each and the ratio to the per-record path.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from astct_grading import grade_crs
from astct_grading.criteria.crs import OxygenDevice, VasopressorAgent
from astct_grading.crs import CrsOptions
from astct_grading.frame import grade_crs_table
from astct_grading.frame._table import Columns
from astct_grading.frame.crs import _COLUMNS, _TABLES


def crs_table(rows: int, seed: int = 1) -> pa.Table:
    """A typed CRS table of ``rows`` realistic rows."""
    rng = np.random.default_rng(seed)
    fahrenheit = rng.random(rows) < 0.3
    celsius = np.round(rng.normal(38.0, 0.8, rows), 2)
    value = np.where(fahrenheit, np.round(celsius * 9 / 5 + 32, 1), celsius)
    devices = np.array([device.value for device in OxygenDevice])
    agents = [agent.value for agent in VasopressorAgent]
    lengths = rng.choice([0, 0, 0, 1, 1, 2], rows)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    items = pa.array(np.array(agents)[rng.integers(0, len(agents), int(offsets[-1]))])
    vasopressors = pa.ListArray.from_arrays(
        pa.array(offsets, pa.int32()), items, mask=pa.array(rng.random(rows) < 0.1)
    )
    # As Arrow, Parquet and dataframes give them: a null list spans no items.
    vasopressors = pa.array(vasopressors.to_pylist(), pa.list_(pa.string()))
    flow = np.round(rng.uniform(0, 15, rows), 2)

    def flags(null: float) -> pa.Array:
        return pa.array(rng.random(rows) < 0.1, mask=rng.random(rows) < null)

    device = devices[rng.integers(0, len(devices), rows)]
    return pa.table(
        {
            "temperature.value": value,
            "temperature.unit": np.where(fahrenheit, "F", "C"),
            "fever_other_cause": flags(0.02),
            "fever_waiver": flags(0.3),
            # Absent hypotension only without vasopressors (else a hypotension_conflict).
            "hypotension": pa.array(
                (rng.random(rows) < 0.3) | (lengths > 0), mask=rng.random(rows) < 0.2
            ),
            "vasopressors": vasopressors,
            "hypotension_other_cause": flags(0.02),
            "oxygen.device": device,
            "oxygen.flow_l_min": pa.array(
                flow, mask=(device == "room_air") | (rng.random(rows) < 0.3)
            ),
            "hypoxia_other_cause": flags(0.02),
            "death_due_to_crs": flags(0.01),
        }
    )


def typed(table: pa.Table) -> pa.Table:
    """The table with its text columns and list items dictionary-encoded (categorical)."""
    for name in ("temperature.unit", "oxygen.device"):
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pc.dictionary_encode(table.column(name)))
    lists = table.column("vasopressors").combine_chunks()
    items = pc.dictionary_encode(lists.values)
    index = table.schema.get_field_index("vasopressors")
    encoded = pa.ListArray.from_arrays(lists.offsets, items, mask=lists.is_null())
    return table.set_column(index, "vasopressors", encoded)


def _best(function: Callable[[], object], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


def main(rows: int) -> None:
    text = crs_table(rows)
    tables = {"typed": typed(text), "text": text}
    start = time.process_time()
    out = grade_crs_table(tables["typed"])
    cold = time.process_time() - start
    codes = int((_TABLES[CrsOptions()].low >= 0).sum())
    invalid = rows - out.column("error_type").null_count
    sample = min(rows, 50_000)
    columns = Columns(text, _COLUMNS)
    records = [columns.record(i) for i in range(sample)]

    def per_record() -> None:
        for record in records:
            grade_crs(record)  # every row is valid

    record_rate = sample / _best(per_record, 3)
    print(f"rows: {rows:,} ({invalid:,} invalid), CPU time, best of 5")
    print(f"first call:            {rows / cold:>12,.0f} rows/s ({codes:,} patterns graded)")
    for form, table in tables.items():
        for label, explain in (("grade and bounds", False), ("with explanations", True)):
            seconds = _best(partial(grade_crs_table, table, explain=explain))
            rate = rows / seconds
            print(
                f"{form:5} {label:17} {rate:>12,.0f} rows/s  {rate / record_rate:6.1f}x per record"
            )
    print(f"per record:            {record_rate:>12,.0f} rows/s (grade_crs on {sample:,} dicts)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000)
