"""CRS graded on Spark: a ``pyspark.sql.DataFrame`` graded through ``mapInArrow`` (docs/spark.md).

Spark hands each Python worker its partition as Arrow record batches (at most
``spark.sql.execution.arrow.maxRecordsPerBatch`` rows each, 10,000 by default); each batch is
graded by :func:`~astct_grading.frame.grade_crs_batches` and handed back, one at a time, so a
worker holds one batch. The output's Spark schema is declared before anything runs (from
:func:`~astct_grading.frame.crs_output_schema`). What is shipped to the workers is the small
partition function with the column names and options; the workers import ``astct_grading``
themselves (it must be installed there, with the ``spark`` extra).

Spark reads a dot in a column name as a field of a struct, so the columns are renamed by position
around ``mapInArrow`` and given back their names after: the table's columns keep the CSV names.

Needs the ``spark`` extra (``pyspark``, with the ``frame`` extra's packages) and Java.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any

import pyarrow as pa

from astct_grading.crs.models import DEFAULT_OPTIONS, CrsOptions
from astct_grading.frame.stream import crs_output_schema, grade_crs_batches

__all__ = ["grade_crs_arrow_partition", "grade_crs_spark"]


def _positional(count: int) -> list[str]:
    """Column names Spark resolves as they are (no dots): ``_c0``, ``_c1``..."""
    return [f"_c{index}" for index in range(count)]


def grade_crs_arrow_partition(
    batches: Iterable[pa.RecordBatch],
    *,
    names: Sequence[str],
    keep: Sequence[str] = (),
    options: CrsOptions = DEFAULT_OPTIONS,
) -> Iterator[pa.RecordBatch]:
    """Grade one partition's batches, their columns named by position (``mapInArrow``'s function).

    Args:
        batches: the partition's record batches, columns ``_c0``, ``_c1``... for ``names``.
        names: the columns' real names, in order.
        keep: as for :func:`~astct_grading.frame.grade_crs_table`.
        options: as for :func:`~astct_grading.frame.grade_crs_table`.

    Yields:
        The graded batches, their columns again named by position.

    Example:
        >>> batch = pa.record_batch({"_c0": ["r1"], "_c1": [True]})
        >>> [out] = grade_crs_arrow_partition([batch], names=["id", "fever"])
        >>> out.column_names[:3], out.column(2).to_pylist()
        (['_c0', '_c1', '_c2'], [1])
    """
    for batch in batches:
        named = batch.rename_columns(list(names))
        for graded in grade_crs_batches([named], options=options, keep=keep):
            yield graded.rename_columns(_positional(graded.num_columns))


def grade_crs_spark(
    frame: Any, *, options: CrsOptions = DEFAULT_OPTIONS, keep: Sequence[str] = ()
) -> Any:
    """Grade a Spark DataFrame of CRS assessments, batch by batch on the workers.

    Args:
        frame: a ``pyspark.sql.DataFrame`` with the columns of
            :func:`~astct_grading.frame.grade_crs_table` (the CSV columns of ``astct-grading
            schema --columns crs``, any subset; ``double`` or any numeric type for numbers,
            ``boolean``, ``string``, ``array<string>``) and optionally ``id``.
        options: as for :func:`~astct_grading.frame.grade_crs_table`.
        keep: other columns to carry to the output unchanged (after ``id``).

    Returns:
        A lazy Spark DataFrame, one row per input row: ``id`` and ``keep`` when given, then
        ``grade``, ``grade_min``, ``grade_max`` (``tinyint``), ``drivers``, ``missing``
        (``array<string>``), ``criteria_version``, ``error_field``, ``error_type``,
        ``error_message`` (``string``). An invalid row has its error and nulls elsewhere, never
        dropped. Within a partition the rows keep their order.

    Raises:
        FrameError: a column that is not one of the scale's, or of the wrong type (at once,
            from the frame's schema).
    """
    from pyspark.sql.pandas.types import (  # noqa: PLC0415 (the spark extra)
        from_arrow_schema,
        to_arrow_schema,
    )

    names = list(frame.columns)
    schema: pa.Schema = crs_output_schema(to_arrow_schema(frame.schema), keep=keep)
    output = _positional(len(schema))
    spark_schema = from_arrow_schema(
        pa.schema(field.with_name(name) for field, name in zip(schema, output, strict=True))
    )
    grade = partial(grade_crs_arrow_partition, names=names, keep=tuple(keep), options=options)
    graded = frame.toDF(*_positional(len(names))).mapInArrow(grade, spark_schema)
    return graded.toDF(*schema.names)
