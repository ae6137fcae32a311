r"""CSV files graded through the columnar engine, a chunk of rows at a time.

A CSV file of one scale's records (the command line's CSV: docs/cli.md, "CSV cells") is read
:data:`~astct_grading.frame.stream.BATCH_ROWS` rows at a time, so memory is bounded by the
chunk, not by the file. The header is checked, and each row is split into cells, by the command
line's own CSV reader (``cli/csv_input.py``: Python's ``csv`` module, strict quoting, a row of
another length, a blank line or a row that is not UTF-8 being an error row). The cells of a
chunk are then read column-wise into typed Arrow columns (pyarrow.compute) by the command line's
cell rules, exactly:

* an empty cell is *not given*: a null cell of a nested column (the key left out of its object),
  of a top-level column whose default is null, or the default itself for a yes/no column whose
  default is ``false`` (``fever_other_cause``...);
* ``null`` is JSON null (top-level columns);
* ``true``/``TRUE``/``false``/``FALSE`` in a boolean column;
* a plain number (:func:`~astct_grading.core.validation.plain_number`, the same pattern) in a
  number column, read as float64 (Arrow's reading of the text, which rounds as ``float()``);
* ``[]`` (spaces around ignored) as the empty list, and ``a;b`` as a list whose items have the
  spaces ``str.strip`` removes taken off;
* any other cell of a text column as written.

A row with a cell the typed columns cannot hold exactly (a number cell that is not a plain
number, a boolean cell that is not one of the words, ``null`` in a nested column, an object
column such as ``organ_toxicity``...) and a row the column-wise grading finds invalid are graded
by the per-record path itself (the command line's row -> record function, then the model and the
scale's grading function), and their output rows are put back in place: every row's output is
the per-record command line's, the error's field, type and message included. The rows keep their
order; no row is dropped. docs/frame.md, "CSV", describes it.

Example:
    >>> import pathlib, tempfile
    >>> import pyarrow.parquet as pq
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "crs.csv").write_text(
    ...     "id,temperature.value,temperature.unit,hypotension,vasopressors\n"
    ...     "a,38.6,C,false,[]\n"
    ...     "b,3_8,C,,\n"
    ... )
    >>> grade_csv(folder / "crs.csv", folder / "graded.parquet", "crs")
    CsvSummary(rows=2, invalid=1, internal=0)
    >>> out = pq.read_table(folder / "graded.parquet")
    >>> out.column("grade_min").to_pylist(), out.column("error_type").to_pylist()
    ([1, None], [None, 'number_format'])
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import itertools
import os
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from astct_grading.cli.csv_input import _csv_outcome, _csv_row_error, _CsvTable, _value_reader
from astct_grading.cli.inputs import _BOM, _Lines, _wide_encoding
from astct_grading.cli.output import _error, _Failure, _internal, _UsageError
from astct_grading.cli.scales import ID_KEY, SCALES, Scale
from astct_grading.core.validation import _PLAIN_NUMBER
from astct_grading.frame._results import ERROR_COLUMNS, Names
from astct_grading.frame._table import FrameError, _kind
from astct_grading.frame.stream import (
    BATCH_ROWS,
    TABLE_SCALES,
    ParquetSummary,
    _batches,
    grade_batches,
    grade_parquet,
    grade_table,
    output_schema,
)
from astct_grading.frame.stream import _open as _open_parquet

__all__ = [
    "OUTPUT_FORMATS",
    "WHITESPACE",
    "CsvChunk",
    "CsvReadError",
    "CsvSummary",
    "CsvTableReader",
    "FrameError",
    "grade_csv",
    "grade_parquet",
    "grade_parquet_to_csv",
    "output_format",
]

Path = str | os.PathLike[str]
Bools = npt.NDArray[np.bool_]

#: Output file suffix -> format: Parquet or CSV (docs/cli.md, "CSV and Parquet with -o").
OUTPUT_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}

#: The command line's cell words (docs/cli.md, "CSV cells"; cli/csv_input.py).
_NULL = "null"
_EMPTY_LIST = "[]"
_SEPARATOR = ";"
_TRUE = ["true", "TRUE"]
_FALSE = ["false", "FALSE"]

#: The characters ``str.strip()`` removes (``str.isspace``: Unicode White_Space and the
#: bidirectional classes WS, B and S), which the command line strips from a list item; checked
#: against ``str.isspace`` over every code point by the tests.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

#: :func:`~astct_grading.core.validation.plain_number`'s pattern, anchored for RE2 (one rule).
_PLAIN = f"^{_PLAIN_NUMBER.pattern}$"

_STRING_LIST = pa.list_(pa.string())

#: How the cells of a column are read: typed, or left to the per-record path (``model``).
_TYPES = {
    "id": pa.string(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "text": pa.string(),
    "count": pa.string(),
    "list": _STRING_LIST,
}


class CsvReadError(OSError):
    """A CSV file that cannot be read as UTF-8 text (UTF-16 or UTF-32).

    An I/O error (the command line exits 2 with its message), apart from a bad header
    (:class:`~astct_grading.frame.FrameError`) and from bad rows (graded with their error).
    """


@dataclass(frozen=True)
class CsvSummary(ParquetSummary):
    """What :func:`grade_csv` wrote.

    Attributes:
        rows: the rows written (every row read).
        invalid: the rows not graded (written with their error), ``internal`` ones included.
        internal: the rows the tool itself failed on (error type ``internal``: a bug).
    """

    internal: int = 0


@dataclass(frozen=True)
class _Column:
    """How one header column is read.

    Attributes:
        name: the column (a dotted path).
        kind: ``id``, ``number``, ``boolean``, ``text``, ``count`` (a number or a word), ``list``,
            or ``model`` (a column the
            typed columns cannot hold: every cell given goes to the per-record path).
        nested: whether it is a field of an object (``temperature.value``): an empty cell leaves
            the key out, and ``null`` (a JSON null in the object) is left to the per-record path.
        fill: the value of an empty top-level cell: None for null (a field whose default is
            null), else the field's default (a yes/no field defaulting to false).
        empty_typed: whether an empty top-level cell is held exactly (else per-record).
    """

    name: str
    kind: str
    nested: bool = False
    fill: object = None
    empty_typed: bool = True


def _holds_object(annotation: Any) -> bool:
    """Whether a field's annotation admits an object (a ``dict``), which no cell holds."""
    if typing.get_origin(annotation) is dict:
        return True
    return any(_holds_object(argument) for argument in typing.get_args(annotation))


