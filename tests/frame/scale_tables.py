"""A realistic table of each scale with a table path, for the engine tests (Dask, Spark, Parquet).

The tables come from the benchmarks' generators (mostly distinct rows, unknown inputs, some
invalid rows), with an ``id`` column.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from benchmarks.frame import crs_table
from benchmarks.frame_icans import icans_table

#: Each scale's table generator: (rows, seed) -> a typed table.
GENERATORS: dict[str, Callable[[int, int], pa.Table]] = {
    "crs": crs_table,
    "icans": icans_table,
}


def scale_table(scale: str, rows: int, seed: int = 7) -> pa.Table:
    """``rows`` realistic rows of ``scale`` with an ``id`` (``S0``, ``S1``...) first."""
    table = GENERATORS[scale](rows, seed)
    return table.add_column(0, "id", pa.array([f"S{i}" for i in range(table.num_rows)]))
