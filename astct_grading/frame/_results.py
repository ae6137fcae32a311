"""The engine's answers as a lookup table, and the output table the scales share.

Each row of a table is reduced, column-wise, to a *code*: a whole number naming the pattern of
level values the per-record grading reads (fever present, the hypotension level...). Everything
a result reports beyond its text (the bounds, the drivers, the missing inputs) is a function of
that pattern, so one row per code is graded by the library's own function (the *witness*), and
its answer is looked up for every other row with the same code. The codes are finitely many and
the table is kept between calls, so a new code costs one per-record grading, once.

A row that fails validation is validated by the model itself, so its error (the field, the type
and the message) is the per-record path's, word for word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from pydantic import BaseModel, ValidationError

from astct_grading.cli.scales import ID_KEY
from astct_grading.frame._table import Columns

Codes = npt.NDArray[np.integer[Any]]
Bools = npt.NDArray[np.bool_]

#: What a witness gives a code: (lowest, highest, drivers, missing).
Answer = tuple[int, int, tuple[str, ...], tuple[str, ...]]


@dataclass
class _Registry:
    """Distinct tuples of names, each with a number (drivers, missing fields, errors)."""

    items: list[tuple[str, ...]] = field(default_factory=list)
    index: dict[tuple[str, ...], int] = field(default_factory=dict)

    def add(self, item: tuple[str, ...]) -> int:
        found = self.index.get(item)
        if found is None:
            found = self.index[item] = len(self.items)
            self.items.append(item)
        return found


def _read_alone(rows: Sequence[int]) -> None:
    """No read-ahead: each witness row is read when its record is asked for."""


class AnswerTable:
    """The witnesses' answers by code, filled as new codes are met.

    Args:
        size: the number of codes.
    """

    def __init__(self, size: int) -> None:
        self.low = np.full(size, -1, dtype=np.int8)
        self.high = np.full(size, -1, dtype=np.int8)
        self.drivers = np.zeros(size, dtype=np.int32)
        self.missing = np.zeros(size, dtype=np.int32)
        self.names = _Registry()

    def fill(
        self,
        codes: Codes,
        valid: Bools,
        witness: Callable[[int], Answer],
        prefetch: Callable[[Sequence[int]], None] | None = None,
    ) -> None:
        """Grade one row per code not yet in the table (``witness(row)``).

        ``prefetch``, when given, is told every witness row first (to read them in one go).
        """
        if not ((self.low[codes] < 0) & valid).any():
            return  # every code met before (the usual case once a table has been graded)
        seen = np.zeros(len(self.low), dtype=bool)
        seen[codes[valid]] = True
        new = np.flatnonzero(seen & (self.low < 0))
        rows = np.flatnonzero(valid)
        first = np.full(len(self.low), -1, dtype=np.int64)
        first[codes[rows[::-1]]] = rows[::-1]  # the last write wins: the first row per code
        (prefetch or _read_alone)(first[new].tolist())
        for code in new:
            self.set(int(code), witness(int(first[code])))

    def set(self, code: int, answer: Answer) -> None:
        """Keep one code's answer."""
        low, high, drivers, missing = answer
        self.low[code], self.high[code] = low, high
        self.drivers[code] = self.names.add(drivers)
        self.missing[code] = self.names.add(missing)


class PatternAnswers(AnswerTable):
    """The witnesses' answers for codes too many to hold densely, numbered as they are met.

    A scale whose pattern of levels is a large number (many yes/no/unknown descriptors) keeps
    only the codes it has met: :meth:`slots` gives each row the *slot* of its code (grading one
    witness per new code), and :func:`assemble` reads the answers by slot.

    Example:
        >>> answers = PatternAnswers()
        >>> codes = np.array([7, 3**20, 7]); valid = np.array([True, True, True])
        >>> answers.slots(codes, valid, lambda row: (row, row, (), ())).tolist()
        [1, 2, 1]
        >>> answers.low[:3].tolist()
        [-1, 0, 1]
    """

    def __init__(self) -> None:
        super().__init__(64)
        # The codes met, sorted, and the slot of each (slots are numbered from 1 as codes are
        # met; slot 0 is for rows not valid).
        self._codes: Codes = np.zeros(0, dtype=np.int64)
        self._slots: Codes = np.zeros(0, dtype=np.int64)

    @property
    def patterns(self) -> int:
        """The number of codes met (each graded once)."""
        return len(self._codes)

    def slots(
        self,
        codes: Codes,
        valid: Bools,
        witness: Callable[[int], Answer],
        prefetch: Callable[[Sequence[int]], None] | None = None,
    ) -> Codes:
        """Each row's slot (0 for a row not valid), grading one row per code not yet met.

        ``prefetch``, when given, is told every witness row first (to read them in one go).
        """
        rows = np.flatnonzero(valid)
        out = np.zeros(len(codes), dtype=np.int64)
        if not len(rows):
            return out
        distinct, first, inverse = np.unique(codes[rows], return_index=True, return_inverse=True)
        position = np.searchsorted(self._codes, distinct)
        found = position < len(self._codes)
        found[found] = self._codes[position[found]] == distinct[found]
        slot_of = np.zeros(len(distinct), dtype=np.int64)
        slot_of[found] = self._slots[position[found]]
        new = np.flatnonzero(~found)
        if len(new):
            witnesses = rows[first[new]].tolist()
            (prefetch or _read_alone)(witnesses)
            start = len(self._codes) + 1
            numbers = np.arange(start, start + len(new), dtype=np.int64)
            self._grow(int(numbers[-1]) + 1)
            for slot, row in zip(numbers.tolist(), witnesses, strict=True):
                self.set(slot, witness(row))
            slot_of[new] = numbers
            merged = np.concatenate((self._codes, distinct[new]))
            order = np.argsort(merged, kind="stable")
            self._codes = merged[order]
            self._slots = np.concatenate((self._slots, numbers))[order]
        out[rows] = slot_of[inverse]
        return out

    def _grow(self, size: int) -> None:
        if size <= len(self.low):
            return
        extra = max(size, 2 * len(self.low)) - len(self.low)
        self.low = np.concatenate((self.low, np.full(extra, -1, dtype=np.int8)))
        self.high = np.concatenate((self.high, np.full(extra, -1, dtype=np.int8)))
        self.drivers = np.concatenate((self.drivers, np.zeros(extra, dtype=np.int32)))
        self.missing = np.concatenate((self.missing, np.zeros(extra, dtype=np.int32)))


