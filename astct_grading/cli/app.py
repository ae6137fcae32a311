"""The ``astct-grading`` command-line tool (standard library only, plus this package).

Each grading subcommand (``crs``...) streams records from JSON Lines or CSV and writes one JSON line
per input record, in input order: a result line or an error line. The scales come from a small
registry, :data:`SCALES`: a scale is a name, an input model and a grading function, so a new scale
plugs in with one :class:`Scale` entry. ``course`` grades whole patient courses the same way
(:data:`COURSE`, JSON Lines only), ``report`` prints the cohort report of a file of courses and
``demo`` the report of the packaged demo cohort. Every subcommand is added to the parser by one
function (see :data:`_COMMANDS`). docs/cli.md describes the interface.

The batch contract is "nothing guessed, no record lost": every input record gets exactly one
output line, whatever it holds; a record that makes the code itself fail gets an ``internal``
error line (exit code 3) and the others go on; whatever was graded is written out before the tool
stops, however it stops.

Example:
    >>> main(["--version"])  # doctest: +ELLIPSIS
    astct-grading ...
    0
"""

from __future__ import annotations

import argparse
import collections.abc
import contextlib
import csv
import dataclasses
import datetime
import difflib
import enum
import errno
import functools
import itertools
import json
import json.encoder
import os
import re
import shlex
import signal
import sys
import time
import traceback
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from pydantic import BaseModel, PlainValidator, TypeAdapter, ValidationError, create_model
from pydantic_core import PydanticCustomError

from astct_grading._version import __version__
from astct_grading.core.json_keys import duplicate_key, duplicate_key_error
from astct_grading.core.validation import plain_number
from astct_grading.course.grading import Course, CourseResult, grade_course
from astct_grading.crs.grading import CrsAssessment, grade_crs
from astct_grading.icans.grading import IcansAssessment, grade_icans
from astct_grading.report.cohort import build_report, demo_report, render_text
from astct_grading.sle.sledai import SledaiVisit, score_sledai2k

__all__ = ["COURSE", "SCALES", "SCHEMA_MODELS", "CsvColumn", "Scale", "main"]

PROG = "astct-grading"

#: Exit codes (docs/cli.md).
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
#: Some record made the code itself fail (a bug): its line says so, the others were graded.
EXIT_INTERNAL = 3
#: Stopped by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130

#: The key (JSON Lines) or column (CSV) holding a record's id; it is echoed, never validated
#: against the model.
ID_KEY = "id"

_BOM = b"\xef\xbb\xbf"
#: A str as a JSON string literal, non-ASCII kept (as ``json.dumps(ensure_ascii=False)`` writes it).
_json_string: Callable[[str], str] = json.encoder.encode_basestring
#: The same with every non-ASCII character escaped: the only way to write a lone surrogate.
_json_string_ascii: Callable[[str], str] = json.encoder.encode_basestring_ascii
_LIST_TYPES = (
    list,
    tuple,
    set,
    frozenset,
    collections.abc.Sequence,
    collections.abc.Set,
    collections.abc.MutableSequence,
)
#: CSV cell conventions (docs/cli.md, "CSV cells"): an empty cell is "not given"; these are literal
#: values. The boolean words are the only ones read as booleans: any other cell of a boolean
#: column goes to the model as written, which rejects it with the field named.
_CSV_NULL = "null"
_CSV_EMPTY_LIST = "[]"
_CSV_LIST_SEPARATOR = ";"
_CSV_BOOLEANS: dict[str, bool] = {"true": True, "false": False, "TRUE": True, "FALSE": False}
#: Progress (only when stderr is a terminal): checked every _PROGRESS_EVERY records (a power of
#: two, so the check is a bit mask), redrawn at most every _PROGRESS_SECONDS.
_PROGRESS_EVERY = 1 << 12
_PROGRESS_SECONDS = 0.5
#: Output is written in batches of about this many bytes (a few hundred lines).
_BATCH_BYTES = 1 << 18
#: How many lines are read ahead at most to find the first one that is not blank.
_LOOK_AHEAD_LINES = 64


# --- The registry ---------------------------------------------------------------------------------


def _check_id(value: Any) -> Any:
    # A JSON string or integer (never a boolean, float or container), echoed exactly as given;
    # null is no id.
    if (
        value is None
        or isinstance(value, str)
        or (isinstance(value, int) and not isinstance(value, bool))
    ):
        return value
    raise PydanticCustomError("id_type", "a record id must be a string, an integer or null")


@dataclass(frozen=True)
class CsvColumn:
    """What one CSV column holds, read from the input model's annotation.

    Attributes:
        kinds: the kinds of value the cell holds (of each item, for a list): ``boolean``,
            ``integer``, ``number``, ``text``, ``date``, ``date and time`` or ``object``; more
            than one for a union.
        is_list: whether the cell holds a ``;``-separated list.
        values: the allowed values of an enumeration or a literal, as written in a cell; empty
            when any value of the kind is allowed.

    Example:
        >>> column = SCALES["crs"].csv_columns["temperature.unit"]
        >>> column.type, column.values
        ('text', ('C', 'F'))
        >>> SCALES["crs"].csv_columns["vasopressors"].type
        'list of text'
    """

    kinds: tuple[str, ...]
    is_list: bool = False
    values: tuple[str, ...] = ()

    @property
    def type(self) -> str:
        """The kinds as one phrase: ``number``, ``list of text``, ``integer or text``..."""
        kind = " or ".join(self.kinds)
        return f"list of {kind}" if self.is_list else kind

    @property
    def is_boolean(self) -> bool:
        """Whether the cell (or each item) may be a boolean: ``true``/``false`` are read as one."""
        return "boolean" in self.kinds

    @property
    def is_numeric(self) -> bool:
        """Whether the cell holds a number only: a plain numeric cell is read as one."""
        return set(self.kinds) <= {"integer", "number"}