def _plan_column(scale: Scale, name: str) -> _Column:
    """How the cells of the column ``name`` (a column of ``scale``) are read."""
    if name == ID_KEY:
        return _Column(name, "id")
    column = scale.csv_columns[name]
    kind = _kind(column)
    if kind == "date":  # the command line gives the cell as written (the model reads it)
        kind = "text"
    if kind == "list" and _value_reader(column) is not None:
        kind = "model"  # items read as numbers or booleans: not a list of strings
    if "." in name:
        return _Column(name, kind, nested=True)
    field = scale.model.model_fields[name]
    if _holds_object(field.annotation):
        kind = "model"
    if field.is_required() or field.default_factory is not None:
        return _Column(name, kind, empty_typed=False)
    if field.default is None:
        return _Column(name, kind)
    typed = kind == "boolean" and isinstance(field.default, bool)
    return _Column(name, kind, fill=field.default, empty_typed=typed)


def _mask(array: pa.Array) -> Bools:
    """An Arrow boolean array without nulls as numpy."""
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _read_column(column: _Column, cells: pa.Array) -> tuple[pa.Array | None, Bools]:
    """(typed array, or None when the column is left out; where the cells are held exactly)."""
    empty = pc.equal(cells, "")
    null = pc.equal(cells, _NULL)
    kind = column.kind
    if kind == "model":
        return None, _mask(empty)  # only an empty cell (not given) is read without the model
    if kind == "id":
        return pc.if_else(empty, pa.scalar(None, pa.string()), cells), np.ones(len(cells), bool)
    if kind == "number":
        held = pc.match_substring_regex(cells, _PLAIN)
        numbers = pc.cast(pc.if_else(held, cells, "0"), pa.float64())
        typed = pc.if_else(held, numbers, pa.scalar(None, pa.float64()))
    elif kind == "boolean":
        true = pc.is_in(cells, pa.array(_TRUE))
        held = pc.or_(true, pc.is_in(cells, pa.array(_FALSE)))
        typed = pc.if_else(held, true, pa.scalar(None, pa.bool_()))
    elif kind == "list":
        empty_list = pc.equal(pc.utf8_trim(cells, WHITESPACE), _EMPTY_LIST)
        split = pc.split_pattern(cells, _SEPARATOR)
        items = pc.utf8_trim(split.flatten(), WHITESPACE)
        lists = pa.ListArray.from_arrays(split.offsets, items)
        typed = pc.if_else(empty_list, pa.scalar([], _STRING_LIST), lists)
        held = pc.invert(null)
    elif kind == "count":
        # A number or a word (vasopressor_count: 0-6 or "multiple"): the command line reads a
        # plain number as a number, which a text column cannot hold: such a row is the
        # per-record path's; the words, and any other text, are given as written.
        typed = cells
        held = pc.and_(pc.invert(null), pc.invert(pc.match_substring_regex(cells, _PLAIN)))
    else:  # text, as written
        typed = cells
        held = pc.invert(null)
    exact = _mask(pc.or_(held, empty))
    if not column.nested:
        exact |= _mask(null)  # a top-level null is JSON null: null in the typed column
        if not column.empty_typed:
            exact &= ~_mask(empty)
    out = pc.if_else(pc.and_not(held, empty), typed, pa.scalar(None, _TYPES[kind]))
    if column.fill is not None:  # an empty cell is the field's default (never ``null``)
        out = pc.if_else(empty, pa.scalar(column.fill, _TYPES[kind]), out)
    return out, exact