def _error_of(model: type[BaseModel], record: dict[str, Any]) -> tuple[str, str, str] | None:
    """(field, type, message) of the model's first error on ``record``; None when it is valid."""
    try:
        model.model_validate(record)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        return ".".join(str(part) for part in first["loc"]), first["type"], first["msg"]
    return None


@dataclass(frozen=True)
class Names:
    """The output's column names for one scale (grade or score)."""

    value: str = "grade"
    low: str = "grade_min"
    high: str = "grade_max"
    drivers: str = "drivers"
    version: str = "criteria_version"


#: The error columns: the field (dotted, as the command line writes it), the type and the message.
ERROR_COLUMNS = ("error_field", "error_type", "error_message")


def _repeated(text: str, where: Bools) -> pa.Array:
    """A string column holding ``text`` where ``where`` holds, null elsewhere.

    Example:
        >>> _repeated("v1", np.array([True, False, True])).to_pylist()
        ['v1', None, 'v1']
    """
    data = text.encode()
    offsets = np.zeros(len(where) + 1, dtype=np.int32)
    np.cumsum(where * np.int32(len(data)), out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(),
        len(where),
        [
            pa.array(where, pa.bool_()).buffers()[1] if not where.all() else None,
            pa.py_buffer(offsets),
            pa.py_buffer(data * int(where.sum())),
        ],
    )


def assemble(
    columns: Columns,
    codes: Codes,
    valid: Bools,
    table: AnswerTable,
    model: type[BaseModel],
    regrade: Callable[[int], Answer],
    version: str,
    keep: Sequence[str],
    names: Names = Names(),
    *,
    explain: bool = True,
) -> pa.Table:
    """The output table: one row per input row, in order, with the answers or the error.

    Rows the vectorised checks refused are validated by ``model`` for their error; a row the
    model accepts after all is graded by ``regrade`` (the per-record path), so a check stricter
    than the model can cost speed, never a result. With ``explain`` False the drivers and
    missing inputs are left out.
    """
    rows = columns.rows
    safe = np.where(valid, codes, 0)
    low = table.low[safe]
    high = table.high[safe]
    drivers = table.drivers[safe] if explain else safe
    missing = table.missing[safe] if explain else safe
    errors: dict[int, tuple[str, str, str]] = {}
    refused = np.flatnonzero(~valid)
    columns.prefetch(refused.tolist())
    for index in refused:
        record = columns.record(int(index))
        error = _error_of(model, record)
        if error is None:
            answer = regrade(int(index))
            low[index], high[index] = answer[0], answer[1]
            drivers[index] = table.names.add(answer[2])
            missing[index] = table.names.add(answer[3])
            valid[index] = True
        else:
            errors[int(index)] = error
    invalid = ~valid
    out: dict[str, pa.Array] = {}
    for name in (ID_KEY, *keep):
        if columns.has(name):
            out[name] = columns.table.column(name)
    graded = np.where(valid & (low == high), low, 0).astype(np.int8)
    out[names.value] = pa.array(graded, mask=invalid | (low != high))
    out[names.low] = pa.array(low, mask=invalid)
    out[names.high] = pa.array(high, mask=invalid)
    if explain:
        lists = pa.array([list(item) for item in table.names.items], type=pa.list_(pa.string()))
        out[names.drivers] = lists.take(pa.array(drivers, mask=invalid))
        out["missing"] = lists.take(pa.array(missing, mask=invalid))
    out[names.version] = _repeated(version, valid)
    for position, name in enumerate(ERROR_COLUMNS):
        if not errors:
            out[name] = pa.nulls(rows, pa.string())
            continue
        distinct: dict[str, int] = {}
        which = np.zeros(rows, dtype=np.int32)
        for row, error in errors.items():
            which[row] = distinct.setdefault(error[position], len(distinct))
        out[name] = pa.array(list(distinct), type=pa.string()).take(pa.array(which, mask=valid))
    return pa.table(out)


def grade_by_patterns(
    columns: Columns,
    codes: Codes,
    valid: Bools,
    answers: PatternAnswers,
    model: type[BaseModel],
    witness: Callable[[int], Answer],
    version: str,
    keep: Sequence[str],
    names: Names = Names(),
) -> pa.Table:
    """The output table of a scale whose patterns are kept sparsely (:class:`PatternAnswers`).

    One witness per new code, its row read ahead (:meth:`Columns.prefetch`), then
    :func:`assemble`, which regrades with the same ``witness``.
    """
    slots = answers.slots(codes, valid, witness, columns.prefetch)
    return assemble(columns, slots, valid, answers, model, witness, version, keep, names)