@dataclass(frozen=True)
class Scale:
    """One grading subcommand: an input model and the function that grades it.

    Attributes:
        name: the subcommand, e.g. ``crs``.
        summary: one line for ``--help``.
        model: the input model each record is validated against (unknown fields rejected).
        grade: the grading function; it takes a validated ``model`` instance and returns a result
            dataclass (:class:`~astct_grading.core.results.GradeResult` or
            :class:`~astct_grading.core.results.ScoreResult`).
        id_field: a model field echoed as the record's id when the record has no ``id`` of its
            own (``patient_id`` for a course); None: no fallback.
        records: a TypeAdapter of ``model`` extended with the optional record ``id``, built once:
            a JSON Lines record is validated, id included, in one ``validate_json`` call.
        columns: the CSV columns the model accepts: dotted path -> whether it holds a list.
        csv_columns: the same columns -> what each holds (:class:`CsvColumn`), read from the
            model's annotations: what ``schema --columns`` prints and how a cell is read.

    Example:
        >>> scale = SCALES["crs"]
        >>> scale.model.__name__, scale.columns["temperature.value"], scale.columns["vasopressors"]
        ('CrsAssessment', False, True)
        >>> scale.csv_columns["hypotension"].type
        'boolean'
    """

    name: str
    summary: str
    model: type[BaseModel]
    grade: Callable[[Any], object]
    id_field: str | None = None
    records: TypeAdapter[BaseModel] = field(init=False, repr=False, compare=False)
    columns: Mapping[str, bool] = field(init=False, repr=False, compare=False)
    csv_columns: Mapping[str, CsvColumn] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if ID_KEY in self.model.model_fields:
            raise ValueError(f"{self.model.__name__} has a field {ID_KEY!r}, the CLI's record id")
        record: type[BaseModel] = create_model(
            f"{self.model.__name__}Record",
            __base__=self.model,
            id=(typing.Annotated[Any, PlainValidator(_check_id)], None),
        )
        object.__setattr__(self, "records", TypeAdapter(record))
        csv_columns = _columns(self.model)
        object.__setattr__(self, "csv_columns", types.MappingProxyType(csv_columns))
        lists = {path: column.is_list for path, column in csv_columns.items()}
        object.__setattr__(self, "columns", types.MappingProxyType(lists))


def _members(annotation: Any) -> list[Any]:
    """The types a field accepts: the members of a union (None left out), Annotated unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [] if annotation is type(None) else [annotation]


def _is_list(member: Any) -> bool:
    return member in _LIST_TYPES or typing.get_origin(member) in _LIST_TYPES


def _is_model(member: Any) -> bool:
    return isinstance(member, type) and issubclass(member, BaseModel)


#: The order kinds are named in, and which kind a wider one takes in (an integer is a number).
_KIND_ORDER = ("boolean", "integer", "number", "date", "date and time", "text", "object")


def _scalar_kind(member: Any) -> tuple[str, tuple[str, ...]]:
    """(kind, allowed values) of one non-list type a column may hold."""
    if typing.get_origin(member) is typing.Literal:
        args = typing.get_args(member)
        kinds = {_scalar_kind(type(arg))[0] for arg in args}
        values = tuple(str(arg.value if isinstance(arg, enum.Enum) else arg) for arg in args)
        return " or ".join(k for k in _KIND_ORDER if k in kinds), values
    if isinstance(member, type):
        if issubclass(member, enum.Enum):
            kind = "integer" if issubclass(member, int) else "text"
            return kind, tuple(str(item.value) for item in member)
        if issubclass(member, bool):
            return "boolean", ()
        if issubclass(member, int):
            return "integer", ()
        if issubclass(member, float):
            return "number", ()
        if issubclass(member, datetime.datetime):
            return "date and time", ()
        if issubclass(member, datetime.date):
            return "date", ()
        if issubclass(member, BaseModel):
            # A list of models can only be written in a cell by a bare value standing for the
            # model's one required field (a vasopressor by its agent's name).
            required = [info for info in member.model_fields.values() if info.is_required()]
            if len(required) == 1:
                bare = _column(required[0].annotation)
                return bare.kinds[0], bare.values
            return "object", ()
    return "text", ()


def _column(annotation: Any) -> CsvColumn:
    """What a column of this annotation holds (nested models are columns of their own)."""
    kinds: set[str] = set()
    values: list[str] = []
    is_list = False
    pending = [m for m in _members(annotation) if not _is_model(m)]
    while pending:
        member = pending.pop(0)
        if _is_list(member):
            is_list = True
            items = [arg for arg in typing.get_args(member) if arg is not Ellipsis]
            pending.extend(m for item in items for m in _members(item))
            continue
        kind, allowed = _scalar_kind(member)
        kinds.update(kind.split(" or "))
        values.extend(value for value in allowed if value not in values)
    if "number" in kinds:
        kinds.discard("integer")
    if not kinds:
        kinds.add("text")
    ordered = tuple(kind for kind in _KIND_ORDER if kind in kinds)
    return CsvColumn(ordered, is_list, tuple(values))


def _columns(
    model: type[BaseModel], prefix: str = "", within: frozenset[type[BaseModel]] = frozenset()
) -> dict[str, CsvColumn]:
    """The CSV columns of a model: dotted paths into nested models -> what each holds."""
    if not model.__pydantic_complete__:  # forward references left to resolve (pydantic defers)
        model.model_rebuild()
    columns: dict[str, CsvColumn] = {}
    within = within | {model}
    for name, info in model.model_fields.items():
        path = prefix + (info.alias or name)
        members = _members(info.annotation)
        nested = [m for m in members if _is_model(m)]
        plain = [m for m in members if m not in nested]
        for sub in nested:
            if sub not in within:  # a recursive model cannot be flattened into columns
                columns.update(_columns(sub, path + ".", within))
        if plain or not nested:
            columns[path] = _column(info.annotation)
    return columns


def _models_within(annotation: Any) -> set[type[BaseModel]]:
    """The models a field may hold, through unions, Annotated and containers."""
    found: set[type[BaseModel]] = set()
    pending = [annotation]
    while pending:
        hint = pending.pop()
        if _is_model(hint):
            found.add(hint)
        pending.extend(arg for arg in typing.get_args(hint) if arg is not Ellipsis)
    return found


def _names_at(model: type[BaseModel], path: Sequence[str]) -> list[str]:
    """The field names valid in the object at ``path`` (keys only, no list positions)."""
    models = {model}
    for part in path:
        inner: set[type[BaseModel]] = set()
        for current in models:
            for name, info in current.model_fields.items():
                if part in (name, info.alias):
                    inner |= _models_within(info.annotation)
        models = inner
    names = {
        info.alias or name for current in models for name, info in current.model_fields.items()
    }
    if not path:
        names.add(ID_KEY)
    return sorted(names)


def _nearest(name: str, known: Iterable[str]) -> str:
    """``; did you mean 'x'?`` with the known name nearest ``name`` (any case), or ""."""
    by_folded = {known_name.casefold(): known_name for known_name in known}
    close = difflib.get_close_matches(name.casefold(), by_folded, n=1)
    return f"; did you mean {by_folded[close[0]]!r}?" if close else ""


def _did_you_mean(model: type[BaseModel], loc: Sequence[str | int]) -> str:
    """``; did you mean 'x'?`` for a misspelt key at ``loc``, or "" when nothing is close."""
    if not loc or not isinstance(loc[-1], str):
        return ""
    # List positions do not change the names valid at a place: leaving them out of the key lets
    # the same misspelling in every record (a column name, most often) be looked up once.
    where = tuple(part for part in loc[:-1] if isinstance(part, str))
    return _suggestion(model, where, loc[-1])


@functools.lru_cache(maxsize=1024)
def _suggestion(model: type[BaseModel], where: tuple[str, ...], key: str) -> str:
    return _nearest(key, _names_at(model, where))


#: The record-by-record grading subcommands (JSON Lines or CSV), by name. A new scale is one entry
#: here.
SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        Scale(
            "crs",
            "grade cytokine release syndrome assessments (ASTCT 2019)",
            CrsAssessment,
            grade_crs,
        ),
        Scale(
            "icans",
            "grade immune effector cell-associated neurotoxicity (ASTCT 2019)",
            IcansAssessment,
            grade_icans,
        ),
        Scale("sledai", "score SLEDAI-2K visits (Gladman 2002)", SledaiVisit, score_sledai2k),
    )
}

#: ``course``: one patient's course per JSON Lines record (a course nests lists, so no CSV). Its id
#: is the record's ``id``, or else the course's ``patient_id``.
COURSE = Scale(
    "course",
    "grade patient courses: assessments over time, episodes, SLEDAI-2K trajectory",
    Course,
    grade_course,
    id_field="patient_id",
)

#: The input models whose JSON Schema ``schema MODEL`` prints: every scale's, and any other.
SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    **{name: scale.model for name, scale in SCALES.items()},
    COURSE.name: COURSE.model,
}


# --- Output lines ---------------------------------------------------------------------------------


#: Result type -> its JSON writer. pydantic-core writes a result dataclass as the same JSON as its
#: ``to_json()`` (the tests check this) at a fifth of the cost: the result is the bulk of each line.
#: A course result is written by its own ``to_json()``: pydantic-core would write a UTC time with
#: ``Z`` where ``to_json()`` writes ``+00:00``, and a course costs far more to grade than to write.
_RESULT_WRITERS: dict[type[object], Callable[[Any], bytes]] = {
    CourseResult: lambda result: result.to_json().encode(),
}


def _holds_subclasses(kind: type[object], seen: set[type[object]]) -> bool:
    """Whether a field of a result dataclass is declared as a class that has subclasses.

    pydantic-core writes a value by its declared type, so a subclass instance there (a SledaiItem
    in ``ScoreResult.items: tuple[ScoreItem, ...]``) needs ``serialize_as_any``, which costs more.
    """
    seen.add(kind)
    try:
        hints = typing.get_type_hints(kind)
    except NameError:  # an annotation that cannot be resolved: take the safe path
        return True
    pending = list(hints.values())
    while pending:
        hint = pending.pop()
        pending.extend(typing.get_args(hint))
        if (
            isinstance(hint, type)
            and (dataclasses.is_dataclass(hint) or issubclass(hint, BaseModel))
            and hint not in seen
            and (hint.__subclasses__() or _holds_subclasses(hint, seen))
        ):
            return True
    return False


def _result_json(result: object) -> bytes:
    kind = type(result)
    write = _RESULT_WRITERS.get(kind)
    if write is None:
        adapter: TypeAdapter[Any] = TypeAdapter(kind)
        as_any = _holds_subclasses(kind, set())
        write = _RESULT_WRITERS[kind] = functools.partial(
            adapter.dump_json, serialize_as_any=as_any
        )
    return write(result)


def _id_json(value: object) -> bytes:
    # An id is None, a str or an int (_check_id); json.dumps costs more than the three cases.
    if value is None:
        return b"null"
    if isinstance(value, str):
        try:
            return _json_string(value).encode()
        except UnicodeEncodeError:  # a lone surrogate (JSON "\ud800"): only an escape can hold it
            return _json_string_ascii(value).encode()
    return str(value).encode()


def _json_bytes(document: object) -> bytes:
    """``document`` as compact JSON in UTF-8; escaped where a string holds a lone surrogate."""
    try:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        return json.dumps(document, separators=(",", ":")).encode()


def _result_line(record_id: object, line: int, result: object) -> bytes:
    body = _result_json(result)
    return b'{"id":%b,"line":%d,"result":%b}\n' % (_id_json(record_id), line, body)


def _error_line(record_id: object, line: int, kind: str, errors: list[dict[str, str]]) -> bytes:
    body = _json_bytes({"type": kind, "errors": errors})
    return b'{"id":%b,"line":%d,"error":%b}\n' % (_id_json(record_id), line, body)


def _error(loc: str, type_: str, msg: str) -> dict[str, str]:
    return {"loc": loc, "type": type_, "msg": msg}


def _validation_errors(
    error: ValidationError, model: type[BaseModel] | None = None
) -> list[dict[str, str]]:
    """The CLI's error entries; with ``model``, a misspelt key gets the nearest known name."""
    entries = []
    for item in error.errors(include_url=False, include_input=False):
        msg = item["msg"]
        if model is not None and item["type"] == "extra_forbidden":
            msg += _did_you_mean(model, item["loc"])
        entries.append(_error(".".join(str(part) for part in item["loc"]), item["type"], msg))
    return entries


