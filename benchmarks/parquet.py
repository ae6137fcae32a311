"""Parquet graded end to end through the command line: time and peak memory (docs/frame.md).

Run: ``python -m benchmarks.parquet [ROWS ...]`` (default 1,000,000 and 10,000,000). For each
size it writes a Parquet file of realistic CRS rows (``benchmarks.frame.crs_table``, with an
``id`` column; written a block at a time, so writing it needs little memory either), then runs
``astct-grading crs FILE -o OUT`` in a fresh interpreter and prints the wall time, the rows/s
and the interpreter's peak resident memory, and the ratio to the per-record command line on
JSON Lines of 200,000 of the same rows (run first, in the same session). Memory must stay
flat as the file grows (the reader streams by batch, design.md); compare the sizes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.frame import crs_table

#: Rows generated and written at a time (one row group each).
BLOCK_ROWS = 250_000

#: Runs the command line in-process and prints its exit code and peak RSS (KiB, Linux).
_MEASURE = """\
import resource, sys
from astct_grading.cli import main
code = main(sys.argv[1:])
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def write_crs_parquet(path: Path, rows: int, *, block: int = BLOCK_ROWS) -> None:
    """A Parquet file of ``rows`` realistic CRS rows with an ``id``, written block by block."""
    writer: pq.ParquetWriter | None = None
    try:
        for start in range(0, rows, block):
            size = min(block, rows - start)
            table = crs_table(size, seed=start + 1)
            ids = pa.array([f"R{start + i}" for i in range(size)])
            table = table.add_column(0, "id", ids)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def run_cli(*args: str) -> tuple[int, int, float]:
    """(exit code, peak RSS in KiB, seconds) of ``astct-grading ARGS`` in a fresh interpreter."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    code, peak = done.stdout.split()
    return int(code), int(peak), seconds


#: Runs the command line in a fresh interpreter.
_RUN = "import sys; from astct_grading.cli import main; sys.exit(main(sys.argv[1:]))"

#: Rows of the same data graded by the per-record command line (JSON Lines), for the ratio.
PER_RECORD_ROWS = 200_000


def _per_record(folder: Path, rows: int) -> float:
    """Rows/s of ``astct-grading crs FILE.jsonl`` (per record) on ``rows`` of the same rows."""
    source = Path(folder) / "sample.parquet"
    write_crs_parquet(source, rows)
    lines = Path(folder) / "sample.jsonl"
    with lines.open("w") as out:
        for row in pq.read_table(source).to_pylist():
            record: dict[str, object] = {}
            for name, value in row.items():
                parent, _, child = name.rpartition(".")
                if not parent:
                    record[name] = value
                elif value is not None:
                    record.setdefault(parent, {})[child] = value  # type: ignore[index]
            out.write(json.dumps(record) + "\n")
    start = time.perf_counter()
    with lines.open("rb") as given:
        subprocess.run(
            [sys.executable, "-c", _RUN, "crs", str(lines)],
            stdin=given,
            stdout=subprocess.DEVNULL,
            check=False,
        )
    return rows / (time.perf_counter() - start)


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        record_rate = _per_record(Path(folder), PER_RECORD_ROWS)
        print(f"per record (JSON Lines, {PER_RECORD_ROWS:,} rows): {record_rate:>10,.0f} rows/s")
        for rows in sizes:
            source = Path(folder) / f"crs-{rows}.parquet"
            graded = Path(folder) / f"graded-{rows}.parquet"
            write_crs_parquet(source, rows)
            code, peak, seconds = run_cli("crs", str(source), "-o", str(graded))
            megabytes = source.stat().st_size / 1e6
            print(
                f"{rows:>12,} rows ({megabytes:,.0f} MB): exit {code}, {seconds:6.1f} s, "
                f"{rows / seconds:>10,.0f} rows/s, peak RSS {peak / 1024:,.0f} MiB, "
                f"{rows / seconds / record_rate:.0f}x per record"
            )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1_000_000, 10_000_000])