@dataclass(frozen=True)
class CsvChunk:
    """A chunk of CSV rows, read into typed columns.

    Attributes:
        batch: the typed columns of every row of the chunk (the scale's table columns, ``id``
            first when there is one): number columns float64, yes/no columns boolean, text
            columns string, list columns list of string (no rows when no column is typed, as
            for ``organ_toxicity`` alone). A row that is not ``exact`` may hold
            anything here: it is read by the per-record path.
        exact: per row, whether ``batch`` holds its cells exactly as the per-record path reads
            them.
        cells: the cells as written, one string array per header column.
        errors: the rows that are not records (a quoting error, a blank line, a row of another
            length, a row that is not UTF-8), by position in the chunk, with their errors.
    """

    batch: pa.RecordBatch
    exact: Bools
    cells: list[pa.Array]
    errors: dict[int, list[dict[str, str]]]


#: The longest cell Python's csv module reads (``csv.field_size_limit()``, 128 KiB); a line at
#: most this long cannot hold a longer cell.
_FIELD_LIMIT = 131_072


def _plain_lines(block: list[bytes], width: int) -> bool:
    """Whether Arrow's CSV reader splits ``block`` into the same rows as Python's ``csv``.

    It does when no line holds a quote, a NUL, a carriage return other than the line end's, or a
    byte order mark at the start (Arrow skips one); when every line is valid UTF-8, not blank,
    no longer than a cell may be, and holds exactly ``width`` cells. Then both split each line
    at its commas alone. Any other chunk is split by Python's ``csv``, as the command line does.
    """
    data = b"".join(block)
    if (
        b'"' in data
        or b"\x00" in data
        or data.count(b"\r") != data.count(b"\r\n")
        or data.startswith(_BOM)
        or max(map(len, block)) > _FIELD_LIMIT
    ):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    commas = width - 1
    return all(line.count(b",") == commas and line not in _BLANK for line in block)


_BLANK = (b"\n", b"\r\n")


def _arrow_cells(block: list[bytes], names: list[str]) -> list[pa.Array]:
    """The cells of a block :func:`_plain_lines` accepts, split by Arrow's CSV reader."""
    table = pacsv.read_csv(
        pa.BufferReader(b"".join(block)),
        read_options=pacsv.ReadOptions(column_names=names),
        parse_options=pacsv.ParseOptions(
            quote_char=False, double_quote=False, escape_char=False, ignore_empty_lines=False
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
        ),
    )
    return [table.column(name).combine_chunks() for name in names]