#: Validation error types that mean the line is not a JSON object at all.
_PARSE_TYPES = frozenset({"json_invalid", "model_type"})


def _not_a_record(errors: list[dict[str, str]]) -> bool:
    return len(errors) == 1 and errors[0]["loc"] == "" and errors[0]["type"] in _PARSE_TYPES


#: Where the JSON parser found a problem: it reads one line at a time, so its line is 1, or 2
#: when the problem is the end of the line itself (the parser has read the line's newline).
_JSON_POSITION = re.compile(r" at line (\d+) column (\d+)$")


def _file_position(msg: str, line: int) -> str:
    """A parser message with the position in the file: ``at line 7 column 40``."""
    match = _JSON_POSITION.search(msg)
    if match is None:
        return msg
    if match[1] == "1":
        return f"{msg[: match.start()]} at line {line} column {match[2]}"
    return f"{msg[: match.start()]} at the end of line {line}"


# --- Progress -------------------------------------------------------------------------------------


class _Progress:
    """A one-line record counter on stderr, redrawn in place (only when stderr is a terminal)."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self._stream = stream
        self._label = label
        self._start = time.monotonic()
        self._last = self._start

    def _draw(self, count: int, now: float, end: str) -> None:
        rate = count / max(now - self._start, 1e-9)
        self._stream.write(f"\r{self._label}: {count:,} records ({rate:,.0f}/s){end}")
        self._stream.flush()

    def update(self, count: int) -> None:
        now = time.monotonic()
        if now - self._last >= _PROGRESS_SECONDS:
            self._last = now
            self._draw(count, now, "")

    def finish(self, count: int) -> None:
        self._draw(count, time.monotonic(), "\n")


def _progress(label: str) -> _Progress | None:
    stream = sys.stderr
    if stream is not None and stream.isatty():
        return _Progress(stream, label)
    return None


def _warn(text: str) -> None:
    """One line on standard error, if there is one (``print(file=None)`` would go to stdout)."""
    stream = sys.stderr
    if stream is not None:
        stream.write(text + "\n")
        stream.flush()


# --- Grading streams ------------------------------------------------------------------------------


class _UsageError(Exception):
    """A usage or input error: reported on stderr, exit code 2, nothing more is read."""


class _OutputError(_UsageError):
    """Standard output cannot be written (closed, full, gone): exit code 2."""


class _InterruptError(Exception):
    """Ctrl-C, after the graded lines were written out: exit code 130."""

    def __init__(self, records: int) -> None:
        super().__init__(records)
        self.records = records


@dataclass(frozen=True, slots=True)
class _Failure:
    """A record that was not graded.

    Attributes:
        kind: ``parse``, ``validation``, ``grading`` or ``internal`` (the error line's
            ``error.type``).
        errors: every problem found, each a ``loc``, ``type`` and ``msg``.
    """

    kind: str
    errors: list[dict[str, str]]


def _internal(error: BaseException) -> _Failure:
    """The failure of a record that made the code itself fail: a bug, never the record's fault."""
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    message = f"{text} (an internal error of {PROG}; please report it with this record)"
    return _Failure("internal", [_error("", "internal", message)])


