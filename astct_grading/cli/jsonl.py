"""JSON Lines: records read and graded line by line, the id echoed, an error line per failure."""

from __future__ import annotations

import json
import json.encoder
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from astct_grading.cli.inputs import (
    _BOM,
    _Lines,
)
from astct_grading.cli.output import (
    _PROGRESS_EVERY,
    _Counts,
    _error,
    _Failure,
    _grade,
    _internal,
    _output_line,
    _progress,
    _unwritable,
    _UsageError,
    _validation_errors,
)
from astct_grading.cli.scales import (
    ID_KEY,
    Scale,
    _check_id,
)
from astct_grading.core.json_keys import duplicate_key, duplicate_key_error
from astct_grading.core.quick_json import quick_reader

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
    # Most records are vouched for by the quick reading (valid, no key repeated); the others are
    # read by ``validate`` below, which gives the documented errors (core/quick_json.py).
    quick = quick_reader(scale.record_model)
    fallback = scale.id_field
    progress = _progress(scale.name)
    line = 0
    record_id: object
    outcome: object
    for line, raw in enumerate(lines, 1):
        data = raw[3:] if line == 1 and raw.startswith(_BOM) else raw
        try:
            record = quick(data)
            if record is None:
                record_id, outcome = _read_fully(scale, validate, data, line)
            else:
                record_id, outcome = _graded(scale, record)
        except Exception as error:  # one record's failure, never the run's
            record_id, outcome = _safe_id(data, fallback), _internal(error)
        yield line, record_id, outcome
        if progress is not None and not line & (_PROGRESS_EVERY - 1):
            progress.update(line)
    if progress is not None:
        progress.finish(line)


def _graded(scale: Scale, record: BaseModel) -> tuple[object, object]:
    """A valid record's id (its own, else the scale's fallback field) and its result."""
    record_id = getattr(record, ID_KEY)
    if record_id is None and scale.id_field is not None:
        record_id = getattr(record, scale.id_field)
    return record_id, _grade(scale, record)


def _read_fully(
    scale: Scale, validate: Callable[[bytes], BaseModel], data: bytes, line: int
) -> tuple[object, object]:
    """A record the quick reading handed back: validated with the documented errors."""
    try:
        record = validate(data)
    except ValidationError as error:
        return _jsonl_failure(scale, data, line, error)
    found = duplicate_key(data)
    if found is not None:  # valid as read, but one of its keys says two things
        return _repeated_key(scale, data, found)
    return _graded(scale, record)


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