class _Counted:
    """An iterator of lines that counts the lines it has given."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines
        self.given = 0

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = next(self._lines)
        self.given += 1
        return line


def _python_rows(
    block: list[bytes], rest: Iterator[bytes], width: int
) -> tuple[list[list[str]], dict[int, list[dict[str, str]]]]:
    """The rows of ``block`` split by Python's ``csv``, exactly as the command line does.

    The rows and errors of ``_CsvTable.rows`` (cli/csv_input.py): a quoting error, a blank line,
    a row of another length, a row with a line that is not UTF-8 (decoded with replacement
    characters, so the reader keeps its place). A quoted cell open at the block's end reads on
    into ``rest``.
    """
    lines = _Counted(itertools.chain(block, rest))
    bad: set[int] = set()

    def decoded() -> Iterator[str]:
        for number, raw in enumerate(lines, 1):
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:  # noqa: PERF203 (one row's error, as the command line)
                bad.add(number)
                yield raw.decode("utf-8", errors="replace")

    reader = csv.reader(decoded(), strict=True)
    rows: list[list[str]] = []
    errors: dict[int, list[dict[str, str]]] = {}
    end = 0
    while lines.given < len(block):
        start = end + 1
        try:
            row = next(reader)
        except csv.Error as error:
            end = reader.line_num
            errors[len(rows)] = [_error("", "csv", str(error))]
            rows.append([""] * width)
            continue
        end = reader.line_num
        problem = _csv_row_error(row, width, not bad.isdisjoint(range(start, end + 1)))
        if problem is not None:
            errors[len(rows)] = problem
            row = [""] * width
        rows.append(row)
    return rows, errors


class CsvTableReader:
    r"""A CSV input of one scale: its header checked at once, then its rows chunk by chunk.

    Args:
        lines: the file's lines as bytes (a binary file, ``sys.stdin.buffer``...).
        scale: ``crs``, ``icans`` or ``sledai``.
        batch_size: the rows per chunk (default :data:`~astct_grading.frame.stream.BATCH_ROWS`).

    Raises:
        FrameError: a bad header: an unknown or repeated column, a column naming a whole
            object, a header that is not UTF-8 or has a quoting error, a single column holding
            ``;`` or a tab (the message as the command line gives it).

    Example:
        >>> reader = CsvTableReader([b"id,fever\n", b"a,TRUE\n", b"b,yes\n"], "crs")
        >>> chunk = next(reader.chunks())
        >>> chunk.batch.column("fever").to_pylist(), chunk.exact.tolist()
        ([True, None], [True, False])
    """

    def __init__(
        self, lines: Iterable[bytes], scale: str = "crs", *, batch_size: int = BATCH_ROWS
    ) -> None:
        if scale not in SCALES:
            raise FrameError(f"no CSV columns for {scale!r}: the scales are {', '.join(SCALES)}")
        self.scale = SCALES[scale]
        self._lines = iter(lines)
        try:
            self._table = _CsvTable(self.scale, self._lines)  # reads the header's lines only
        except _UsageError as error:
            raise FrameError(str(error)) from None
        self.names = [
            ID_KEY if column is None else ".".join(column[0]) for column in self._table.columns
        ]
        self._columns = [_plan_column(self.scale, name) for name in self.names]
        typed = [column for column in self._columns if column.kind != "model"]
        #: The typed columns' schema (the same for every chunk).
        self.schema = pa.schema([(column.name, _TYPES[column.kind]) for column in typed])
        self._batch_size = batch_size

    def chunks(self) -> Iterator[CsvChunk]:
        """The rows after the header, ``batch_size`` at a time, in order."""
        width = len(self._columns)
        while not self._table._empty:
            block = list(itertools.islice(self._lines, self._batch_size))
            if not block:
                return
            errors: dict[int, list[dict[str, str]]] = {}
            if _plain_lines(block, width):
                cells = _arrow_cells(block, self.names)
            else:
                rows, errors = _python_rows(block, self._lines, width)
                cells = [pa.array(values, pa.string()) for values in zip(*rows, strict=True)]
            exact = np.ones(len(cells[0]), dtype=bool)
            exact[list(errors)] = False
            arrays = []
            for column, values in zip(self._columns, cells, strict=True):
                typed, held = _read_column(column, values)
                exact &= held
                if typed is not None:
                    arrays.append(typed)
            if not arrays:  # no typed column (organ_toxicity alone): every row is per-record
                exact[:] = False
            batch = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
            yield CsvChunk(batch, exact, cells, errors)

    def outcome(self, chunk: CsvChunk, index: int) -> tuple[object, object]:
        """(id, result or failure) of one row of a chunk, by the per-record path."""
        errors = chunk.errors.get(index)
        if errors is not None:
            return None, _Failure("parse", errors)
        cells = [str(column[index]) for column in chunk.cells]
        try:
            return _csv_outcome(self.scale, self._table.columns, cells)
        except Exception as error:  # one record's failure, never the run's
            where = self._table.id_index
            return (cells[where] or None) if where is not None else None, _internal(error)


def _result_row(names: Sequence[str], outcome: object, scale: str) -> dict[str, Any]:
    """One output row from the per-record outcome: the result's answer, or the first error.

    The answer is what the scale's table holds of a result (its module's ``answer_of`` and
    ``NAMES``), so a row graded here reads as a row graded column-wise.
    """
    row: dict[str, Any] = dict.fromkeys(names)
    if isinstance(outcome, _Failure):
        first = outcome.errors[0]
        row.update(zip(ERROR_COLUMNS, (first["loc"], first["type"], first["msg"]), strict=True))
        return row
    module = importlib.import_module(TABLE_SCALES[scale][0])
    columns: Names = module.NAMES
    low, high, drivers, missing = module.answer_of(outcome)
    row[columns.value] = low if low == high else None
    row[columns.low], row[columns.high] = low, high
    row[columns.drivers], row["missing"] = list(drivers), list(missing)
    row[columns.version] = getattr(outcome, "criteria_version")  # noqa: B009 (any result)
    return row


class _Grader:
    """Grades chunks of a :class:`CsvTableReader`: column-wise, and per record where needed."""

    def __init__(self, reader: CsvTableReader, scale: str) -> None:
        self._reader = reader
        self._scale = scale
        self.schema = output_schema(reader.schema, scale)
        self.invalid = self.internal = 0

    def grade(self, chunk: CsvChunk) -> pa.Table:
        """The chunk's output rows, in order."""
        direct = np.flatnonzero(chunk.exact)
        batch = chunk.batch
        if len(direct) < batch.num_rows:
            batch = batch.take(pa.array(direct, pa.int64()))
        graded = grade_table(pa.Table.from_batches([batch]), self._scale).cast(self.schema)
        refused = _mask(pc.is_valid(graded.column(ERROR_COLUMNS[1])))
        # A row the typed columns cannot hold, and a row found invalid, are the per-record
        # path's: its error (field, type, message) is then the command line's, word for word.
        again = ~chunk.exact
        again[direct[refused]] = True
        rows = np.flatnonzero(again)
        if not len(rows):
            return graded
        extra = []
        for index in rows.tolist():
            record_id, outcome = self._reader.outcome(chunk, index)
            if isinstance(outcome, _Failure):
                self.invalid += 1
                self.internal += outcome.kind == "internal"
            row = _result_row(self.schema.names, outcome, self._scale)
            extra.append({**row, ID_KEY: record_id})
        order = np.empty(len(chunk.exact), dtype=np.int64)
        order[direct[~refused]] = np.flatnonzero(~refused)
        order[rows] = graded.num_rows + np.arange(len(rows))
        table = pa.concat_tables([graded, pa.Table.from_pylist(extra, schema=self.schema)])
        return table.take(pa.array(order))


