"""Tables too large for memory graded as a stream of record batches, and Parquet in and out.

Each batch is graded by the scale's table function (:func:`grade_table`:
:func:`~astct_grading.frame.grade_crs_table` for CRS) on its own, so memory is
bounded by the batch, not by the table: a Parquet file is read batch by batch
(``pyarrow.parquet.ParquetFile.iter_batches``) and the graded batches are written as they come
(``pyarrow.parquet.ParquetWriter``), one row group each. The rows keep their order; no row is
dropped (an invalid row is written with its error). docs/frame.md, "Parquet", describes it.

Example:
    >>> import pyarrow as pa
    >>> batches = [pa.record_batch({"fever": [True]}), pa.record_batch({"fever": [None]})]
    >>> [b.column("grade_min").to_pylist() for b in grade_crs_batches(batches)]
    [[1], [0]]
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from astct_grading.crs.models import DEFAULT_OPTIONS, CrsOptions
from astct_grading.frame._table import FrameError

__all__ = [
    "BATCH_ROWS",
    "TABLE_SCALES",
    "ParquetReadError",
    "ParquetSummary",
    "crs_output_schema",
    "grade_batches",
    "grade_crs_batches",
    "grade_crs_parquet",
    "grade_parquet",
    "grade_table",
    "output_schema",
]

#: The scales graded column-wise, each by its table function (module, name), imported on use.
TABLE_SCALES: dict[str, tuple[str, str]] = {
    "crs": ("astct_grading.frame.crs", "grade_crs_table"),
    "icans": ("astct_grading.frame.icans", "grade_icans_table"),
    "sledai": ("astct_grading.frame.sledai", "grade_sledai2k_table"),
}

#: Rows per batch read from a Parquet file (and per row group written): about 20 MB of working
#: memory for the CRS columns, measured in docs/frame.md.
BATCH_ROWS = 65_536

#: The output column that is null exactly for a valid row.
_ERROR_TYPE = "error_type"

Path = str | os.PathLike[str]


class ParquetReadError(OSError):
    """A Parquet file that cannot be read: not Parquet, truncated, or a damaged row group.

    An I/O error (the command line exits 2 with its message), apart from the table's own
    problems (:class:`~astct_grading.frame.FrameError`) and from invalid rows (which are graded
    with their error).
    """


def grade_table(
    data: Any, scale: str = "crs", *, options: Any = None, keep: Sequence[str] = ()
) -> Any:
    """Grade a table of one scale's records: that scale's table function.

    Args:
        data: as for :func:`~astct_grading.frame.grade_crs_table`.
        scale: ``crs``, ``icans`` or ``sledai`` (:data:`TABLE_SCALES`).
        options: the scale's options (``CrsOptions``, ``IcansOptions``, ``Sledai2kOptions``);
            None for the defaults.
        keep: other columns to carry to the output unchanged.

    Raises:
        FrameError: a scale not graded column-wise, or a column that is not the scale's.

    Example:
        >>> grade_table(pa.table({"fever": [True]}), "crs").column("grade_max").to_pylist()
        [4]
    """
    if scale not in TABLE_SCALES:
        raise FrameError(
            f"no table path for {scale!r}: the scales graded column-wise are "
            f"{', '.join(TABLE_SCALES)}"
        )
    module, name = TABLE_SCALES[scale]
    grader = getattr(importlib.import_module(module), name)
    if options is None:
        return grader(data, keep=keep)
    return grader(data, options=options, keep=keep)


def output_schema(schema: pa.Schema, scale: str = "crs", *, keep: Sequence[str] = ()) -> pa.Schema:
    """The schema of :func:`grade_table`'s output for a table of ``schema``.

    The same for every batch of that schema, so a writer or an engine can be told it before any
    row is graded.

    Raises:
        FrameError: a scale not graded column-wise, or a column that is not one of the scale's
            or is of the wrong type.

    Example:
        >>> schema = pa.schema([("id", pa.string()), ("fever", pa.bool_())])
        >>> output_schema(schema).names[:4]
        ['id', 'grade', 'grade_min', 'grade_max']
    """
    out: pa.Table = grade_table(schema.empty_table(), scale, keep=keep)
    return out.schema


def crs_output_schema(schema: pa.Schema, *, keep: Sequence[str] = ()) -> pa.Schema:
    """:func:`output_schema` for CRS.

    Example:
        >>> crs_output_schema(pa.schema([("fever", pa.bool_())])).names[:2]
        ['grade', 'grade_min']
    """
    return output_schema(schema, "crs", keep=keep)


def grade_batches(
    batches: Iterable[pa.RecordBatch],
    scale: str = "crs",
    *,
    options: Any = None,
    keep: Sequence[str] = (),
    schema: pa.Schema | None = None,
) -> Iterator[pa.RecordBatch]:
    """Grade a stream of record batches of one scale, one at a time, in order.

    Args:
        batches: record batches of one schema (the scale's columns).
        scale: as for :func:`grade_table`.
        options: as for :func:`grade_table`.
        keep: as for :func:`grade_table`.
        schema: when given, each graded batch is cast to it (an engine's own Arrow types, for
            example large strings); by default the types :func:`output_schema` gives.

    Yields:
        One graded batch per batch read (none for an empty batch), with the same rows in the
        same order.

    Example:
        >>> batch = pa.record_batch({
        ...     "id": ["a", "b"],
        ...     "fever": [True, None],
        ...     "hypotension": [False, False],
        ...     "vasopressors": pa.array([[], []], pa.list_(pa.string())),
        ...     "oxygen.device": ["room_air", "room_air"],
        ... })
        >>> for graded in grade_batches([batch], "crs"):
        ...     graded.column("grade").to_pylist(), graded.column("missing").to_pylist()
        ([1, None], [[], ['temperature', 'fever']])
    """
    for batch in batches:
        graded: pa.Table = grade_table(
            pa.Table.from_batches([batch]), scale, options=options, keep=keep
        )
        if schema is not None:
            graded = graded.cast(schema)
        yield from graded.combine_chunks().to_batches()


def grade_crs_batches(
    batches: Iterable[pa.RecordBatch],
    *,
    options: CrsOptions = DEFAULT_OPTIONS,
    keep: Sequence[str] = (),
    schema: pa.Schema | None = None,
) -> Iterator[pa.RecordBatch]:
    """:func:`grade_batches` for CRS.

    Example:
        >>> batches = [pa.record_batch({"fever": [True]}), pa.record_batch({"fever": [None]})]
        >>> [b.column("grade_min").to_pylist() for b in grade_crs_batches(batches)]
        [[1], [0]]
    """
    return grade_batches(batches, "crs", options=options, keep=keep, schema=schema)


@dataclass(frozen=True)
class ParquetSummary:
    """What :func:`grade_crs_parquet` wrote.

    Attributes:
        rows: the rows written (every row read).
        invalid: the rows that failed validation (written with their error).
    """

    rows: int
    invalid: int


def _batches(source: Path, file: pq.ParquetFile, batch_size: int) -> Iterator[pa.RecordBatch]:
    """The file's record batches; a read that fails is a :class:`ParquetReadError`."""
    reader = file.iter_batches(batch_size=batch_size)
    while True:
        try:
            batch = next(reader)
        except StopIteration:
            return
        except (pa.ArrowException, OSError) as error:
            raise ParquetReadError(f"cannot read {os.fspath(source)!r}: {error}") from error
        yield batch


def _open(source: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(source)
    except (pa.ArrowException, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ParquetReadError(f"cannot read {os.fspath(source)!r} as Parquet: {error}") from error


def grade_parquet(
    source: Path,
    destination: Path,
    scale: str = "crs",
    *,
    options: Any = None,
    keep: Sequence[str] = (),
    batch_size: int | None = None,
) -> ParquetSummary:
    """Grade a Parquet file of one scale's records into a Parquet file, batch by batch.

    The columns are the scale's table columns; the output holds :func:`grade_table`'s columns
    (``id`` and ``keep`` first when given), one row per input row, in order. At most
    ``batch_size`` rows are held at a time, however large the file. The table's columns are
    checked before the output is created; a file that cannot be read later on leaves a valid
    Parquet file of the rows graded until then.

    Args:
        source: the Parquet file to grade.
        destination: the Parquet file to write (replaced if it exists).
        scale: as for :func:`grade_table`.
        options: as for :func:`grade_table`.
        keep: as for :func:`grade_table`.
        batch_size: the rows read, graded and written at a time (default :data:`BATCH_ROWS`).

    Returns:
        The rows written and how many of them are invalid.

    Raises:
        FrameError: a scale not graded column-wise, or a column that is not one of the scale's
            or is of the wrong type.
        ParquetReadError: ``source`` is not a Parquet file, or part of it cannot be read.
        FileNotFoundError: there is no ``source``.

    Example:
        >>> import pyarrow.parquet as pq, tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> pq.write_table(pa.table({"id": [1, 2], "fever": [True, None]}), folder / "in.parquet")
        >>> grade_parquet(folder / "in.parquet", folder / "out.parquet", "crs")
        ParquetSummary(rows=2, invalid=0)
        >>> pq.read_table(folder / "out.parquet").column("grade_max").to_pylist()
        [4, 4]
    """
    file = _open(source)
    try:
        schema = output_schema(file.schema_arrow, scale, keep=keep)
        rows = invalid = 0
        with pq.ParquetWriter(destination, schema) as writer:
            batches = _batches(source, file, batch_size or BATCH_ROWS)
            graded_batches = grade_batches(
                batches, scale, options=options, keep=keep, schema=schema
            )
            for graded in graded_batches:
                writer.write_batch(graded)
                rows += graded.num_rows
                invalid += graded.num_rows - graded.column(_ERROR_TYPE).null_count
    finally:
        file.close()
    return ParquetSummary(rows, invalid)


def grade_crs_parquet(
    source: Path,
    destination: Path,
    *,
    options: CrsOptions = DEFAULT_OPTIONS,
    keep: Sequence[str] = (),
    batch_size: int | None = None,
) -> ParquetSummary:
    """:func:`grade_parquet` for CRS.

    Example:
        >>> import pyarrow.parquet as pq, tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> pq.write_table(pa.table({"fever": [True]}), folder / "in.parquet")
        >>> grade_crs_parquet(folder / "in.parquet", folder / "out.parquet")
        ParquetSummary(rows=1, invalid=0)
    """
    return grade_parquet(
        source, destination, "crs", options=options, keep=keep, batch_size=batch_size
    )
