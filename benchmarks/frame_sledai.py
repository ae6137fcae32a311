"""SLEDAI-2K scored column-wise against the per-record path, in one run (docs/frame.md).

Run: ``python -m benchmarks.frame_sledai [ROWS]`` (default 500,000). It builds a typed table of
realistic, mostly distinct visits (every descriptor called, mostly absent, at prevalences of the
order seen in lupus cohorts; the laboratory descriptors left to their raw values: temperatures in
°C and °F, platelets, WBC, proteinuria, urine cells, C3 and C4 with the lab's limits, CH50 in
some rows, anti-dsDNA, joint counts; a few unknown calls and causes, a few invalid rows), scores
it with ``grade_sledai2k_table`` on one core, and scores a sample of the same rows record by
record with ``score_sledai2k`` (validated from dicts), and prints rows/s for each and their ratio.
"""

from __future__ import annotations

import datetime
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from functools import partial

import numpy as np
import pyarrow as pa

from astct_grading.criteria.sledai2k import DESCRIPTORS
from astct_grading.frame import grade_sledai2k_table
from astct_grading.frame._table import Columns
from astct_grading.frame.sledai import _COLUMNS, _TABLES
from astct_grading.sle import score_sledai2k
from astct_grading.sle.options import Sledai2kOptions

#: How often each clinical descriptor is present (the laboratory ones follow their raw values).
PREVALENCE = {
    "seizure": 0.01,
    "psychosis": 0.01,
    "organic_brain_syndrome": 0.01,
    "visual_disturbance": 0.01,
    "cranial_nerve_disorder": 0.01,
    "lupus_headache": 0.02,
    "cerebrovascular_accident": 0.01,
    "vasculitis": 0.04,
    "myositis": 0.03,
    "urinary_casts": 0.04,
    "rash": 0.30,
    "alopecia": 0.20,
    "mucosal_ulcers": 0.15,
    "pleurisy": 0.04,
    "pericarditis": 0.03,
}
#: The laboratory descriptors scored from their raw value: descriptor -> its column.
RAW = {
    "arthritis": "arthritis_joint_count",
    "haematuria": "urine_rbc_per_hpf",
    "proteinuria": "proteinuria_g_24h",
    "pyuria": "urine_wbc_per_hpf",
    "increased_dna_binding": "anti_dsdna.value",
    "fever": "temperature.value",
    "thrombocytopenia": "platelets_10e9_l",
    "leukopenia": "wbc_10e9_l",
}
#: How often a call and a cause are not known (a null cell).
UNKNOWN_CALL = 0.005
UNKNOWN_CAUSE = 0.005