def output_format(path: Path) -> str:
    """The format of an output file by its suffix (any case): ``parquet`` or ``csv``.

    Raises:
        ValueError: another suffix.

    Example:
        >>> output_format("graded.PQ"), output_format("graded.csv")
        ('parquet', 'csv')
    """
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in OUTPUT_FORMATS:
        raise ValueError(
            f"cannot tell the output format of {os.fspath(path)!r} from its suffix: name it "
            ".parquet or .pq (Parquet) or .csv (CSV)"
        )
    return OUTPUT_FORMATS[suffix]


def _csv_columns(table: pa.Table) -> pa.Table:
    """The output as CSV cells: a list as ``;``-joined text, ``[]`` when empty, as read."""
    for index, field in enumerate(table.schema):
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            column = table.column(index)
            text = pc.if_else(
                pc.equal(pc.list_value_length(column), 0),
                _EMPTY_LIST,
                pc.binary_join(column, _SEPARATOR),
            )
            table = table.set_column(index, field.name, text)
    return table


class _Writer:
    """A Parquet or CSV file written a table at a time."""

    def __init__(self, destination: Path, schema: pa.Schema, format_: str) -> None:
        self._csv = format_ == "csv"
        if self._csv:
            text = _csv_columns(schema.empty_table()).schema
            options = pacsv.WriteOptions(quoting_style="needed")
            self._file: Any = pacsv.CSVWriter(destination, text, write_options=options)
        else:
            self._file = pq.ParquetWriter(destination, schema)

    def write(self, table: pa.Table) -> None:
        self._file.write_table(_csv_columns(table) if self._csv else table)

    def close(self) -> None:
        self._file.close()


@contextlib.contextmanager
def _writer(destination: Path, schema: pa.Schema, format_: str) -> Iterator[_Writer]:
    writer = _Writer(destination, schema, format_)
    try:
        yield writer
    finally:
        writer.close()


def _lines(source: Path | IO[bytes] | Iterable[bytes]) -> contextlib.AbstractContextManager[Any]:
    if isinstance(source, (str, os.PathLike)):
        return open(source, "rb")
    return contextlib.nullcontext(source)


