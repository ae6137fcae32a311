"""Benchmark the command-line tool on generated JSON Lines CRS records (a script, not a test).

It writes N records (default 1,000,000) to a temporary file, runs ``python -m astct_grading crs``
on it in a subprocess, and reports records/s and the peak resident memory of the CLI process. It
also runs 100,000 records to show that memory stays flat as the input grows. Each CLI run is
measured from its own helper process, so ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the peak of
that run alone.

Usage::

    .venv/bin/python benchmarks/bench_cli.py [--records N] [--small N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pydantic
from pydantic import TypeAdapter

from astct_grading import CrsAssessment, GradeResult, grade_crs

AGENTS = ["norepinephrine", "epinephrine", "phenylephrine", "dopamine", "vasopressin"]
DEVICES = ["room_air", "nasal_cannula", "high_flow_nasal_cannula", "simple_facemask", "cpap"]
CHUNK = 1 << 20


def record(rng: random.Random, number: int) -> dict[str, Any]:
    """One valid CRS record, varied the way trial data varies (some inputs missing)."""
    result: dict[str, Any] = {"id": f"P{number:07d}"}
    if rng.random() < 0.95:
        result["temperature"] = {"value": round(rng.uniform(36.0, 40.5), 1), "unit": "C"}
    hypotension = rng.random() < 0.3
    result["hypotension"] = hypotension
    if hypotension:
        result["vasopressors"] = rng.sample(AGENTS, rng.choice([0, 1, 1, 2]))
    if rng.random() < 0.9:
        device = rng.choice(DEVICES)
        result["oxygen"] = {"device": device}
        if device == "nasal_cannula":
            result["oxygen"]["flow_l_min"] = rng.choice([1.0, 2.0, 4.0, 6.0, 8.0])
    if rng.random() < 0.2:
        result["fever_waiver"] = rng.random() < 0.5
    return result


def generate(path: Path, count: int, seed: int = 2019) -> int:
    """Write ``count`` records as JSON Lines; return the file size in bytes."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            out.write(json.dumps(record(rng, number), separators=(",", ":")))
            out.write("\n")
    return path.stat().st_size


def measure(path: Path) -> dict[str, Any]:
    """Run the CLI on ``path`` (in this process's only child) and report what it cost."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "astct_grading", "crs", str(path)],
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    lines = 0
    while chunk := process.stdout.read(CHUNK):
        lines += chunk.count(b"\n")
    code = process.wait()
    seconds = time.perf_counter() - start
    # ru_maxrss is in KiB on Linux: the peak RSS of the largest child, here the CLI run alone.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"exit_code": code, "output_lines": lines, "seconds": seconds, "peak_rss_kib": peak_kib}


def run_measurement(path: Path) -> dict[str, Any]:
    """Measure from a fresh helper process, so no earlier child's peak is counted."""
    helper = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)],
        capture_output=True,
        check=True,
        text=True,
    )
    measured: dict[str, Any] = json.loads(helper.stdout)
    return measured


def bench(records: int, directory: Path) -> dict[str, Any]:
    path = directory / f"crs-{records}.jsonl"
    size = generate(path, records)
    measured = run_measurement(path)
    path.unlink()
    if measured["exit_code"] != 0 or measured["output_lines"] != records:
        raise SystemExit(f"unexpected CLI run on {records} records: {measured}")
    return {
        "records": records,
        "input_mb": size / 1e6,
        **measured,
        "records_per_s": records / measured["seconds"],
        "peak_rss_mib": measured["peak_rss_kib"] / 1024,
    }


def in_process(records: int) -> float:
    """Records/s of validate_json + grade_crs + JSON out in one process: the CLI's ceiling."""
    rng = random.Random(7)
    lines = []
    for number in range(records):
        fields = record(rng, number)
        del fields["id"]
        lines.append(json.dumps(fields, separators=(",", ":")).encode())
    model = TypeAdapter(CrsAssessment)
    out = TypeAdapter(GradeResult)
    start = time.perf_counter()
    for line in lines:
        out.dump_json(grade_crs(model.validate_json(line)))
    return records / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records in the big run")
    parser.add_argument("--small", type=int, default=100_000, help="records in the small run")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure)))
        return

    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pydantic {pydantic.VERSION}"
    )
    with tempfile.TemporaryDirectory() as directory:
        for count in (args.small, args.records):
            figures = bench(count, Path(directory))
            print(
                f"{figures['records']:>9,} records ({figures['input_mb']:.0f} MB): "
                f"{figures['seconds']:.1f} s, {figures['records_per_s']:,.0f} records/s, "
                f"peak RSS {figures['peak_rss_mib']:.1f} MiB"
            )
    print(f"in process, validate_json + grade_crs + JSON out: {in_process(50_000):,.0f} records/s")


if __name__ == "__main__":
    main()