@dataclass
class _Counts:
    """The records written so far, and how many were not graded: the exit code."""

    records: int = 0
    invalid: int = 0
    internal: int = 0

    def add(self, outcome: object) -> None:
        self.records += 1
        if isinstance(outcome, _Failure):
            self.invalid += 1
            self.internal += outcome.kind == "internal"

    def exit_code(self) -> int:
        if self.internal:
            return EXIT_INTERNAL
        return EXIT_INVALID if self.invalid else EXIT_OK


def _grade(scale: Scale, record: BaseModel) -> object:
    """Grade a validated record: its result, or a :class:`_Failure` if the grader rejects it."""
    try:
        return scale.grade(record)
    except ValidationError as error:  # a rule checked by the grading function itself
        return _Failure("validation", _validation_errors(error))
    except ValueError as error:  # the library's errors subclass ValueError (errors.py)
        type_ = getattr(error, "type", None)
        entry = _error("", type_ if isinstance(type_, str) else type(error).__name__, str(error))
        return _Failure("grading", [entry])


def _output_line(record_id: object, line: int, outcome: object) -> bytes:
    if isinstance(outcome, _Failure):
        return _error_line(record_id, line, outcome.kind, outcome.errors)
    return _result_line(record_id, line, outcome)


def _unwritable(record_id: object, line: int, error: Exception) -> tuple[bytes, _Failure]:
    """(line, failure) for a record whose output line could not be written: an internal error."""
    failure = _internal(error)
    try:
        return _output_line(record_id, line, failure), failure
    except Exception:  # the id itself cannot be written
        return _output_line(None, line, failure), failure


def _emit(
    write: Callable[[bytes], object], counts: _Counts, record_id: object, line: int, outcome: object
) -> None:
    """Write one record's line; a result that cannot be written becomes an internal error."""
    try:
        data = _output_line(record_id, line, outcome)
    except Exception as error:  # any failure is one record's, never the run's
        data, outcome = _unwritable(record_id, line, error)
    counts.add(outcome)
    write(data)


_JSON_WHITESPACE = " \t\n\r"


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in _JSON_WHITESPACE:
        index += 1
    return index


def _leading_members(raw: bytes) -> dict[str, object]:
    """The members of a JSON object up to the first one too deep to read (the others are lost).

    Example:
        >>> _leading_members(b'{"id": "A", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
        {'id': 'A'}
    """
    members: dict[str, object] = {}
    decoder = json.JSONDecoder()
    try:
        text = raw.decode("utf-8")
        index = _skip_space(text, 0)
        if text[index] != "{":
            return members
        while True:
            key, index = decoder.raw_decode(text, _skip_space(text, index + 1))
            index = _skip_space(text, index)
            if not isinstance(key, str) or text[index] != ":":
                return members
            members[key], index = decoder.raw_decode(text, _skip_space(text, index + 1))
            index = _skip_space(text, index)
            if text[index] != ",":
                return members
    except (ValueError, RecursionError, IndexError):
        return members


def _echoed_id(raw: bytes, fallback: str | None) -> object:
    """The id of a record that failed validation, if it has a usable one (else None).

    The record's ``id``; when it has none, the ``fallback`` field's value (a course's
    ``patient_id``), if that is a string or an integer. A record nested too deeply to read whole
    still has the members written before the deep one.
    """
    document: object
    try:
        document = json.loads(raw)
    except RecursionError:
        document = _leading_members(raw)
    except ValueError:
        return None
    if isinstance(document, dict):
        value = document.get(ID_KEY)
        if value is None and fallback is not None:
            value = document.get(fallback)
        try:
            return _check_id(value)
        except PydanticCustomError:
            return None
    return None


def _repeated_key(scale: Scale, data: bytes, found: tuple[Any, str]) -> tuple[object, _Failure]:
    """(id, failure) of a record that gives a key twice: it contradicts itself."""
    loc, key = found
    errors = _validation_errors(duplicate_key_error(scale.model.__name__, loc, key, data))
    if loc == () and key == ID_KEY:  # which of the two ids is meant cannot be told
        return None, _Failure("validation", errors)
    # Likewise a repeated fallback (a course's patient_id): only the record's own id is echoed.
    fallback = None if loc == () and key == scale.id_field else scale.id_field
    return _echoed_id(data, fallback), _Failure("validation", errors)


_BLANK_LINE = _Failure("parse", [_error("", "blank_line", "a blank line is not a JSON object")])


def _jsonl_failure(
    scale: Scale, data: bytes, line: int, error: ValidationError
) -> tuple[object, _Failure]:
    """(id, failure) of a JSON Lines record that did not validate."""
    if not data.strip():
        return None, _BLANK_LINE
    errors = _validation_errors(error, scale.model)
    if _not_a_record(errors):
        errors[0]["msg"] = _file_position(errors[0]["msg"], line)
        if errors[0]["type"] == "model_type" and data.lstrip().startswith(b"["):
            errors[0]["msg"] += (
                ": this line is a JSON array; JSON Lines holds one JSON object per line "
                "(e.g. jq -c '.[]' records.json > records.jsonl)"
            )
        return _echoed_id(data, scale.id_field), _Failure("parse", errors)
    found = duplicate_key(data)
    if found is not None:  # reported alone: the other errors come from one of its values
        return _repeated_key(scale, data, found)
    return _echoed_id(data, scale.id_field), _Failure("validation", errors)


def _graded_jsonl(scale: Scale, lines: Iterable[bytes]) -> Iterator[tuple[int, object, object]]:
    """Grade JSON Lines: every line is one record (a blank line is an invalid one).

    Yields:
        (line, id, result or :class:`_Failure`) for each line, in input order. A record that
        makes the code fail gives an ``internal`` failure; the next line is read as usual.
    """
    validate = scale.records.validate_json
    fallback = scale.id_field
    progress = _progress(scale.name)
    line = 0
    record_id: object
    outcome: object
    for line, raw in enumerate(lines, 1):
        data = raw[3:] if line == 1 and raw.startswith(_BOM) else raw
        try:
            try:
                record = validate(data)
            except ValidationError as error:
                record_id, outcome = _jsonl_failure(scale, data, line, error)
            else:
                found = duplicate_key(data)
                if found is not None:  # valid as read, but one of its keys says two things
                    record_id, outcome = _repeated_key(scale, data, found)
                else:
                    record_id = getattr(record, ID_KEY)
                    if record_id is None and fallback is not None:
                        record_id = getattr(record, fallback)
                    outcome = _grade(scale, record)
        except Exception as error:  # one record's failure, never the run's
            record_id, outcome = _safe_id(data, fallback), _internal(error)
        yield line, record_id, outcome
        if progress is not None and not line & (_PROGRESS_EVERY - 1):
            progress.update(line)
    if progress is not None:
        progress.finish(line)


