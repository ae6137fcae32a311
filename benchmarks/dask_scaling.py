"""Dask: grading a CRS dataset on a local cluster of 1 and then 2 workers (docs/dask.md).

Run: ``python -m benchmarks.dask_scaling [ROWS]`` (default 10,000,000). It writes ROWS realistic
rows (``benchmarks.frame.crs_table``) as Parquet files of 250,000 rows each, then for 1 and 2
worker processes (one thread each) reads them with ``dd.read_parquet(dtype_backend="pyarrow")``,
grades them with ``grade_crs_dask`` and writes the graded table as Parquet, and prints the wall
time, the rows/s and the speed-up. On a machine shared with other work the speed-up is a lower
bound.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import dask.dataframe as dd
from distributed import Client, LocalCluster

from astct_grading.frame.dask import grade_crs_dask
from benchmarks.parquet import BLOCK_ROWS, write_crs_parquet


def _write(folder: Path, rows: int) -> None:
    for index, start in enumerate(range(0, rows, BLOCK_ROWS)):
        write_crs_parquet(folder / f"part-{index:04}.parquet", min(BLOCK_ROWS, rows - start))


def _grade(source: Path, target: Path, workers: int) -> float:
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        frame = dd.read_parquet(str(source), dtype_backend="pyarrow")
        start = time.perf_counter()
        grade_crs_dask(frame).to_parquet(str(target))
        return time.perf_counter() - start


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "crs"
        source.mkdir()
        _write(source, rows)
        seconds = {}
        for workers in (1, 2):
            seconds[workers] = _grade(source, Path(folder) / f"graded-{workers}", workers)
            print(
                f"{workers} worker(s): {seconds[workers]:6.1f} s, "
                f"{rows / seconds[workers]:>10,.0f} rows/s"
            )
        print(f"speed-up: {seconds[1] / seconds[2]:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
