"""A CRS CSV graded through the columnar engine with ``-o``, against the per-record CLI.

Run: ``python -m benchmarks.csv_table [ROWS]`` (default 1,000,000). It writes a CSV file of
realistic CRS rows (``benchmarks.frame.crs_table`` with an ``id``, in the command line's cell
conventions: ``true``/``false``, ``;``-joined lists, ``[]``, an empty cell for a null), then runs,
each in a fresh interpreter, ``astct-grading crs FILE.csv -o OUT.parquet`` and the per-record
``astct-grading crs FILE.csv`` (JSON Lines to /dev/null), and prints for each the wall time, the
rows/s and the peak resident memory (``ru_maxrss``), and the ratio of the two times.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from benchmarks.frame import crs_table

#: Runs the command line in-process; its exit code and peak RSS (KiB, Linux) go to stderr's last
#: line, standard output (the per-record path's JSON Lines) to /dev/null.
_MEASURE = """\
import resource, sys
from astct_grading.cli import main
code = main(sys.argv[1:])
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""

#: Rows generated and written at a time.
BLOCK_ROWS = 250_000


def csv_cells(table: pa.Table) -> pa.Array:
    """The rows of ``table`` as CSV lines (no quoting needed), in the command line's cells."""
    columns = []
    for column in table.columns:
        if pa.types.is_boolean(column.type):
            text = pc.if_else(column, "true", "false")
        elif pa.types.is_list(column.type):
            joined = pc.binary_join(column, ";")
            text = pc.if_else(pc.equal(pc.list_value_length(column), 0), "[]", joined)
        else:
            text = pc.cast(column, pa.string())
        columns.append(pc.fill_null(text, ""))
    return pc.binary_join_element_wise(*columns, ",")


def write_crs_csv(path: Path, rows: int, *, block: int = BLOCK_ROWS) -> None:
    """A CSV file of ``rows`` realistic CRS rows with an ``id``, written block by block."""
    with open(path, "wb") as file:
        for start in range(0, rows, block):
            size = min(block, rows - start)
            table = crs_table(size, seed=start + 1)
            table = table.add_column(0, "id", pa.array([f"R{start + i}" for i in range(size)]))
            if start == 0:
                file.write((",".join(table.column_names) + "\n").encode())
            lines = csv_cells(table).to_pylist()
            file.write(("\n".join(lines) + "\n").encode())


def run_cli(*args: str) -> tuple[int, int, float]:
    """(exit code, peak RSS in KiB, seconds) of ``astct-grading ARGS`` in a fresh interpreter."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    code, peak = done.stderr.splitlines()[-1].split()
    return int(code), int(peak), seconds


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "crs.csv"
        write_crs_csv(source, rows)
        megabytes = source.stat().st_size / 1e6
        print(f"{rows:,} CRS rows, {megabytes:,.0f} MB of CSV")
        runs = {
            "columnar (-o graded.parquet)": ("crs", str(source), "-o", f"{folder}/out.parquet"),
            "per-record (JSON Lines)": ("crs", str(source)),
        }
        seconds = {}
        for name, args in runs.items():
            code, peak, took = run_cli(*args)
            seconds[name] = took
            print(
                f"{name:<30} exit {code}, {took:7.1f} s, {rows / took:>10,.0f} rows/s, "
                f"peak RSS {peak / 1024:,.0f} MiB"
            )
        columnar, per_record = seconds.values()
        print(f"ratio: the columnar path took 1/{per_record / columnar:.1f} of the time")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
