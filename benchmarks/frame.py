"""Columnar grading against the per-record path, in one run (docs/frame.md, "Speed").

Run: ``python -m benchmarks.frame [ROWS]`` (default 2,000,000). It builds a typed CRS table of
realistic, mostly distinct rows (temperatures in °C and °F around the fever bound, every oxygen
device with flows around 6 L/min, vasopressor lists, some unknown inputs, a few invalid rows),
grades it with ``grade_crs_table`` on one core, and grades a sample of the same rows record by
record with ``grade_crs`` (validated from dicts), and prints rows/s for each and their ratio.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pyarrow as pa

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


def main(rows: int) -> None:
    table = crs_table(rows)
    start = time.perf_counter()
    out = grade_crs_table(table)
    cold = time.perf_counter() - start
    codes = int((_TABLES[CrsOptions()].low >= 0).sum())
    start = time.perf_counter()
    out = grade_crs_table(table)
    columnar = time.perf_counter() - start
    invalid = out.column("error_type").null_count
    sample = min(rows, 50_000)
    columns = Columns(table, _COLUMNS)
    records = [columns.record(i) for i in range(sample)]
    start = time.perf_counter()
    for record in records:
        grade_crs(record)  # every row is valid
    per_record = time.perf_counter() - start
    columnar_rate = rows / columnar
    record_rate = sample / per_record
    print(f"rows: {rows:,} ({rows - invalid:,} invalid)")
    print(f"first call: {rows / cold:>13,.0f} rows/s ({cold:.3f} s, {codes:,} patterns graded)")
    print(f"columnar:   {columnar_rate:>13,.0f} rows/s ({columnar:.3f} s)")
    print(f"per record: {record_rate:>13,.0f} rows/s (grade_crs on {sample:,} dicts)")
    print(f"ratio:      {columnar_rate / record_rate:>13,.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000)
