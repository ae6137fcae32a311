"""ICANS columnar grading against the per-record path, in one run (docs/frame.md, "Speed").

Run: ``python -m benchmarks.frame_icans [ROWS]`` (default 500,000). It builds a typed ICANS table
of realistic, mostly distinct rows (adults with an ICE by items or by total, children with a CAPD
by answers, charted points or total, ages around the 12-year cut, every level of consciousness,
seizures with durations around 5 minutes, motor and ICP findings, some unknown inputs, a few
invalid rows), grades it with ``grade_icans_table`` on one core, and grades a sample of the same
rows record by record with ``grade_icans`` (validated from dicts), and prints rows/s for each and
their ratio, timed by the process's CPU time (best of five).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa

from astct_grading import grade_icans
from astct_grading.criteria.icans import (
    CAPD_ITEMS,
    ICE_ITEMS,
    ConsciousnessLevel,
    IcpFinding,
    MotorFinding,
)
from astct_grading.frame import grade_icans_table
from astct_grading.frame._table import Columns
from astct_grading.frame.icans import _COLUMNS, _TABLES
from astct_grading.icans import IcansOptions


def icans_table(rows: int, seed: int = 1) -> pa.Table:
    """A typed ICANS table of ``rows`` realistic rows."""
    rng = np.random.default_rng(seed)
    child = rng.random(rows) < 0.25
    age = np.where(child, np.round(rng.uniform(0.5, 12.5, rows), 2), rng.uniform(12, 85, rows))
    age[rng.random(rows) < 0.001] = 150.0  # a few invalid rows (age_years: 0-130)
    delay = rng.random(rows) < 0.03
    capd_used = child | delay
    columns: dict[str, Any] = {
        "age_years": pa.array(age, mask=rng.random(rows) < 0.02),
        "developmental_delay": pa.array(delay, mask=rng.random(rows) < 0.02),
    }

    def cells(values: Any, keep: Any) -> pa.Array:
        return pa.array(values, mask=~keep)

    # ICE: by items (most), by total, or with domain subtotals; a few items not recorded.
    by_items = ~capd_used & (rng.random(rows) < 0.7)
    by_total = ~capd_used & ~by_items
    skill = rng.uniform(0.3, 1.0, rows)
    for item in ICE_ITEMS:
        points = (rng.random(rows) < skill).astype(np.int64)
        columns[f"ice.{item.name}"] = cells(points, by_items & (rng.random(rows) < 0.97))
    columns["ice.total"] = cells(rng.binomial(10, skill), by_total)
    # CAPD: by answers (most), as charted points for a few items, or by total; RASS often given.
    answers = np.array(["never", "rarely", "sometimes", "often", "always"])
    by_answers = capd_used & (rng.random(rows) < 0.8)
    for capd_item in CAPD_ITEMS:
        chosen = answers[rng.integers(0, 5, rows)]
        columns[f"capd.{capd_item.name}"] = cells(chosen, by_answers & (rng.random(rows) < 0.95))
    columns["capd.total"] = cells(rng.integers(0, 33, rows), capd_used & ~by_answers)
    columns["capd.rass"] = cells(rng.integers(-3, 3, rows), capd_used & (rng.random(rows) < 0.5))
    columns["encephalopathy_other_cause"] = cells(rng.random(rows) < 0.05, rng.random(rows) < 0.97)
    levels = np.array([level.value for level in ConsciousnessLevel])
    level = levels[rng.choice(len(levels), rows, p=[0.6, 0.2, 0.1, 0.07, 0.03])]
    columns["consciousness"] = cells(level, rng.random(rows) < 0.95)
    columns["consciousness_other_cause"] = cells(rng.random(rows) < 0.05, rng.random(rows) < 0.97)
    aphasia = (rng.random(rows) < 0.03) & (level != ConsciousnessLevel.UNAROUSABLE.value)
    columns["global_aphasia"] = cells(aphasia, rng.random(rows) < 0.8)
    seizure = rng.random(rows) < 0.1
    seizure_known = rng.random(rows) < 0.9
    columns["seizure"] = cells(seizure, seizure_known)
    minutes = np.round(rng.exponential(3.0, rows) + 0.1, 2)
    columns["seizure_duration_min"] = cells(minutes, seizure & (rng.random(rows) < 0.7))
    columns["seizure_without_return_to_baseline"] = cells(rng.random(rows) < 0.2, seizure)
    columns["seizure_other_cause"] = cells(rng.random(rows) < 0.1, rng.random(rows) < 0.95)
    motors = np.array([finding.value for finding in MotorFinding])
    motor = motors[rng.choice(len(motors), rows, p=[0.9, 0.05, 0.03, 0.02])]
    columns["motor"] = cells(motor, rng.random(rows) < 0.9)
    columns["motor_other_cause"] = cells(rng.random(rows) < 0.1, rng.random(rows) < 0.95)
    findings = np.array([finding.value for finding in IcpFinding])
    lengths = rng.choice([0] * 18 + [1, 2], rows)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    items = pa.array(findings[rng.integers(0, len(findings), int(offsets[-1]))])
    columns["icp"] = pa.ListArray.from_arrays(
        pa.array(offsets, pa.int32()), items, mask=pa.array(rng.random(rows) < 0.1)
    )
    columns["icp_other_cause"] = cells(rng.random(rows) < 0.05, rng.random(rows) < 0.95)
    columns["tremor"] = cells(rng.random(rows) < 0.2, rng.random(rows) < 0.8)
    columns["death_due_to_icans"] = cells(rng.random(rows) < 0.005, rng.random(rows) < 0.99)
    return pa.table(columns)


def main(rows: int) -> None:
    table = icans_table(rows)
    start = time.process_time()
    out = grade_icans_table(table)
    cold = time.process_time() - start
    patterns = _TABLES[IcansOptions()].patterns
    columnar = _best(partial(grade_icans_table, table))
    invalid = rows - out.column("error_type").null_count
    columns = Columns(table, _COLUMNS)
    errors = out.column("error_type").to_pylist()
    valid = [i for i in range(min(rows, 25_000)) if errors[i] is None]  # as the table says
    records = [columns.record(i) for i in valid[:20_000]]
    sample = len(records)

    def per_record() -> None:
        for record in records:
            grade_icans(record)

    columnar_rate = rows / columnar
    record_rate = sample / _best(per_record, 3)
    print(f"rows: {rows:,} ({invalid:,} invalid), CPU time, best of 5")
    print(f"first call: {rows / cold:>13,.0f} rows/s ({cold:.3f} s, {patterns:,} patterns graded)")
    print(f"columnar:   {columnar_rate:>13,.0f} rows/s ({columnar:.3f} s)")
    print(f"per record: {record_rate:>13,.0f} rows/s (grade_icans on {sample:,} dicts)")
    print(f"ratio:      {columnar_rate / record_rate:>13,.1f}x")


def _best(function: Callable[[], object], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500_000)