def _safe_id(data: bytes, fallback: str | None) -> object:
    """The id for an internal error line: the record's, if even that can be read."""
    try:
        return _echoed_id(data, fallback)
    except Exception:  # the error line must be written whatever failed
        return None


def _grade_jsonl(
    scale: Scale, lines: Iterable[bytes], write: Callable[[bytes], object], counts: _Counts
) -> None:
    """Grade JSON Lines, writing one output line per input line (counted in ``counts``)."""
    # _emit, inlined: this loop runs once per record.
    for line, record_id, graded in _graded_jsonl(scale, lines):
        outcome = graded
        try:
            data = _output_line(record_id, line, outcome)
        except Exception as error:  # any failure is one record's, never the run's
            data, outcome = _unwritable(record_id, line, error)
        counts.add(outcome)
        write(data)


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
    """How one value of a column is read, by its kinds; None: as written (text, dates)."""
    numeric = "text" not in column.kinds and not {"integer", "number"}.isdisjoint(column.kinds)
    if column.is_boolean:
        return _read_word_or_number if numeric else _read_word
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


# --- Input and output -----------------------------------------------------------------------------

#: File suffix -> input format; anything else needs ``--format`` (a guess could misread the data).
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def _directory(path: str) -> str:
    return f"cannot read {path!r}: {os.strerror(errno.EISDIR)}; give a file"


def _check_file(path: str) -> None:
    """A directory is refused before its suffix is looked at: the likely cause comes first."""
    if path != "-" and os.path.isdir(path):
        raise _UsageError(_directory(path))


def _input_format(path: str, given: str | None) -> str:
    _check_file(path)
    if given is not None:
        return given
    if path == "-":
        return "jsonl"
    suffix = Path(path).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    raise _UsageError(
        f"cannot tell the format of {path!r} from its suffix (.jsonl, .ndjson or .csv); "
        "give --format jsonl or --format csv"
    )


def _stdin_lines() -> Iterable[bytes]:
    stream = sys.stdin
    if stream is None:
        raise _UsageError("there is no standard input to read")
    buffer: IO[bytes] | None = getattr(stream, "buffer", None)
    if buffer is not None:
        return buffer
    # A text stream (e.g. one a caller put in place of stdin): back to the bytes it came from.
    return (_text_bytes(line) for line in stream)


def _text_bytes(line: str) -> bytes:
    try:
        return line.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate: kept as bytes no UTF-8 reader accepts
        return line.encode("utf-8", errors="surrogatepass")


def _open(path: str) -> IO[bytes]:
    try:
        return open(path, "rb")  # closed by _input_lines
    except FileNotFoundError as error:
        raise _UsageError(
            f"cannot read {path!r}: {error.strerror} (no such file: check the name, and the "
            f"current directory {os.getcwd()!r})"
        ) from None
    except OSError as error:
        raise _UsageError(f"cannot read {path!r}: {error.strerror or error}") from None


#: (leading bytes, encoding for iconv, what the input is): byte order marks first, then the NUL
#: bytes that ASCII text has in UTF-16 and UTF-32 (JSON and CSV start with ASCII characters).
_WIDE_MARKS: tuple[tuple[bytes, str, str], ...] = (
    (b"\x00\x00\xfe\xff", "UTF-32", "UTF-32 (big-endian, with a byte order mark)"),
    (b"\xff\xfe\x00\x00", "UTF-32", "UTF-32 (little-endian, with a byte order mark)"),
    (b"\xfe\xff", "UTF-16", "UTF-16 (big-endian, with a byte order mark)"),
    (b"\xff\xfe", "UTF-16", "UTF-16 (little-endian, with a byte order mark)"),
)


def _wide_encoding(start: bytes) -> tuple[str, str] | None:
    """(iconv name, description) when the input's first bytes are UTF-16 or UTF-32, else None."""
    for mark, name, description in _WIDE_MARKS:
        if start.startswith(mark):
            return name, description
    nul = [byte == 0 for byte in start[:4]]
    if nul == [True, True, True, False]:
        return "UTF-32BE", "UTF-32 (big-endian, no byte order mark)"
    if nul == [False, True, True, True]:
        return "UTF-32LE", "UTF-32 (little-endian, no byte order mark)"
    if nul[:2] == [True, False]:
        return "UTF-16BE", "UTF-16 (big-endian, no byte order mark)"
    if nul[:2] == [False, True]:
        return "UTF-16LE", "UTF-16 (little-endian, no byte order mark)"
    return None


class _Lines:
    """The input's lines as bytes, the first few read ahead to recognise what the input is."""

    def __init__(self, source: Iterable[bytes]) -> None:
        self._source = iter(source)
        self._ahead: list[bytes] = []

    def _read_one(self) -> bool:
        line = next(self._source, None)
        if line is None:
            return False
        self._ahead.append(line)
        return True

    def start(self, size: int) -> bytes:
        """The input's first ``size`` bytes (fewer if it is shorter)."""
        while sum(map(len, self._ahead)) < size and self._read_one():
            pass
        return b"".join(self._ahead)[:size]

    def first_text(self) -> bytes | None:
        """The first line that is not blank, stripped (None if the first lines are all blank)."""
        for index in range(_LOOK_AHEAD_LINES):
            if index == len(self._ahead) and not self._read_one():
                return None
            text = self._ahead[index]
            text = (text[3:] if index == 0 and text.startswith(_BOM) else text).strip()
            if text:
                return text
        return None

    def __iter__(self) -> Iterator[bytes]:
        ahead, self._ahead = self._ahead, []
        return itertools.chain(ahead, self._source)


def _convert_hint(path: str, name: str) -> str:
    if path == "-":
        return f"pipe it through iconv -f {name} -t UTF-8"
    source = Path(path)
    target = source.with_name(f"{source.stem}-utf8{source.suffix}")
    return f"iconv -f {name} -t UTF-8 {shlex.quote(path)} > {shlex.quote(str(target))}"


