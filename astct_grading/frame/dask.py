"""Tables graded on Dask: a ``dask.dataframe`` graded partition by partition (docs/dask.md).

Each partition (a pandas DataFrame) is graded by the scale's table function
(:func:`~astct_grading.frame.grade_table`; :func:`~astct_grading.frame.grade_crs_table` for CRS)
on a worker, through ``map_partitions`` with the output's schema declared (``meta``), so nothing
is computed to learn it. What is shipped to the workers is the small partition function with its
options; the workers import ``astct_grading`` themselves (it must be installed there, with the
``dask`` extra). The rules are the library's: no rule is restated here.

Give the columns typed (docs/dask.md): Dask turns an ``object`` column into strings, so a
boolean column with nulls must be pandas' ``boolean`` (or Arrow-backed) and ``vasopressors`` an
Arrow list (``pd.ArrowDtype(pa.list_(pa.string()))``); a column Dask turned into strings is
refused (:class:`~astct_grading.frame.FrameError`), never read as text.

Needs the ``dask`` extra (``dask[dataframe]``, ``distributed``, with the ``frame`` extra's
packages); ``import astct_grading`` never imports it.

Example:
    >>> import dask.dataframe as dd, pandas as pd
    >>> frame = pd.DataFrame({"id": ["a", "b"], "fever": pd.array([True, None], "boolean")})
    >>> graded = grade_crs_dask(dd.from_pandas(frame, npartitions=2))
    >>> graded.compute()["grade_max"].tolist()
    [4, 4]
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa

from astct_grading.cli.scales import ID_KEY
from astct_grading.crs.models import DEFAULT_OPTIONS, CrsOptions
from astct_grading.frame.stream import grade_table, output_schema

__all__ = [
    "crs_meta",
    "grade_crs_dask",
    "grade_crs_pandas_partition",
    "grade_dask",
    "grade_pandas_partition",
    "table_meta",
]


def _carried(columns: Sequence[str], keep: Sequence[str]) -> list[str]:
    """The columns carried through unchanged: ``id`` when present, then ``keep``."""
    return [ID_KEY, *keep] if ID_KEY in columns else list(keep)


def grade_pandas_partition(
    partition: pd.DataFrame,
    scale: str = "crs",
    *,
    options: Any = None,
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """Grade one pandas partition: its ``id`` and ``keep`` columns, then the graded columns.

    The graded columns have Arrow-backed dtypes (``pd.ArrowDtype``), the same for every
    partition whatever its values (a null grade stays null, never a float NaN); the index is
    the partition's.

    Example:
        >>> out = grade_pandas_partition(pd.DataFrame({"id": [7], "fever": [False]}), "crs")
        >>> list(out.columns[:3]), str(out["grade_max"].dtype)
        (['id', 'grade', 'grade_min'], 'int8[pyarrow]')
    """
    carried = _carried(list(partition.columns), keep)
    inputs = partition.drop(columns=carried)
    table = pa.Table.from_pandas(inputs, preserve_index=False)
    graded: pa.Table = grade_table(table, scale, options=options)
    out = graded.to_pandas(types_mapper=pd.ArrowDtype)
    out.index = partition.index
    return pd.concat([partition[carried], out], axis=1)


def grade_crs_pandas_partition(
    partition: pd.DataFrame, *, options: CrsOptions = DEFAULT_OPTIONS, keep: Sequence[str] = ()
) -> pd.DataFrame:
    """:func:`grade_pandas_partition` for CRS.

    Example:
        >>> list(grade_crs_pandas_partition(pd.DataFrame({"fever": [False]})).columns[:2])
        ['grade', 'grade_min']
    """
    return grade_pandas_partition(partition, "crs", options=options, keep=keep)


def table_meta(meta: pd.DataFrame, scale: str = "crs", *, keep: Sequence[str] = ()) -> pd.DataFrame:
    """The output's empty frame (Dask's ``meta``) for an input whose empty frame is ``meta``.

    It also checks the columns: an unknown column or one of the wrong type raises
    :class:`~astct_grading.frame.FrameError` here, before any partition is read.

    Example:
        >>> table_meta(pd.DataFrame({"fever": pd.Series([], dtype=bool)}), "crs").columns[0]
        'grade'
    """
    grade_pandas_partition(meta, scale, keep=keep)  # the columns checked
    graded = output_schema(pa.schema([]), scale)  # everything but id and keep: one per scale
    empty = graded.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    carried = _carried(list(meta.columns), keep)
    empty.index = meta.index[:0]
    return pd.concat([meta[carried].iloc[:0], empty], axis=1)


def crs_meta(meta: pd.DataFrame, *, keep: Sequence[str] = ()) -> pd.DataFrame:
    """:func:`table_meta` for CRS.

    Example:
        >>> crs_meta(pd.DataFrame({"fever": pd.Series([], dtype=bool)})).columns[0]
        'grade'
    """
    return table_meta(meta, "crs", keep=keep)


def grade_dask(
    frame: Any, scale: str = "crs", *, options: Any = None, keep: Sequence[str] = ()
) -> Any:
    """Grade a ``dask.dataframe.DataFrame`` of one scale's records, partition by partition.

    Args:
        frame: a Dask DataFrame with the scale's table columns (the CSV columns of
            ``astct-grading schema --columns SCALE``, any subset) and optionally ``id``.
        scale: ``crs``, ``icans`` or ``sledai`` (:data:`~astct_grading.frame.TABLE_SCALES`).
        options: the scale's options; None for the defaults.
        keep: other columns to carry to the output unchanged (after ``id``).

    Returns:
        A lazy Dask DataFrame with the same partitions, index and order: ``id`` and ``keep``
        when given, then the scale's graded columns (Arrow-backed dtypes; an invalid row has
        its error and nulls elsewhere, never dropped).

    Raises:
        FrameError: a scale without a table path, or a column that is not one of the scale's
            or is of the wrong type (at once, from the frame's ``meta``).

    Example:
        >>> import dask.dataframe as dd
        >>> frame = dd.from_pandas(pd.DataFrame({"temperature.value": [38.5, 99.0],
        ...     "temperature.unit": ["C", "C"]}), npartitions=1)
        >>> grade_dask(frame, "crs").compute()["error_type"].tolist()
        [<NA>, 'temperature_out_of_range']
    """
    from dask.dataframe.utils import (  # type: ignore[attr-defined]  # noqa: PLC0415
        make_meta,  # documented (dask API: dask.dataframe.utils.make_meta), not re-exported
    )

    meta = table_meta(make_meta(frame), scale, keep=keep)
    grade = partial(grade_pandas_partition, scale=scale, options=options, keep=tuple(keep))
    return frame.map_partitions(grade, meta=meta)


def grade_crs_dask(
    frame: Any, *, options: CrsOptions = DEFAULT_OPTIONS, keep: Sequence[str] = ()
) -> Any:
    """Grade a ``dask.dataframe.DataFrame`` of CRS assessments, partition by partition.

    Args:
        frame: a Dask DataFrame with the columns of :func:`grade_crs_table` (the CSV columns of
            ``astct-grading schema --columns crs``, any subset) and optionally ``id``.
        options: as for :func:`grade_crs_table`.
        keep: other columns to carry to the output unchanged (after ``id``).

    Returns:
        A lazy Dask DataFrame with the same partitions, index and order: ``id`` and ``keep``
        when given, then ``grade``, ``grade_min``, ``grade_max``, ``drivers``, ``missing``,
        ``criteria_version``, ``error_field``, ``error_type``, ``error_message`` (Arrow-backed
        dtypes; an invalid row has its error and nulls elsewhere, never dropped).

    Raises:
        FrameError: a column that is not one of the scale's, or of the wrong type (at once,
            from the frame's ``meta``).

    Example:
        >>> import dask.dataframe as dd
        >>> frame = dd.from_pandas(pd.DataFrame({"temperature.value": [38.5, 99.0],
        ...     "temperature.unit": ["C", "C"]}), npartitions=1)
        >>> grade_crs_dask(frame).compute()["error_type"].tolist()
        [<NA>, 'temperature_out_of_range']
    """
    return grade_dask(frame, "crs", options=options, keep=keep)
