"""Reading a table's columns: the frame in, typed numpy arrays out, and one row as a record.

A table arrives as a pyarrow Table or RecordBatch, or as any dataframe narwhals reads (pandas,
polars...); it is read as Arrow. Its columns are the command line's flat CSV names
(``astct-grading schema --columns crs``), read by kind:

* a number column: any integer, floating or decimal type (read as float64);
* a boolean column: boolean;
* a text column: string (or dictionary-encoded string);
* a list column: a list of strings;
* a date column: a date or timestamp type, or text (each distinct value is read by the model).

A null cell is JSON ``null`` in the record (D13: not known). A nested field's null cell (for
example ``temperature.unit``) leaves the key out of its object, as an empty CSV cell does; the
object is given when any of its columns holds a value. A column left out of the table is a key
left out of every record: the model's default applies. A column of another type, or a name that
is not a column of the scale, is refused for the whole table (:class:`FrameError`): no cell of it
could be read as the model reads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import narwhals as nw
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from astct_grading.cli.scales import ID_KEY, CsvColumn, _nearest
from astct_grading.errors import AstctGradingError

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.integer[Any]]

#: Rows read at a time for :meth:`Columns.prefetch`.
READ_AHEAD = 4096

#: A yes/no cell as a level code: 0 false, 1 true, 2 null (not known).
FALSE, TRUE, UNKNOWN = 0, 1, 2


class FrameError(AstctGradingError):
    """A table that cannot be graded as a whole: an unknown column or a column of the wrong type.

    Its ``type`` is ``frame_column`` (errors.py, MISUSE_TYPES).
    """

    def __init__(self, message: str) -> None:
        super().__init__("frame_column", message)


def _kind(column: CsvColumn) -> str:
    if set(column.kinds) == {"integer", "text"}:
        return "count"
    if column.is_list:
        return "list"
    if column.is_boolean:
        return "boolean"
    if column.is_numeric:
        return "number"
    if column.kinds == ("date",):
        return "date"
    return "text"


_CHECKS = {
    "number": lambda t: pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t),
    "boolean": pa.types.is_boolean,
    "text": lambda t: (
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or (pa.types.is_dictionary(t) and pa.types.is_string(t.value_type))
    ),
    "date": lambda t: (
        pa.types.is_date(t)
        or pa.types.is_timestamp(t)
        or pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or (pa.types.is_dictionary(t) and pa.types.is_string(t.value_type))
    ),
    "list": lambda t: (
        (pa.types.is_list(t) or pa.types.is_large_list(t))
        and (
            pa.types.is_string(t.value_type)
            or pa.types.is_large_string(t.value_type)
            or pa.types.is_null(t.value_type)
            or (
                pa.types.is_dictionary(t.value_type) and pa.types.is_string(t.value_type.value_type)
            )
        )
    ),
}
_CHECKS["count"] = lambda t: pa.types.is_integer(t) or _CHECKS["text"](t)
# An object cell (organ name -> grade): a map, or a struct with a field per key.
_CHECKS["object"] = lambda t: pa.types.is_map(t) or pa.types.is_struct(t)
_EXPECTED = {
    "count": "an integer type, or string",
    "object": "a map or a struct",
    "number": "a number type (integer, floating or decimal)",
    "boolean": "boolean",
    "text": "string",
    "list": "a list of strings",
    "date": "a date, a timestamp or string (ISO 8601)",
}


def to_arrow(data: Any) -> pa.Table:
    """The table as pyarrow: a Table or RecordBatch as it is, any other frame through narwhals.

    Example:
        >>> to_arrow(pa.record_batch({"fever": [True]})).num_rows
        1
    """
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    frame = nw.from_native(data, eager_only=True)
    table: pa.Table = frame.to_arrow()
    index = [name for name in table.column_names if name not in frame.columns]
    # A pandas index other than 0..n-1 comes as a column (__index_level_0__): it is no input,
    # and like() gives it back to the output.
    return table.drop_columns(index) if index else table


def like(data: Any, table: pa.Table) -> Any:
    """``table`` in the kind of frame ``data`` is (pyarrow stays pyarrow).

    Example:
        >>> like(pa.table({"a": [1]}), pa.table({"b": [2]})).column_names
        ['b']
    """
    if isinstance(data, pa.Table):
        return table
    if isinstance(data, pa.RecordBatch):
        return (
            table.combine_chunks().to_batches()[0]
            if table.num_rows
            else pa.RecordBatch.from_pylist([], schema=table.schema)
        )
    native = nw.get_native_namespace(nw.from_native(data, eager_only=True))
    out = nw.from_arrow(table, backend=native).to_native()
    if nw.dependencies.is_pandas_dataframe(data):
        out.index = data.index  # the rows keep their labels
    return out


class Columns:
    """A table's columns for one scale, read into numpy by kind.

    Attributes:
        table: the table (pyarrow), its columns checked.
        rows: its number of rows.
    """

    def __init__(
        self,
        table: pa.Table,
        columns: Mapping[str, CsvColumn],
        keep: Sequence[str] = (),
        *,
        kinds: Mapping[str, str] | None = None,
        checked: bool = False,
    ) -> None:
        kinds = {name: _kind(column) for name, column in columns.items()} | dict(kinds or {})
        for name in () if checked else table.column_names:
            if name == ID_KEY or name in keep:
                continue
            if name not in kinds:
                known = [ID_KEY, *kinds]
                raise FrameError(
                    f"unknown column {name!r}{_nearest(name, known)} (the columns are: "
                    f"{', '.join(known)}; pass other columns to carry through with keep=)"
                )
            type_ = table.schema.field(name).type
            if not (pa.types.is_null(type_) or _CHECKS[kinds[name]](type_)):
                raise FrameError(f"column {name!r} is {type_}; it must be {_EXPECTED[kinds[name]]}")
        self.table = table
        self.rows = table.num_rows
        self._kinds = kinds
        self._names = frozenset(table.column_names)
        # Rows announced by prefetch, their positions, and the batch of records read ahead.
        self._ahead: list[int] = []
        self._position: dict[int, int] = {}
        self._read: dict[int, dict[str, Any]] = {}

    def has(self, name: str) -> bool:
        """Whether the table has the column."""
        return name in self._names

    def given(self, name: str) -> Bools:
        """Where a cell holds a value: not null (nowhere when the column is left out)."""
        if not self.has(name):
            return np.zeros(self.rows, dtype=bool)
        array = self._array(name)
        return np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)

    def count(self, name: str, most: int, words: Mapping[str, int], other: int) -> Codes:
        """An integer-or-text column as codes.

        0 for null, 1 + the number for a whole number from 0 to ``most``, ``words[cell]`` for
        a text cell, ``other`` for any other value.
        """
        if not self.has(name):
            return np.zeros(self.rows, dtype=np.int64)
        array = self._array(name)
        if pa.types.is_null(array.type):
            return np.zeros(self.rows, dtype=np.int64)
        if not pa.types.is_integer(array.type):
            return _encode(array, words, other)
        values = np.asarray(array.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
        codes = np.where((values >= 0) & (values <= most), values + 1, other)
        out: Codes = np.where(self.given(name), codes, 0)
        return out

    def _array(self, name: str) -> pa.Array:
        column = self.table.column(name)
        if column.num_chunks == 1:
            return column.chunk(0)  # a slice of a table: no copy
        return column.combine_chunks()

    def number(self, name: str) -> tuple[Floats, Bools]:
        """(values, given): the cells as float64 (NaN where null) and where a value is given."""
        if not self.has(name):
            return np.full(self.rows, np.nan), np.zeros(self.rows, dtype=bool)
        array = self._array(name)
        if pa.types.is_null(array.type):
            return np.full(self.rows, np.nan), np.zeros(self.rows, dtype=bool)
        if array.type != pa.float64():
            array = pc.cast(array, pa.float64(), safe=False)
        values = np.frombuffer(array.buffers()[1], dtype=np.float64)[
            array.offset : array.offset + len(array)
        ]
        if not array.null_count:
            return values, np.ones(self.rows, dtype=bool)
        given = _bits(array.buffers()[0], array.offset, len(array))
        return np.where(given, values, np.nan), given

    def flag(self, name: str, absent: int) -> Codes:
        """The cells as codes: :data:`FALSE`, :data:`TRUE`, :data:`UNKNOWN` (null).

        ``absent``: the code of every cell when the column is left out (the model's default).
        """
        if not self.has(name):
            return np.full(self.rows, absent, dtype=np.int8)
        array = self._array(name)
        if pa.types.is_null(array.type):
            return np.full(self.rows, UNKNOWN, dtype=np.int8)
        codes = _bits(array.buffers()[1], array.offset, len(array)).view(np.int8)
        if not array.null_count:
            return codes
        out: Codes = np.where(_bits(array.buffers()[0], array.offset, len(array)), codes, UNKNOWN)
        return out.astype(np.int8, copy=False)

    def text(self, name: str, codes: Mapping[str, int], other: int) -> Codes:
        """The cells as codes: ``codes[cell]``, ``other`` for any other text, 0 for null."""
        if not self.has(name):
            return np.zeros(self.rows, dtype=np.int64)
        array = self._array(name)
        if pa.types.is_null(array.type):
            return np.zeros(self.rows, dtype=np.int64)
        return _encode(array, codes, other)

    def lists(self, name: str, codes: Mapping[str, int], other: int) -> tuple[Bools, Codes, Codes]:
        """(given, offsets, item codes) of a list column; a null item is ``other`` too."""
        if not self.has(name):
            return (
                np.zeros(self.rows, dtype=bool),
                np.zeros(self.rows + 1, np.int64),
                np.zeros(0, np.int64),
            )
        array = self._array(name)
        if pa.types.is_null(array.type):
            return (
                np.zeros(self.rows, dtype=bool),
                np.zeros(self.rows + 1, np.int64),
                np.zeros(0, np.int64),
            )
        given = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        offsets = np.asarray(array.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
        start = offsets[0]
        items = array.values.slice(start, offsets[-1] - start)
        offsets = offsets - start
        item_codes: Codes
        if pa.types.is_null(items.type):
            item_codes = np.full(len(items), other, dtype=np.int64)
        else:
            item_codes = _encode(items, codes, other, null=other)
        spans = np.diff(offsets)
        # A null list's offsets may still span items: its length is read as 0.
        if spans[~given].any():
            lengths = np.where(given, spans, 0)
            keep = np.repeat(given, spans)
            item_codes = item_codes[keep]
            offsets = np.concatenate(([0], np.cumsum(lengths)))
        return given, offsets, item_codes

    def prefetch(self, indices: Sequence[int]) -> None:
        """The rows :meth:`record` will be asked for next, in that order: read ahead in batches.

        One Arrow ``take`` per :data:`READ_AHEAD` rows instead of a slice per row (about 6 µs a
        row instead of 200); at most one batch of records is held. A row not announced is read
        alone.

        Example:
            >>> from astct_grading.cli.scales import SCALES
            >>> columns = Columns(pa.table({"fever": [True, None]}), SCALES["crs"].csv_columns)
            >>> columns.prefetch([1, 0]); columns.record(1), columns.record(0)
            ({'fever': None}, {'fever': True})
        """
        self._ahead = list(indices)
        self._position = {row: position for position, row in enumerate(self._ahead)}
        self._read = {}

    def record(self, index: int) -> dict[str, Any]:
        """Row ``index`` as the record the per-record path reads (see the module's docstring)."""
        found = self._read.get(index)
        if found is not None:
            return found
        position = self._position.get(index)
        if position is None:  # a row not announced: read alone
            return self._record_of(self.table.slice(index, 1).to_pylist()[0])
        batch = self._ahead[position : position + READ_AHEAD]
        self._read = dict(zip(batch, self.records(batch), strict=True))
        return self._read[index]

    def records(self, indices: Sequence[int]) -> list[dict[str, Any]]:
        """The rows ``indices`` as records, as :meth:`record` reads each, read in one pass."""
        return [self._record_of(row) for row in self.table.take(list(indices)).to_pylist()]

    def _record_of(self, row: Mapping[str, Any]) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for name, cell in row.items():
            if name not in self._kinds:
                continue
            kind = self._kinds[name]
            value = cell
            if kind == "number" and cell is not None:
                value = float(cell)
            elif kind == "object" and cell is not None:
                # A map reads as (key, value) pairs; a struct's null field is a key left out.
                pairs = cell if isinstance(cell, list) else cell.items()
                value = {key: item for key, item in pairs if item is not None}
            parent, _, child = name.rpartition(".")
            if not parent:
                record[name] = value
            elif value is not None:
                record.setdefault(parent, {})[child] = value
        return record


def _bits(buffer: pa.Buffer, offset: int, length: int) -> Bools:
    """An Arrow bit map (values or validity) as booleans, unpacked in one pass."""
    first = offset // 8  # only the bytes of the slice: a table's slice shares its buffers
    packed = np.frombuffer(buffer, dtype=np.uint8)[first : (offset + length + 7) // 8]
    unpacked = np.unpackbits(packed, bitorder="little")[offset - 8 * first :][:length]
    return unpacked.view(np.bool_)


def _encode(array: pa.Array, codes: Mapping[str, int], other: int, null: int = 0) -> Codes:
    """Text cells as codes through their distinct values (each looked up once)."""
    encoded = array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)
    dictionary = encoded.dictionary.to_pylist()
    lookup = np.array([codes.get(word, other) for word in dictionary] + [null], dtype=np.int16)
    indices = encoded.indices
    positions = np.frombuffer(indices.buffers()[1], dtype=indices.type.to_pandas_dtype())[
        indices.offset : indices.offset + len(indices)
    ]
    if indices.null_count:
        valid = _bits(indices.buffers()[0], indices.offset, len(indices))
        positions = np.where(valid, positions, len(dictionary))
    out: Codes = lookup[positions]
    return out
