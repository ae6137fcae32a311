"""Whole tables graded column-wise: Arrow, pandas and polars in, a table of results out.

Needs the ``frame`` extra (numpy, pyarrow, narwhals); ``import astct_grading`` never imports it.
docs/frame.md describes the columns, the output and what is done with what cannot be read.

Example:
    >>> import pyarrow as pa
    >>> from astct_grading.frame import grade_crs_table
    >>> grade_crs_table(pa.table({"fever": [True, None]})).column("grade_max").to_pylist()
    [4, 4]
"""

from __future__ import annotations

try:
    import narwhals  # noqa: F401  (checked first: every module here needs the extra)
    import numpy  # noqa: F401
    import pyarrow  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised by a test that hides the extra
    raise ImportError(
        "astct_grading.frame needs numpy, pyarrow and narwhals; install them with: "
        "python3 -m pip install '.[frame]' in a checkout of astct-grading"
    ) from error

from astct_grading.frame._table import FrameError
from astct_grading.frame.crs import grade_crs_table
from astct_grading.frame.csvfile import CsvReadError, CsvSummary, grade_csv
from astct_grading.frame.icans import grade_icans_table
from astct_grading.frame.sledai import grade_sledai2k_table
from astct_grading.frame.stream import (
    TABLE_SCALES,
    ParquetReadError,
    ParquetSummary,
    crs_output_schema,
    grade_batches,
    grade_crs_batches,
    grade_crs_parquet,
    grade_parquet,
    grade_table,
    output_schema,
)

__all__ = [
    "TABLE_SCALES",
    "CsvReadError",
    "CsvSummary",
    "FrameError",
    "ParquetReadError",
    "ParquetSummary",
    "crs_output_schema",
    "grade_batches",
    "grade_crs_batches",
    "grade_crs_parquet",
    "grade_crs_table",
    "grade_csv",
    "grade_icans_table",
    "grade_parquet",
    "grade_sledai2k_table",
    "grade_table",
    "output_schema",
]