@contextlib.contextmanager
def _input_lines(path: str, command: str, noun: str = "records") -> Iterator[_Lines]:
    """The input's lines: standard input for ``-``, else the file (closed afterwards).

    UTF-16 and UTF-32 are recognised before anything is graded and refused with the command
    that converts them (a usage error): read as UTF-8, each of their records would be an error.
    """
    if path == "-":
        stream = sys.stdin
        if stream is not None and stream.isatty():  # a person at a terminal may not know
            _warn(
                f"{PROG} {command}: reading {noun} from standard input; end with Ctrl-D; "
                "give a file name to read a file"
            )
        context: contextlib.AbstractContextManager[Iterable[bytes]] = contextlib.nullcontext(
            _stdin_lines()
        )
    else:
        context = _open(path)
    with context as source:
        lines = _Lines(source)
        wide = _wide_encoding(lines.start(4))
        if wide is not None:
            name, description = wide
            raise _UsageError(
                f"the input is {description}, not UTF-8: convert it first, e.g. "
                f"{_convert_hint(path, name)}"
            )
        yield lines


def _looks_like_csv_header(first: bytes, columns: Iterable[str]) -> bool:
    """Whether a first line is a CSV header of this scale: every name a known column (or id)."""
    names = [
        name.strip().strip('"').strip() for name in first.decode("utf-8", "replace").split(",")
    ]
    known = {ID_KEY, *columns}
    return bool(names) and all(name in known for name in names)


