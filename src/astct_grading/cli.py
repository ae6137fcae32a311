"""The ``astct-grading`` command-line tool (standard library only, plus this package).

Each grading subcommand (``crs``...) streams records from JSON Lines or CSV and writes one JSON line
per input record, in input order: a result line or an error line. The scales come from a small
registry, :data:`SCALES`: a scale is a name, an input model and a grading function, so a new scale
plugs in with one :class:`Scale` entry. ``course`` grades whole patient courses the same way
(:data:`COURSE`, JSON Lines only), ``report`` prints the cohort report of a file of courses and
``demo`` the report of the packaged demo cohort. Every subcommand is added to the parser by one
function (see :data:`_COMMANDS`). docs/cli.md describes the interface.

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
import functools
import json
import json.encoder
import os
import sys
import time
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from pydantic import BaseModel, PlainValidator, TypeAdapter, ValidationError, create_model
from pydantic_core import PydanticCustomError

from astct_grading._version import __version__
from astct_grading.course import Course, CourseResult, grade_course
from astct_grading.crs import CrsAssessment, grade_crs
from astct_grading.icans import IcansAssessment, grade_icans
from astct_grading.report import build_report, demo_report, render_text
from astct_grading.sledai import SledaiVisit, score_sledai2k

__all__ = ["COURSE", "SCALES", "SCHEMA_MODELS", "Scale", "main"]

PROG = "astct-grading"

#: Exit codes (docs/cli.md).
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

#: The key (JSON Lines) or column (CSV) holding a record's id; it is echoed, never validated
#: against the model.
ID_KEY = "id"

_BOM = b"\xef\xbb\xbf"
#: A str as a JSON string literal, non-ASCII kept (as ``json.dumps(ensure_ascii=False)`` writes it).
_json_string: Callable[[str], str] = json.encoder.encode_basestring
_LIST_TYPES = (
    list,
    tuple,
    set,
    frozenset,
    collections.abc.Sequence,
    collections.abc.Set,
    collections.abc.MutableSequence,
)
#: CSV cell conventions (docs/cli.md): an empty cell is "not given"; these two are literal values.
_CSV_NULL = "null"
_CSV_EMPTY_LIST = "[]"
_CSV_LIST_SEPARATOR = ";"
#: Progress (only when stderr is a terminal): checked every _PROGRESS_EVERY records (a power of
#: two, so the check is a bit mask), redrawn at most every _PROGRESS_SECONDS.
_PROGRESS_EVERY = 1 << 12
_PROGRESS_SECONDS = 0.5
#: Output is written in batches of about this many bytes (a few hundred lines).
_BATCH_BYTES = 1 << 18


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
class Scale:
    """One grading subcommand: an input model and the function that grades it.

    Attributes:
        name: the subcommand, e.g. ``crs``.
        summary: one line for ``--help``.
        model: the input model each record is validated against (unknown fields rejected).
        grade: the grading function; it takes a validated ``model`` instance and returns a result
            dataclass (:class:`~astct_grading.results.GradeResult` or
            :class:`~astct_grading.results.ScoreResult`).
        id_field: a model field echoed as the record's id when the record has no ``id`` of its
            own (``patient_id`` for a course); None: no fallback.
        records: a TypeAdapter of ``model`` extended with the optional record ``id``, built once:
            a JSON Lines record is validated, id included, in one ``validate_json`` call.
        columns: the CSV columns the model accepts: dotted path -> whether it holds a list.

    Example:
        >>> scale = SCALES["crs"]
        >>> scale.model.__name__, scale.columns["temperature.value"], scale.columns["vasopressors"]
        ('CrsAssessment', False, True)
    """

    name: str
    summary: str
    model: type[BaseModel]
    grade: Callable[[Any], object]
    id_field: str | None = None
    records: TypeAdapter[BaseModel] = field(init=False, repr=False, compare=False)
    columns: Mapping[str, bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if ID_KEY in self.model.model_fields:
            raise ValueError(f"{self.model.__name__} has a field {ID_KEY!r}, the CLI's record id")
        record: type[BaseModel] = create_model(
            f"{self.model.__name__}Record",
            __base__=self.model,
            id=(typing.Annotated[Any, PlainValidator(_check_id)], None),
        )
        object.__setattr__(self, "records", TypeAdapter(record))
        object.__setattr__(self, "columns", types.MappingProxyType(_columns(self.model)))


def _members(annotation: Any) -> list[Any]:
    """The types a field accepts: the members of a union (None left out), Annotated unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [] if annotation is type(None) else [annotation]