def sledai_table(rows: int, seed: int = 1) -> pa.Table:
    """A typed SLEDAI-2K table of ``rows`` realistic visits."""
    rng = np.random.default_rng(seed)

    def number(values: np.ndarray, decimals: int, given: float = 1.0) -> pa.Array:
        return pa.array(np.round(values, decimals), mask=rng.random(rows) >= given)

    def flag(present: float, unknown: float) -> pa.Array:
        return pa.array(rng.random(rows) < present, mask=rng.random(rows) < unknown)

    fahrenheit = rng.random(rows) < 0.3
    celsius = np.round(rng.normal(37.3, 0.6, rows), 2)
    temperature = np.where(fahrenheit, np.round(celsius * 9 / 5 + 32, 1), celsius)
    first = datetime.date(2015, 1, 1).toordinal() - datetime.date(1970, 1, 1).toordinal()
    columns: dict[str, pa.Array] = {
        "visit_date": pa.array(first + rng.integers(0, 3650, rows), pa.int32()).cast(pa.date32()),
        "window_days": pa.array(np.where(rng.random(rows) < 0.2, 30, 10)),
        "temperature.value": pa.array(temperature),
        "temperature.unit": pa.array(np.where(fahrenheit, "F", "C")),
        "platelets_10e9_l": number(rng.lognormal(np.log(220), 0.4, rows), 0),
        "wbc_10e9_l": number(rng.lognormal(np.log(5.5), 0.35, rows), 2),
        "proteinuria_g_24h": number(rng.lognormal(np.log(0.2), 1.0, rows), 2, 0.8),
        "urine_rbc_per_hpf": number(rng.poisson(2.0, rows).astype(float), 0, 0.8),
        "urine_wbc_per_hpf": number(rng.poisson(2.0, rows).astype(float), 0, 0.8),
        "c3.value": number(rng.normal(1.0, 0.3, rows).clip(0.05), 2),
        "c3.lower_limit": pa.array(np.full(rows, 0.9)),
        "c3.unit": pa.array(np.full(rows, "g/L")),
        "c4.value": number(rng.normal(0.2, 0.08, rows).clip(0.01), 3),
        "c4.lower_limit": pa.array(np.full(rows, 0.1)),
        "ch50.value": number(rng.normal(45.0, 12.0, rows).clip(1.0), 0, 0.2),
        "anti_dsdna.value": number(rng.lognormal(np.log(25), 1.0, rows), 1),
        "anti_dsdna.upper_limit": pa.array(np.full(rows, 30.0)),
        "arthritis_joint_count": pa.array(rng.poisson(0.8, rows)),
    }
    ch50_missing = np.asarray(columns["ch50.value"].is_null().to_numpy(zero_copy_only=False))
    columns["ch50.lower_limit"] = pa.array(np.full(rows, 30.0), mask=ch50_missing)
    for rule in DESCRIPTORS.values():
        name = rule.descriptor.value
        if name in PREVALENCE:
            columns[name] = flag(PREVALENCE[name], UNKNOWN_CALL)
        if rule.excluded_causes:
            columns[f"{name}_other_cause"] = flag(0.02, UNKNOWN_CAUSE)
    # The laboratory descriptors: left to the raw value where there is one, called absent where
    # there is none (a form filled in); low complement called from the complements measured (so
    # a CH50 not measured leaves nothing open), as a reviewer does.
    for name, raw in RAW.items():
        given = np.asarray(columns[raw].is_valid().to_numpy(zero_copy_only=False))
        columns[name] = pa.array(np.zeros(rows, dtype=bool), mask=given)
    low = np.zeros(rows, dtype=bool)
    for name in ("c3", "c4", "ch50"):
        value = np.asarray(columns[f"{name}.value"].to_numpy(zero_copy_only=False))
        limit = np.asarray(columns[f"{name}.lower_limit"].to_numpy(zero_copy_only=False))
        low |= value < limit
    columns["low_complement"] = pa.array(low)
    # A few invalid rows: a platelet count written in the wrong unit (x10^6/L).
    wrong = rng.random(rows) < 0.002
    platelets = np.asarray(columns["platelets_10e9_l"].to_numpy(zero_copy_only=False))
    columns["platelets_10e9_l"] = pa.array(np.where(wrong, platelets * 1000, platelets))
    return pa.table(columns)


def main(rows: int) -> None:
    table = sledai_table(rows)
    start = time.process_time()
    out = grade_sledai2k_table(table)
    cold = time.process_time() - start
    patterns = _TABLES[Sledai2kOptions()].patterns
    columnar = _best(partial(grade_sledai2k_table, table))
    invalid = rows - out.column("error_type").null_count
    sample = min(rows, 20_000)
    columns = Columns(table, _COLUMNS)
    records = [columns.record(i) for i in range(sample)]

    def per_record() -> None:
        for record in records:
            with suppress(ValueError):  # the few invalid rows (pydantic's ValidationError)
                score_sledai2k(record)

    record_rate = sample / _best(per_record, 3)
    print(f"rows: {rows:,} ({invalid:,} invalid), CPU time, best of 5")
    print(f"first call: {rows / cold:>13,.0f} rows/s ({cold:.3f} s, {patterns:,} patterns scored)")
    print(f"columnar:   {rows / columnar:>13,.0f} rows/s ({columnar:.3f} s)")
    print(f"per record: {record_rate:>13,.0f} rows/s (score_sledai2k on {sample:,} dicts)")
    print(f"ratio:      {rows / columnar / record_rate:>13,.1f}x (first call: ", end="")
    print(f"{rows / cold / record_rate:,.1f}x)")


def _best(function: Callable[[], object], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500_000)