def grade_csv(
    source: Path | IO[bytes] | Iterable[bytes],
    destination: Path,
    scale: str = "crs",
    *,
    batch_size: int | None = None,
    output: str | None = None,
) -> CsvSummary:
    r"""Grade a CSV file of one scale's records into a Parquet or CSV file, chunk by chunk.

    Each row's output is the per-record command line's (``astct-grading SCALE FILE.csv``): the
    cells are read by its rules, a row it would refuse is refused with the same error, and the
    rows are graded column-wise where the typed columns hold them exactly (module docstring).
    At most ``batch_size`` rows are held at a time, however large the file.

    Args:
        source: the CSV file: a path, a binary file, or its lines as bytes.
        destination: the file to write (replaced if it exists): ``id`` when the CSV has one,
            then the columns of :func:`~astct_grading.frame.grade_table`, one row per CSV row.
        scale: ``crs``, ``icans`` or ``sledai``.
        batch_size: the rows read, graded and written at a time (default
            :data:`~astct_grading.frame.stream.BATCH_ROWS`).
        output: ``parquet`` or ``csv``; by default from ``destination``'s suffix
            (:func:`output_format`). In CSV a list is written ``;``-joined, ``[]`` when empty.

    Returns:
        The rows written, how many are invalid, and how many of those met an internal error.

    Raises:
        FrameError: a bad header (checked before the output is created), or a scale without a
            table path.
        CsvReadError: the file is UTF-16 or UTF-32.
        ValueError: ``destination`` has no known suffix and ``output`` is not given.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "in.csv").write_text("fever,vasopressors\ntrue,[]\nyes,\n")
        >>> grade_csv(folder / "in.csv", folder / "out.csv")
        CsvSummary(rows=2, invalid=1, internal=0)
        >>> print((folder / "out.csv").read_text())
        "grade","grade_min","grade_max","drivers","missing","criteria_version","error_field","error_type","error_message"
        ,1,4,"fever","hypotension;oxygen","ASTCT-2019",,,
        ,,,,,,"fever","bool_type","Input should be a valid boolean"
        <BLANKLINE>
    """
    format_ = output or output_format(destination)
    with _lines(source) as opened:
        lines = _Lines(opened)
        wide = _wide_encoding(lines.start(4))
        if wide is not None:
            raise CsvReadError(f"the CSV input is {wide[1]}, not UTF-8: convert it first")
        reader = CsvTableReader(lines, scale, batch_size=batch_size or BATCH_ROWS)
        grader = _Grader(reader, scale)
        rows = 0
        with _writer(destination, grader.schema, format_) as writer:
            for chunk in reader.chunks():
                table = grader.grade(chunk)
                writer.write(table)
                rows += table.num_rows
    return CsvSummary(rows, grader.invalid, grader.internal)


def grade_parquet_to_csv(
    source: Path, destination: Path, scale: str = "crs", *, batch_size: int | None = None
) -> ParquetSummary:
    """Grade a Parquet file as :func:`~astct_grading.frame.grade_parquet` does, into CSV.

    The output's columns are :func:`~astct_grading.frame.grade_parquet`'s, a list written
    ``;``-joined (``[]`` when empty), a null as an empty cell.

    Raises:
        FrameError: a scale not graded column-wise, or a column that is not one of the scale's
            or is of the wrong type (checked before the output is created).
        ParquetReadError: ``source`` is not a Parquet file, or part of it cannot be read.

    Example:
        >>> import pathlib, tempfile
        >>> import pyarrow.parquet as pq
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> pq.write_table(pa.table({"id": ["a"], "fever": [True]}), folder / "in.parquet")
        >>> grade_parquet_to_csv(folder / "in.parquet", folder / "out.csv")
        ParquetSummary(rows=1, invalid=0)
        >>> print((folder / "out.csv").read_text().splitlines()[1])
        "a",,1,4,"fever","hypotension;vasopressors;oxygen","ASTCT-2019",,,
    """
    file = _open_parquet(source)
    try:
        schema = output_schema(file.schema_arrow, scale)
        rows = invalid = 0
        with _writer(destination, schema, "csv") as writer:
            batches = _batches(source, file, batch_size or BATCH_ROWS)
            for graded in grade_batches(batches, scale, schema=schema):
                writer.write(pa.Table.from_batches([graded]))
                rows += graded.num_rows
                invalid += graded.num_rows - graded.column(ERROR_COLUMNS[1]).null_count
    finally:
        file.close()
    return ParquetSummary(rows, invalid)
