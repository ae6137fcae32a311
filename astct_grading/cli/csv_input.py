"""CSV input: the header checked against the scale's columns, cells read by their column's kind.

The cell conventions are in docs/cli.md, "CSV cells": an empty cell is "not given", ``null`` is
null, ``;`` separates list items, ``[]`` is an empty list, ``true``/``false`` are booleans.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from astct_grading.cli.inputs import (
    _BOM,
)
from astct_grading.cli.output import (
    _PROGRESS_EVERY,
    PROG,
    _Counts,
    _emit,
    _error,
    _Failure,
    _grade,
    _internal,
    _progress,
    _UsageError,
    _validation_errors,
)
from astct_grading.cli.scales import (
    ID_KEY,
    CsvColumn,
    Scale,
    _nearest,
)
from astct_grading.core.validation import plain_number

#: CSV cell conventions (docs/cli.md, "CSV cells"): an empty cell is "not given"; these are literal
#: values. The boolean words are the only ones read as booleans: any other cell of a boolean
#: column goes to the model as written, which rejects it with the field named.
_CSV_NULL = "null"


_CSV_EMPTY_LIST = "[]"


_CSV_LIST_SEPARATOR = ";"


_CSV_BOOLEANS: dict[str, bool] = {"true": True, "false": False, "TRUE": True, "FALSE": False}


class _DecodedLines:
    """Decode UTF-8 line by line, remembering the lines that are not valid UTF-8.

    A bad line is decoded with replacement characters so the CSV reader keeps its place; the row
    that holds it is then reported as an error instead of being graded from altered text.
    """

    def __init__(self, lines: Iterable[bytes]) -> None:
        self._lines = lines
        self.bad: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        for number, raw in enumerate(self._lines, 1):
            data = raw[3:] if number == 1 and raw.startswith(_BOM) else raw
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError:
                self.bad.add(number)
                yield data.decode("utf-8", errors="replace")


#: How a cell becomes a value: ``null`` is null, a list column's cell is split, and each value is
#: read by its column's kind (``_value_reader``); anything else goes to the model as written.
_Reader = Callable[[str], object]


def _read_number(cell: str) -> object:
    """A cell of a number column: a plain number, as JSON writes one, is read as that number.

    Anything else (``3_8``, `` 38.5``, ``nan``) goes to the model as written, which rejects it
    with the field named: the rule is :func:`~astct_grading.core.validation.plain_number`, the
    models' own (they take numbers, never text).
    """
    if not plain_number(cell):
        return cell
    if "." in cell or "e" in cell or "E" in cell:
        return float(cell)
    try:
        return int(cell)
    except ValueError:  # over Python's 4,300-digit limit for int(): as large as a float goes
        return float(cell)


def _read_word(cell: str) -> object:
    """A cell of a boolean column: only ``true``/``false`` (``TRUE``/``FALSE``) are booleans."""
    return _CSV_BOOLEANS.get(cell, cell)


def _read_word_or_number(cell: str) -> object:
    return _CSV_BOOLEANS[cell] if cell in _CSV_BOOLEANS else _read_number(cell)


def _value_reader(column: CsvColumn) -> _Reader | None:
    """How one value of a column is read, by its kinds; None: as written (text, dates).

    A column holding a number or one of a few words (``vasopressor_count``: 0-6 or
    ``multiple``) reads those words as written and a plain number as that number.
    """
    has_number = not {"integer", "number"}.isdisjoint(column.kinds)
    numeric = "text" not in column.kinds and has_number
    if column.is_boolean:
        return _read_word_or_number if numeric else _read_word
    if has_number and "text" in column.kinds and column.values:
        words = frozenset(column.values)
        return lambda cell: cell if cell in words else _read_number(cell)
    return _read_number if numeric else None


def _cell_reader(column: CsvColumn) -> _Reader:
    """How the cells of one column are read (docs/cli.md, "CSV cells")."""
    value = _value_reader(column)
    if column.is_list:

        def read_list(cell: str) -> object:
            if cell == _CSV_NULL:
                return None
            if cell.strip() == _CSV_EMPTY_LIST:
                return []
            items = [item.strip() for item in cell.split(_CSV_LIST_SEPARATOR)]
            return items if value is None else [value(item) for item in items]

        return read_list
    if value is None:
        return lambda cell: None if cell == _CSV_NULL else cell
    return lambda cell: None if cell == _CSV_NULL else value(cell)


#: A header column: None for the id, else (dotted path split, how its cells are read).
_HeaderColumn = tuple[tuple[str, ...], _Reader] | None


def _header(scale: Scale, header: list[str]) -> list[_HeaderColumn]:
    """The columns of a header (None for the id column); a bad header is a usage error."""
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        delimiter = "a semicolon (;)" if ";" in header[0] else "a tab"
        raise _UsageError(
            f"the CSV header is one column, {header[0]!r}: the delimiter must be a comma (,), "
            f"not {delimiter}; save the file as comma-separated CSV"
        )
    seen: set[str] = set()
    columns: list[_HeaderColumn] = []
    for name in header:
        if name in seen:
            raise _UsageError(f"the CSV header repeats the column {name!r}")
        seen.add(name)
        if name == ID_KEY:
            columns.append(None)
        elif name in scale.csv_columns:
            columns.append((tuple(name.split(".")), _cell_reader(scale.csv_columns[name])))
        else:
            known = [ID_KEY, *scale.csv_columns]
            raise _UsageError(
                f"unknown CSV column {name!r} for {scale.name}{_nearest(name, known)} (the "
                "columns are: "
                f"{', '.join(known)}; {PROG} schema --columns {scale.name} describes them)"
            )
    return columns


def _row_record(columns: list[_HeaderColumn], row: list[str]) -> tuple[object, dict[str, Any]]:
    """(id, record) from a CSV row: empty cells are left out (not given)."""
    record_id: object = None
    record: dict[str, Any] = {}
    for column, cell in zip(columns, row, strict=True):
        if column is None:
            record_id = cell or None
        elif cell:
            path, read = column
            target = record
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = read(cell)
    return record_id, record


def _csv_row_error(row: list[str], width: int, bad_utf8: bool) -> list[dict[str, str]] | None:
    if bad_utf8:
        return [_error("", "unicode_decode", "the row is not valid UTF-8")]
    if not row:
        return [_error("", "blank_line", "a blank line is not a CSV row")]
    if len(row) != width:
        return [
            _error("", "csv_row_length", f"the row has {len(row)} cells; the header has {width}")
        ]
    return None


class _CsvTable:
    """A CSV input: its header read (and checked) at once, then its rows one by one.

    Attributes:
        columns: the header's columns (None for the id column).
        id_index: the position of the id column, if there is one.
    """

    def __init__(self, scale: Scale, lines: Iterable[bytes]) -> None:
        self._decoded = _DecodedLines(lines)
        self._reader = csv.reader(self._decoded, strict=True)
        try:
            header = next(self._reader, None)
        except csv.Error as error:
            raise _UsageError(f"unreadable CSV header: {error}") from None
        if self._decoded.bad:
            raise _UsageError("the CSV header is not valid UTF-8")
        self.columns = [] if header is None else _header(scale, header)
        self.id_index = self.columns.index(None) if None in self.columns else None
        self._empty = header is None

    def rows(self) -> Iterator[tuple[int, list[str] | None, list[dict[str, str]] | None]]:
        """(line, row, None) for each row after the header, or (line, None, parse errors)."""
        if self._empty:
            return
        reader = self._reader
        end = reader.line_num
        while True:
            start = end + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                end = reader.line_num
                yield start, None, [_error("", "csv", str(error))]
                continue
            end = reader.line_num
            bad = not self._decoded.bad.isdisjoint(range(start, end + 1))
            errors = _csv_row_error(row, len(self.columns), bad)
            yield (start, None, errors) if errors is not None else (start, row, None)


def _csv_outcome(
    scale: Scale, columns: list[_HeaderColumn], row: list[str]
) -> tuple[object, object]:
    """(id, result or :class:`_Failure`) of one CSV row."""
    record_id, record = _row_record(columns, row)
    try:
        model = scale.records.validate_python(record)
    except ValidationError as error:
        return record_id, _Failure("validation", _validation_errors(error, scale.model))
    return record_id, _grade(scale, model)


def _grade_csv(
    scale: Scale, lines: Iterable[bytes], write: Callable[[bytes], object], counts: _Counts
) -> None:
    """Grade CSV: a header row of column paths, then one record per row (counted in ``counts``)."""
    table = _CsvTable(scale, lines)
    progress = _progress(scale.name)
    count = 0
    for count, (line, row, errors) in enumerate(table.rows(), 1):
        record_id: object = None
        outcome: object
        if row is None:
            outcome = _Failure("parse", errors or [])
        else:
            try:
                record_id, outcome = _csv_outcome(scale, table.columns, row)
            except Exception as error:  # one record's failure, never the run's
                if table.id_index is not None:
                    record_id = row[table.id_index] or None
                outcome = _internal(error)
        _emit(write, counts, record_id, line, outcome)
        if progress is not None and not count & (_PROGRESS_EVERY - 1):
            progress.update(count)
    if progress is not None:
        progress.finish(count)
