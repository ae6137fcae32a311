"""Parquet graded end to end through the command line: time and peak memory (docs/frame.md).

Run: ``python -m benchmarks.parquet [ROWS ...]`` (default 1,000,000 and 10,000,000). For each
size it writes a Parquet file of realistic CRS rows (``benchmarks.frame.crs_table``, with an
``id`` column; written a block at a time, so writing it needs little memory either), then runs
``astct-grading crs FILE -o OUT`` in a fresh interpreter and prints the wall time, the rows/s
and the interpreter's peak resident memory. Memory must stay flat as the file grows (the reader
streams by batch, design.md); compare the sizes.
"""

from __future__ import annotations

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


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            source = Path(folder) / f"crs-{rows}.parquet"
            graded = Path(folder) / f"graded-{rows}.parquet"
            write_crs_parquet(source, rows)
            code, peak, seconds = run_cli("crs", str(source), "-o", str(graded))
            megabytes = source.stat().st_size / 1e6
            print(
                f"{rows:>12,} rows ({megabytes:,.0f} MB): exit {code}, {seconds:6.1f} s, "
                f"{rows / seconds:>10,.0f} rows/s, peak RSS {peak / 1024:,.0f} MiB"
            )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1_000_000, 10_000_000])
