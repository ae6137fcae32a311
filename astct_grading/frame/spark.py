"""Tables graded on Spark: a ``pyspark.sql.DataFrame`` through ``mapInArrow`` (docs/spark.md).

Spark hands each Python worker its partition as Arrow record batches (at most
``spark.sql.execution.arrow.maxRecordsPerBatch`` rows each, 10,000 by default); each batch is
graded by :func:`~astct_grading.frame.grade_batches` (the scale's table function) and handed back,
one at a time, so a worker holds one batch. The output's Spark schema is declared before anything
runs (from :func:`~astct_grading.frame.output_schema`). What is shipped to the workers is the small
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
from astct_grading.frame.stream import grade_batches, output_schema

__all__ = ["grade_arrow_partition", "grade_crs_arrow_partition", "grade_crs_spark", "grade_spark"]


def _positional(count: int) -> list[str]:
    """Column names Spark resolves as they are (no dots): ``_c0``, ``_c1``..."""
    return [f"_c{index}" for index in range(count)]


def grade_arrow_partition(
    batches: Iterable[pa.RecordBatch],
    *,
    names: Sequence[str],
    scale: str = "crs",
    keep: Sequence[str] = (),
    options: Any = None,
) -> Iterator[pa.RecordBatch]:
    """Grade one partition's batches, their columns named by position (``mapInArrow``'s function).

    Args:
        batches: the partition's record batches, columns ``_c0``, ``_c1``... for ``names``.
        names: the columns' real names, in order.
        scale: as for :func:`~astct_grading.frame.grade_table`.
        keep: as for :func:`~astct_grading.frame.grade_table`.
        options: as for :func:`~astct_grading.frame.grade_table`.

    Yields:
        The graded batches, their columns again named by position.

    Example:
        >>> batch = pa.record_batch({"_c0": ["r1"], "_c1": [True]})
        >>> [out] = grade_arrow_partition([batch], names=["id", "fever"], scale="crs")
        >>> out.column_names[:3], out.column(2).to_pylist()
        (['_c0', '_c1', '_c2'], [1])
    """
    for batch in batches:
        named = batch.rename_columns(list(names))
        for graded in grade_batches([named], scale, options=options, keep=keep):
            yield graded.rename_columns(_positional(graded.num_columns))


def grade_crs_arrow_partition(
    batches: Iterable[pa.RecordBatch],
    *,
    names: Sequence[str],
    keep: Sequence[str] = (),
    options: CrsOptions = DEFAULT_OPTIONS,
) -> Iterator[pa.RecordBatch]:
    """:func:`grade_arrow_partition` for CRS.

    Example:
        >>> batch = pa.record_batch({"_c0": [True]})
        >>> [out] = grade_crs_arrow_partition([batch], names=["fever"])
        >>> out.column(1).to_pylist()
        [1]
    """
    return grade_arrow_partition(batches, names=names, scale="crs", keep=keep, options=options)


def grade_spark(
    frame: Any, scale: str = "crs", *, options: Any = None, keep: Sequence[str] = ()
) -> Any:
    """Grade a Spark DataFrame of one scale's records, batch by batch on the workers.

    Args:
        frame: a ``pyspark.sql.DataFrame`` with the scale's table columns (the CSV columns of
            ``astct-grading schema --columns SCALE``, any subset; ``double`` or any numeric type
            for numbers, ``boolean``, ``string``, ``array<string>``) and optionally ``id``.
        scale: ``crs``, ``icans`` or ``sledai`` (:data:`~astct_grading.frame.TABLE_SCALES`).
        options: the scale's options; None for the defaults.
        keep: other columns to carry to the output unchanged (after ``id``).

    Returns:
        A lazy Spark DataFrame, one row per input row: ``id`` and ``keep`` when given, then the
        scale's graded columns (for CRS ``grade``, ``grade_min``, ``grade_max`` as ``tinyint``,
        ``drivers``, ``missing`` as ``array<string>``, ``criteria_version``, ``error_field``,
        ``error_type``, ``error_message`` as ``string``). An invalid row has its error and
        nulls elsewhere, never dropped. Within a partition the rows keep their order.

    Raises:
        FrameError: a scale without a table path, or a column that is not one of the scale's
            or is of the wrong type (at once, from the frame's schema).
    """
    from pyspark.sql.pandas.types import (  # noqa: PLC0415 (the spark extra)
        from_arrow_schema,
        to_arrow_schema,
    )

    names = list(frame.columns)
    schema: pa.Schema = output_schema(to_arrow_schema(frame.schema), scale, keep=keep)
    output = _positional(len(schema))
    spark_schema = from_arrow_schema(
        pa.schema(field.with_name(name) for field, name in zip(schema, output, strict=True))
    )
    grade = partial(
        grade_arrow_partition, names=names, scale=scale, keep=tuple(keep), options=options
    )
    graded = frame.toDF(*_positional(len(names))).mapInArrow(grade, spark_schema)
    return graded.toDF(*schema.names)


def grade_crs_spark(
    frame: Any, *, options: CrsOptions = DEFAULT_OPTIONS, keep: Sequence[str] = ()
) -> Any:
    """:func:`grade_spark` for CRS (see it for the arguments and the output)."""
    return grade_spark(frame, "crs", options=options, keep=keep)