def _columns(
    model: type[BaseModel], prefix: str = "", within: frozenset[type[BaseModel]] = frozenset()
) -> dict[str, bool]:
    """The CSV columns of a model: dotted paths into nested models -> holds a list."""
    if not model.__pydantic_complete__:  # forward references left to resolve (pydantic defers)
        model.model_rebuild()
    columns: dict[str, bool] = {}
    within = within | {model}
    for name, info in model.model_fields.items():
        path = prefix + (info.alias or name)
        members = _members(info.annotation)
        nested = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        plain = [m for m in members if m not in nested]
        for sub in nested:
            if sub not in within:  # a recursive model cannot be flattened into columns
                columns.update(_columns(sub, path + ".", within))
        if plain or not nested:
            columns[path] = any(
                m in _LIST_TYPES or typing.get_origin(m) in _LIST_TYPES for m in plain
            )
    return columns


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
        return _json_string(value).encode()
    return str(value).encode()


def _result_line(record_id: object, line: int, result: object) -> bytes:
    body = _result_json(result)
    return b'{"id":%b,"line":%d,"result":%b}\n' % (_id_json(record_id), line, body)


def _error_line(record_id: object, line: int, kind: str, errors: list[dict[str, str]]) -> bytes:
    document = {"id": record_id, "line": line, "error": {"type": kind, "errors": errors}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _error(loc: str, type_: str, msg: str) -> dict[str, str]:
    return {"loc": loc, "type": type_, "msg": msg}


def _validation_errors(error: ValidationError) -> list[dict[str, str]]:
    return [
        _error(".".join(str(part) for part in item["loc"]), item["type"], item["msg"])
        for item in error.errors(include_url=False, include_input=False)
    ]


#: Validation error types that mean the line is not a JSON object at all.
_PARSE_TYPES = frozenset({"json_invalid", "model_type"})


def _not_a_record(errors: list[dict[str, str]]) -> bool:
    return len(errors) == 1 and errors[0]["loc"] == "" and errors[0]["type"] in _PARSE_TYPES


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


# --- Grading streams ------------------------------------------------------------------------------


class _UsageError(Exception):
    """A usage or input error: reported on stderr, exit code 2, nothing more is read."""


@dataclass(frozen=True, slots=True)
class _Failure:
    """A record that was not graded.

    Attributes:
        kind: ``parse``, ``validation`` or ``grading`` (the error line's ``error.type``).
        errors: every problem found, each a ``loc``, ``type`` and ``msg``.
    """

    kind: str
    errors: list[dict[str, str]]


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


def _echoed_id(raw: bytes, fallback: str | None) -> object:
    """The id of a record that failed validation, if it has a usable one (else None).

    The record's ``id``; when it has none, the ``fallback`` field's value (a course's
    ``patient_id``), if that is a string or an integer.
    """
    try:
        document = json.loads(raw)
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


def _graded_jsonl(scale: Scale, lines: Iterable[bytes]) -> Iterator[tuple[int, object, object]]:
    """Grade JSON Lines: every line is one record (a blank line is an invalid one).

    Yields:
        (line, id, result or :class:`_Failure`) for each line, in input order.
    """
    validate = scale.records.validate_json
    fallback = scale.id_field
    progress = _progress(scale.name)
    line = 0
    for line, raw in enumerate(lines, 1):
        data = raw[3:] if line == 1 and raw.startswith(_BOM) else raw
        try:
            record = validate(data)
        except ValidationError as error:
            if data.strip():
                errors = _validation_errors(error)
                kind = "parse" if _not_a_record(errors) else "validation"
            else:
                errors = [_error("", "blank_line", "a blank line is not a JSON object")]
                kind = "parse"
            yield line, _echoed_id(data, fallback), _Failure(kind, errors)
        else:
            record_id = getattr(record, ID_KEY)
            if record_id is None and fallback is not None:
                record_id = getattr(record, fallback)
            yield line, record_id, _grade(scale, record)
        if progress is not None and not line & (_PROGRESS_EVERY - 1):
            progress.update(line)
    if progress is not None:
        progress.finish(line)


def _grade_jsonl(scale: Scale, lines: Iterable[bytes], write: Callable[[bytes], object]) -> int:
    """Grade JSON Lines, writing one output line per input line.

    Returns:
        The number of records that were not graded.
    """
    invalid = 0
    for line, record_id, outcome in _graded_jsonl(scale, lines):
        invalid += isinstance(outcome, _Failure)
        write(_output_line(record_id, line, outcome))
    return invalid


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


def _header(scale: Scale, header: list[str]) -> list[tuple[str, ...] | None]:
    """The column paths (None for the id column); a bad header is a usage error."""
    seen: set[str] = set()
    paths: list[tuple[str, ...] | None] = []
    for name in header:
        if name in seen:
            raise _UsageError(f"the CSV header repeats the column {name!r}")
        seen.add(name)
        if name == ID_KEY:
            paths.append(None)
        elif name in scale.columns:
            paths.append(tuple(name.split(".")))
        else:
            known = ", ".join([ID_KEY, *scale.columns])
            raise _UsageError(
                f"unknown CSV column {name!r} for {scale.name} (the columns are: {known})"
            )
    return paths


def _cell(cell: str, is_list: bool) -> object:
    if cell == _CSV_NULL:
        return None
    if not is_list:
        return cell
    if cell.strip() == _CSV_EMPTY_LIST:
        return []
    return [item.strip() for item in cell.split(_CSV_LIST_SEPARATOR)]


def _row_record(
    scale: Scale, paths: list[tuple[str, ...] | None], row: list[str]
) -> tuple[object, dict[str, Any]]:
    """(id, record) from a CSV row: empty cells are left out (not given)."""
    record_id: object = None
    record: dict[str, Any] = {}
    for path, cell in zip(paths, row, strict=True):
        if path is None:
            record_id = cell or None
        elif cell:
            target = record
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = _cell(cell, scale.columns[".".join(path)])
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


def _csv_records(
    scale: Scale, lines: Iterable[bytes]
) -> Iterator[tuple[int, object, dict[str, Any] | list[dict[str, str]]]]:
    """(line, id, record or parse errors) for each CSV row after the header, in order."""
    decoded = _DecodedLines(lines)
    reader = csv.reader(decoded, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _UsageError(f"unreadable CSV header: {error}") from None
    if header is None:
        return
    if decoded.bad:
        raise _UsageError("the CSV header is not valid UTF-8")
    paths = _header(scale, header)
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
        bad = not decoded.bad.isdisjoint(range(start, end + 1))
        errors = _csv_row_error(row, len(paths), bad)
        if errors is not None:
            yield start, None, errors
        else:
            yield (start, *_row_record(scale, paths, row))


def _grade_csv(scale: Scale, lines: Iterable[bytes], write: Callable[[bytes], object]) -> int:
    """Grade CSV: a header row of column paths, then one record per row.

    Returns:
        The number of records that were not graded.
    """
    validate = scale.records.validate_python
    progress = _progress(scale.name)
    invalid = count = 0
    for count, (line, record_id, record) in enumerate(_csv_records(scale, lines), 1):
        if isinstance(record, list):
            invalid += 1
            write(_error_line(record_id, line, "parse", record))
        else:
            try:
                model = validate(record)
            except ValidationError as error:
                invalid += 1
                write(_error_line(record_id, line, "validation", _validation_errors(error)))
            else:
                outcome = _grade(scale, model)
                invalid += isinstance(outcome, _Failure)
                write(_output_line(record_id, line, outcome))
        if progress is not None and not count & (_PROGRESS_EVERY - 1):
            progress.update(count)
    if progress is not None:
        progress.finish(count)
    return invalid


# --- Input and output -----------------------------------------------------------------------------

#: File suffix -> input format; anything else needs ``--format`` (a guess could misread the data).
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def _input_format(path: str, given: str | None) -> str:
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
    return (line.encode("utf-8", errors="surrogateescape") for line in stream)


def _open(path: str) -> IO[bytes]:
    try:
        return open(path, "rb")
    except OSError as error:
        raise _UsageError(f"cannot read {path!r}: {error.strerror or error}") from None


class _Output:
    """Standard output as bytes, written in large batches: few system calls, no per-record flush.

    On a terminal every line is written as it comes, so a person typing records sees each result.
    """

    def __init__(self) -> None:
        stream = sys.stdout
        stream.flush()
        buffer: IO[bytes] | None = getattr(stream, "buffer", None)
        if buffer is not None:
            self._write: Callable[[bytes], object] = buffer.write
            self._flush: Callable[[], object] = buffer.flush
        else:  # a text stream (e.g. one a caller put in place of stdout): decode what we write
            self._write = lambda data: stream.write(data.decode("utf-8"))
            self._flush = stream.flush
        self._limit = 0 if stream.isatty() else _BATCH_BYTES
        self._parts: list[bytes] = []
        self._size = 0

    def write(self, line: bytes) -> None:
        self._parts.append(line)
        self._size += len(line)
        if self._size > self._limit:
            self.flush()

    def flush(self) -> None:
        self._write(b"".join(self._parts))
        self._parts.clear()
        self._size = 0
        self._flush()


def _silence_stdout() -> None:
    # The reader of stdout has gone (e.g. ``| head``): point stdout at /dev/null so the
    # interpreter's final flush does not report the broken pipe a second time.
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


@contextlib.contextmanager
def _input_lines(path: str) -> Iterator[Iterable[bytes]]:
    """The input's lines as bytes: standard input for ``-``, else the file (closed afterwards)."""
    if path == "-":
        yield _stdin_lines()
    else:
        with _open(path) as stream:
            yield stream


def _write_document(text: str) -> None:
    """Write a whole document (a report, a schema) to standard output.

    It is flushed here, so a reader that went away is reported as such (exit code 2) rather than
    at interpreter exit.
    """
    sys.stdout.write(text)
    sys.stdout.flush()


def _run_grading(scale: Scale, args: argparse.Namespace) -> int:
    path: str = args.input
    grade_stream = _grade_csv if _input_format(path, args.format) == "csv" else _grade_jsonl
    output = _Output()
    with _input_lines(path) as lines:
        invalid = grade_stream(scale, lines, output.write)
    output.flush()
    return EXIT_INVALID if invalid else EXIT_OK


def _run_schema(args: argparse.Namespace) -> int:
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
    with _input_lines(args.input) as lines:
        invalid = _grade_jsonl(COURSE, lines, output.write)
    output.flush()
    return EXIT_INVALID if invalid else EXIT_OK


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


def _run_report(args: argparse.Namespace) -> int:
    path: str = args.input
    _check_course_input(path, args.format)
    # Only the graded courses are kept (the report needs them all), never the input records.
    results: list[CourseResult] = []
    first_line: dict[str, int] = {}  # patient_id -> the line of its course
    excluded = 0
    with _input_lines(path) as lines:
        for line, record_id, outcome in _graded_jsonl(COURSE, lines):
            if isinstance(outcome, CourseResult):
                failure = _second_course(outcome, line, first_line)
                if failure is None:
                    results.append(outcome)
                    continue
            else:
                failure = typing.cast(_Failure, outcome)
            excluded += 1
            _report_excluded(record_id, line, failure)
    read = len(results) + excluded
    report = build_report(results, notice=_input_notice(read, excluded))
    if args.output_format == "json":
        counts = {"source": path, "records": read, "graded": len(results), "excluded": excluded}
        document = {"input": counts, **report.to_dict()}
        _write_document(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        _write_document(render_text(report))
    return EXIT_INVALID if excluded else EXIT_OK


def _run_demo(args: argparse.Namespace) -> int:
    report = demo_report()
    _write_document(
        report.to_json() + "\n" if args.output_format == "json" else render_text(report)
    )
    return EXIT_OK


# --- The parser: one function per subcommand ------------------------------------------------------

_GRADING_EPILOG = """\
input:
  JSON Lines: one JSON object per line; every line is a record (a blank line is
  an invalid record). CSV: a header row of field names, dotted for nested fields
  (e.g. {dotted}); ';' between list items, [] for an empty list,
  null for null; an empty cell is not given. An "id" key or column (a string or
  an integer) is echoed. The fields: {prog} schema {name}

output (one JSON line per input record, in input order):
  {{"id": ..., "line": N, "result": {{...}}}}
  {{"id": ..., "line": N, "error": {{"type": "validation",
    "errors": [{{"loc": "{dotted}", "type": ..., "msg": ...}}]}}}}

exit status: 0 every record graded, 1 some records invalid, 2 usage or I/O error.

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
        help="print the JSON Schema of an input model",
        description="Print the JSON Schema of an input model (what one record may contain).",
    )
    parser.add_argument("model", choices=sorted(SCHEMA_MODELS), metavar="MODEL", help="%(choices)s")
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

exit status: 0 every course graded, 1 some courses invalid, 2 usage or I/O error.

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

exit status: 0 every course graded, 1 some courses excluded as invalid (the
report covers the others), 2 usage or I/O error.

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
        epilog=_COURSE_EPILOG.format(prog=PROG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_course_input(parser)
    parser.set_defaults(run=_run_course)


def _add_report(commands: _Commands) -> None:
    parser = commands.add_parser(
        "report",
        help="grade patient courses and print the cohort report",
        description="Grade patient courses and print the cohort report (text or JSON).",
        epilog=_REPORT_EPILOG.format(prog=PROG),
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
        0 when every record was graded (or the command succeeded), 1 when some records were
        invalid, 2 for usage or I/O errors (the message is on stderr).

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
    try:
        return int(args.run(args))
    except _UsageError as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_USAGE
    except OSError as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