def _check_json_lines(lines: _Lines, csv_columns: Iterable[str] | None) -> None:
    """Refuse, before any output, JSON Lines input that is plainly something else.

    A JSON array written over several lines (a first line ``[`` or ``[{...`` that does not close
    on that line: none of its lines is a record) and, on standard input without ``--format``
    (``csv_columns`` given), a first line that is a CSV header of the scale's columns. Anything
    else is read record by record: a line that is a whole array is one invalid record, whose error
    says that JSON Lines holds one object per line, so records in still equal lines out.
    """
    first = lines.first_text()
    if first is None:
        return
    if (
        first.startswith(b"[")
        and first[1:].lstrip()[:1] in (b"", b"{")
        and not first.endswith(b"]")
    ):
        raise _UsageError(
            "this looks like a JSON array; give one JSON object per line (JSON Lines), "
            "e.g. with jq -c '.[]' records.json > records.jsonl"
        )
    if csv_columns is not None and _looks_like_csv_header(first, csv_columns):
        raise _UsageError(
            "standard input is read as JSON Lines (one JSON object per line), but its first line "
            "is a CSV header; give --format csv"
        )


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back while a batch of lines is written, so that no line is cut in half.

    The interrupt is delivered once the batch is out. Only the main thread can handle signals;
    elsewhere (and where the handler was not set from Python) nothing is held.
    """
    try:
        previous = signal.getsignal(signal.SIGINT)
        if previous is None:
            raise ValueError("a handler not set from Python")
        held: list[int] = []
        signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held and callable(previous):
        previous(signal.SIGINT, None)


class _Output:
    """Standard output as bytes, written in large batches: few system calls, no per-record flush.

    On a terminal every line is written as it comes, so a person typing records sees each result.
    Only whole lines are ever written: a batch is written with Ctrl-C held back.
    """

    def __init__(self) -> None:
        stream = _stdout()
        stream.flush()
        buffer: IO[bytes] | None = getattr(stream, "buffer", None)
        if buffer is not None:
            self._write: Callable[[memoryview], int | None] = buffer.write
            self._flush: Callable[[], object] = buffer.flush
        else:  # a text stream (e.g. one a caller put in place of stdout): decode what we write
            self._write = lambda data: stream.write(str(data, "utf-8")) and len(data)
            self._flush = stream.flush
        self._limit = 0 if stream.isatty() else _BATCH_BYTES
        self._parts: list[bytes] = []
        self._size = 0
        self._failed = False
        #: The lines written out so far (a line is one record).
        self.lines = 0

    def write(self, line: bytes) -> None:
        self._parts.append(line)
        self._size += len(line)
        if self._size > self._limit:
            self.flush()

    def flush(self) -> None:
        data = b"".join(self._parts)
        lines = len(self._parts)
        self._parts.clear()
        self._size = 0
        try:
            with _interrupts_held():
                # A write the held signal interrupted returns what it wrote: write the rest.
                rest = memoryview(data)
                while rest:
                    written = self._write(rest)
                    rest = rest[len(rest) if written is None else written :]
                self._flush()
                self.lines += lines  # before a held Ctrl-C is delivered, at the end of the block
        except OSError as error:
            self._failed = True
            if isinstance(error, BrokenPipeError):
                raise
            raise _OutputError(_cannot_write(error)) from None

    def close(self) -> None:
        """Write what is left, unless standard output has already failed."""
        if not self._failed:
            self.flush()


def _stdout() -> TextIO:
    stream = sys.stdout
    if stream is None:  # started with standard output closed (``>&-``)
        raise _OutputError(
            "standard output is closed, so nothing can be written; send it to a file (> FILE) "
            "or a pipe"
        )
    return stream


def _cannot_write(error: OSError) -> str:
    return f"cannot write to standard output: {error.strerror or error}"


@contextlib.contextmanager
def _delivered(output: _Output) -> Iterator[None]:
    """Write out every graded line however the run ends; Ctrl-C becomes :class:`_InterruptError`."""
    try:
        try:
            yield
        except KeyboardInterrupt:
            output.close()
            raise
        except BaseException:
            output.close()  # what was graded is never lost, whatever stopped the run
            raise
        output.close()
    except KeyboardInterrupt:  # while grading, or held back until the last lines were out
        raise _InterruptError(output.lines) from None


def _silence_stdout() -> None:
    # The reader of stdout has gone (e.g. ``| head``), or stdout failed: point stdout at /dev/null
    # so the interpreter's final flush does not report the failure a second time.
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _write_document(text: str) -> None:
    """Write a whole document (a report, a schema) to standard output.

    It is flushed here, so a reader that went away is reported as such (exit code 2) rather than
    at interpreter exit.
    """
    stream = _stdout()
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise _OutputError(_cannot_write(error)) from None


def _run_grading(scale: Scale, args: argparse.Namespace) -> int:
    path: str = args.input
    is_csv = _input_format(path, args.format) == "csv"
    output = _Output()
    counts = _Counts()
    with _input_lines(path, scale.name) as lines, _delivered(output):
        if is_csv:
            _grade_csv(scale, lines, output.write, counts)
        else:
            csv_possible = path == "-" and args.format is None
            _check_json_lines(lines, scale.csv_columns if csv_possible else None)
            _grade_jsonl(scale, lines, output.write, counts)
    return counts.exit_code()


def _column_table(scale: Scale) -> str:
    """``schema --columns``: one CSV column per line, with its type and allowed values."""
    rows = [(ID_KEY, "text", "the record's id, echoed as given (optional)")]
    for path, column in scale.csv_columns.items():
        values = list(column.values)
        if column.is_boolean:
            values = [*values, "true", "false (or TRUE, FALSE)"]
        rows.append((path, column.type, ", ".join(values)))
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    return "".join(
        f"{name:<{width[0]}}  {kind:<{width[1]}}  {values}".rstrip() + "\n"
        for name, kind, values in rows
    )


def _run_schema(args: argparse.Namespace) -> int:
    if args.columns:
        scale = SCALES.get(args.model)
        if scale is None:
            raise _UsageError(
                f"{args.model} has no CSV columns: {_COURSES_NOT_CSV}"
                if args.model == COURSE.name
                else f"{args.model} has no CSV columns"
            )
        _write_document(_column_table(scale))
        return EXIT_OK
    schema = SCHEMA_MODELS[args.model].model_json_schema()
    _write_document(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


# --- Courses and the cohort report ----------------------------------------------------------------

_COURSES_NOT_CSV = (
    "courses are read from JSON Lines only: a course nests lists (timed assessments, treatments, "
    "visits) that a CSV row cannot hold; give a .jsonl or .ndjson file, or --format jsonl"
)


def _jsonl_only(value: str) -> str:
    """``--format`` of ``course`` and ``report``: ``csv`` is refused with the reason."""
    if value == "csv":
        raise argparse.ArgumentTypeError(_COURSES_NOT_CSV)
    return value


def _check_course_input(path: str, given: str | None) -> None:
    """Courses are JSON Lines: a ``.csv`` file or an unknown suffix is a usage error."""
    _check_file(path)
    if given is None and path != "-":
        suffix = Path(path).suffix.lower()
        if _SUFFIXES.get(suffix) == "csv":
            raise _UsageError(_COURSES_NOT_CSV)
        if suffix not in _SUFFIXES:
            raise _UsageError(
                f"cannot tell the format of {path!r} from its suffix (.jsonl or .ndjson); "
                "give --format jsonl"
            )


def _run_course(args: argparse.Namespace) -> int:
    _check_course_input(args.input, args.format)
    output = _Output()
    counts = _Counts()
    with _input_lines(args.input, COURSE.name, "courses") as lines, _delivered(output):
        _check_json_lines(lines, None)
        _grade_jsonl(COURSE, lines, output.write, counts)
    return counts.exit_code()


def _printable(text: str) -> str:
    """``text`` on one line: control characters (a newline in a key...) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _report_excluded(record_id: object, line: int, failure: _Failure) -> None:
    """Name an excluded record on standard error: one line per problem, with field and reason."""
    stream = sys.stderr
    if stream is None:  # no standard error at all (pythonw): the report still counts it
        return
    # On a terminal a progress line may be showing: start over it (each message is longer).
    start = "\r" if stream.isatty() else ""
    where = (
        f"line {line}"
        if record_id is None
        else f"line {line} (id {json.dumps(record_id, ensure_ascii=False)})"
    )
    for error in failure.errors:
        field_ = _printable(error["loc"]) or "the record as a whole"
        stream.write(
            f"{start}{PROG} report: {where} excluded as invalid ({failure.kind}): {field_}: "
            f"{_printable(error['msg'])} [{error['type']}]\n"
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _input_notice(read: int, excluded: int) -> str:
    """The report's first lines: how many course records were read, graded and excluded."""
    text = (
        f"Input: {_plural(read, 'course record')} read, {read - excluded} graded, "
        f"{excluded} excluded as invalid"
    )
    if excluded:
        text += (
            " (each named on standard error with its line, field and reason); the tables below "
            f"count the {_plural(read - excluded, 'graded course')} only"
        )
    return text + "."


def _second_course(result: CourseResult, line: int, first_line: dict[str, int]) -> _Failure | None:
    """A second course for a patient is excluded: the report counts each patient once."""
    first = first_line.setdefault(result.patient_id, line)
    if first == line:
        return None
    message = (
        f"patient {result.patient_id!r} already has a course on line {first}; "
        "the report counts each patient once"
    )
    return _Failure("validation", [_error("patient_id", "duplicate_patient", message)])


def _report_results(path: str, counts: _Counts) -> list[CourseResult]:
    """The graded courses of a file (each excluded course named on stderr and counted)."""
    # Only the graded courses are kept (the report needs them all), never the input records.
    results: list[CourseResult] = []
    first_line: dict[str, int] = {}  # patient_id -> the line of its course
    with _input_lines(path, "report", "courses") as lines:
        _check_json_lines(lines, None)
        try:
            for line, record_id, outcome in _graded_jsonl(COURSE, lines):
                failure = outcome if isinstance(outcome, _Failure) else None
                if isinstance(outcome, CourseResult):
                    failure = _second_course(outcome, line, first_line)
                    if failure is None:
                        results.append(outcome)
                counts.add(failure or outcome)
                if failure is not None:
                    _report_excluded(record_id, line, failure)
        except KeyboardInterrupt:
            raise _InterruptError(counts.records) from None
    return results


def _run_report(args: argparse.Namespace) -> int:
    path: str = args.input
    _check_course_input(path, args.format)
    counts = _Counts()
    results = _report_results(path, counts)
    read, excluded = counts.records, counts.invalid
    report = build_report(results, notice=_input_notice(read, excluded))
    if args.output_format == "json":
        source = {"source": path, "records": read, "graded": len(results), "excluded": excluded}
        document = {"input": source, **report.to_dict()}
        _write_document(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        _write_document(render_text(report))
    return counts.exit_code()


def _run_demo(args: argparse.Namespace) -> int:
    report = demo_report()
    _write_document(
        report.to_json() + "\n" if args.output_format == "json" else render_text(report)
    )
    return EXIT_OK


# --- The parser: one function per subcommand ------------------------------------------------------

#: The exit codes, as every ``--help`` lists them (docs/cli.md, "Exit codes").
_EXIT_STATUS = """\
exit status:
  0    every {item} graded
  1    some {item}s invalid{excluded}
  2    usage or I/O error (the message is on standard error)
  3    an internal error on some {item}s ({where}): please report it
  130  interrupted by Ctrl-C: {interrupted}"""

_GRADING_EPILOG = """\
input (UTF-8):
  JSON Lines: one JSON object per line; every line is a record (a blank line is
  an invalid record). CSV: a header row of field names, dotted for nested fields
  (e.g. {dotted}); ';' between list items, [] for an empty list,
  null for null, true/false (or TRUE/FALSE) for booleans, numbers as JSON
  writes them (38.5, -1, 1e3); an empty cell is not given; any other cell goes
  to the model as written. An "id" key or column (a string or an integer) is
  echoed. The fields: {prog} schema {name}
  The CSV columns, with their types: {prog} schema --columns {name}

output (one JSON line per input record, in input order):
  {{"id": ..., "line": N, "result": {{...}}}}
  {{"id": ..., "line": N, "error": {{"type": "validation",
    "errors": [{{"loc": "{dotted}", "type": ..., "msg": ...}}]}}}}

{exit_status}

example:
  {prog} {name} records.csv > results.jsonl
"""

if typing.TYPE_CHECKING:
    _Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def _add_grading_command(commands: _Commands, scale: Scale) -> None:
    parser = commands.add_parser(
        scale.name,
        help=scale.summary,
        description=f"{scale.summary[0].upper()}{scale.summary[1:]}: one JSON line per record.",
        epilog=_GRADING_EPILOG.format(
            prog=PROG,
            name=scale.name,
            dotted=next((column for column in scale.columns if "." in column), "field.subfield"),
            exit_status=_EXIT_STATUS.format(
                item="record",
                excluded="",
                where="their lines say so",
                interrupted="what was graded is written out",
            ),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_argument(parser, "a .jsonl, .ndjson or .csv file")
    parser.add_argument(
        "--format",
        choices=("jsonl", "csv"),
        help="the input format (default: from the file suffix; jsonl for standard input)",
    )
    parser.set_defaults(run=lambda args: _run_grading(scale, args))


def _add_grading_commands(commands: _Commands) -> None:
    for scale in SCALES.values():
        _add_grading_command(commands, scale)


def _add_schema(commands: _Commands) -> None:
    parser = commands.add_parser(
        "schema",
        help="print the JSON Schema of an input model, or its CSV columns",
        description="Print the JSON Schema of an input model (what one record may contain), or "
        "with --columns the CSV columns of a scale: one per line, with its type and, for a field "
        "with a fixed set of values, those values.",
    )
    parser.add_argument("model", choices=sorted(SCHEMA_MODELS), metavar="MODEL", help="%(choices)s")
    parser.add_argument(
        "--columns",
        action="store_true",
        help="print the CSV columns of the scale MODEL (crs, icans, sledai) instead",
    )
    parser.set_defaults(run=_run_schema)


_COURSE_EPILOG = """\
input:
  JSON Lines: one Course object per line (patient_id, infusion_at, timestamped
  crs_assessments and icans_assessments, treatments, sledai_visits, death);
  every line is a record (a blank line is an invalid one). Times need a time
  zone. CSV is refused: a course nests lists. The fields: {prog} schema course

output (one JSON line per input line, in input order; id: the record's "id",
else its patient_id):
  {{"id": "P1", "line": N, "result": {{...CourseResult.to_dict()...}}}}
  {{"id": "P1", "line": N, "error": {{"type": "validation",
    "errors": [{{"loc": "crs_assessments.0.at", "type": ..., "msg": ...}}]}}}}

{exit_status}

example:
  {prog} course courses.jsonl > graded.jsonl
"""

_REPORT_EPILOG = """\
input: courses as for '{prog} course' (JSON Lines, one Course per line).

output: the cohort report (patients by maximum CRS and ICANS grade, onset and
duration, treatments, SLEDAI-2K by visit, responses, episodes, patients), as
text or as one JSON document. It starts by saying how many course records were
read, graded and excluded. An invalid course, or a second course for a
patient_id already seen, is excluded from the report and named on standard
error with its line, field and reason; it is never dropped silently.

{exit_status}

examples:
  {prog} report courses.jsonl
  {prog} report courses.jsonl --output-format json > report.json
"""


def _add_input_argument(parser: argparse.ArgumentParser, files: str) -> None:
    parser.add_argument(
        "input",
        nargs="?",
        default="-",
        metavar="INPUT",
        help=f"{files}, or - for standard input (the default)",
    )


def _add_course_input(parser: argparse.ArgumentParser) -> None:
    _add_input_argument(parser, "a .jsonl or .ndjson file of courses")
    parser.add_argument(
        "--format",
        type=_jsonl_only,
        choices=("jsonl",),
        help="the input format: jsonl, the only one for courses (csv is refused)",
    )


def _add_output_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output-format",
        choices=("text", "json"),
        default="text",
        help="text for a terminal (the default) or one JSON document",
    )


def _add_course(commands: _Commands) -> None:
    parser = commands.add_parser(
        COURSE.name,
        help=COURSE.summary,
        description="Grade patient courses: every assessment, the CRS and ICANS episodes, the "
        "per-patient summary and the SLEDAI-2K trajectory; one JSON line per course.",
        epilog=_COURSE_EPILOG.format(
            prog=PROG,
            exit_status=_EXIT_STATUS.format(
                item="course",
                excluded="",
                where="their lines say so",
                interrupted="what was graded is written out",
            ),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_course_input(parser)
    parser.set_defaults(run=_run_course)


def _add_report(commands: _Commands) -> None:
    parser = commands.add_parser(
        "report",
        help="grade patient courses and print the cohort report",
        description="Grade patient courses and print the cohort report (text or JSON).",
        epilog=_REPORT_EPILOG.format(
            prog=PROG,
            exit_status=_EXIT_STATUS.format(
                item="course",
                excluded=", left out of the report (it covers the others)",
                where="named on standard error",
                interrupted="no report is printed",
            ),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_course_input(parser)
    _add_output_format(parser)
    parser.set_defaults(run=_run_report)


def _add_demo(commands: _Commands) -> None:
    parser = commands.add_parser(
        "demo",
        help="print the cohort report for the packaged demo cohort (illustrative data)",
        description="Print the cohort report for the packaged demo cohort: six synthetic patients "
        "with refractory SLE treated with CD19- or BCMA-targeting CAR-T cells. The data are "
        "illustrative, not trial data.",
    )
    _add_output_format(parser)
    parser.set_defaults(run=_run_demo)


#: The subcommands, in the order ``--help`` lists them: adding one is one function here.
_COMMANDS: tuple[Callable[[_Commands], None], ...] = (
    _add_grading_commands,
    _add_course,
    _add_report,
    _add_schema,
    _add_demo,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Grade CAR-T toxicities (CRS, ICANS) by the ASTCT 2019 consensus and score lupus "
            "activity by SLEDAI-2K."
        ),
        epilog=f"Run '{PROG} COMMAND --help' for a command's input, output and exit status.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in _COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        0 when every record was graded (or the command succeeded); 1 when some records were
        invalid (each has its error line); 2 for usage or I/O errors, the message on stderr
        (nothing more is read); 3 when some record met an internal error (its line says so, the
        others were graded; please report it); 130 when interrupted by Ctrl-C (what was graded
        is written out, and a line on stderr says how many records).

    Example:
        >>> main(["schema", "crs"])  # doctest: +ELLIPSIS
        {
          "$defs": {
        ...
        0
        >>> main(["crs", "no-such-file.jsonl"])
        2
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    where = f"{PROG} {args.command}"
    try:
        return int(args.run(args))
    except _InterruptError as interrupted:
        _warn(f"{where}: interrupted after {_plural(interrupted.records, 'record')}")
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        _warn(f"{where}: interrupted")
        return EXIT_INTERRUPTED
    except _UsageError as error:
        if isinstance(error, _OutputError):
            _silence_stdout()
        _warn(f"{where}: error: {error}")
        return EXIT_USAGE
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_USAGE
    except OSError as error:
        _warn(f"{where}: error: {error}")
        return EXIT_USAGE
    except Exception as error:  # a bug outside any one record: say so, exit 3
        _warn(
            f"{where}: internal error: {type(error).__name__}: {error}; please report it with "
            "the traceback below and the input"
        )
        if sys.stderr is not None:
            traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
