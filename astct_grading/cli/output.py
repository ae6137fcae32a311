"""Output: the result and error lines, exit codes, progress, and writing with interrupts held.

Every input record gets exactly one output line; whatever was graded is written out before the
tool stops, however it stops (docs/cli.md, "Output" and "Exit codes").
"""

from __future__ import annotations

import contextlib
import json
import json.encoder
import os
import signal
import sys
import time
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, TextIO

from pydantic import BaseModel, ValidationError

from astct_grading.cli.scales import (
    Result,
    Scale,
    _did_you_mean,
)

PROG = "astct-grading"


#: Exit codes (docs/cli.md).
EXIT_OK = 0


EXIT_INVALID = 1


EXIT_USAGE = 2


#: Some record made the code itself fail (a bug): its line says so, the others were graded.
EXIT_INTERNAL = 3


#: Stopped by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130


#: A str as a JSON string literal, non-ASCII kept (as ``json.dumps(ensure_ascii=False)`` writes it).
_json_string: Callable[[str], str] = json.encoder.encode_basestring


#: The same with every non-ASCII character escaped: the only way to write a lone surrogate.
_json_string_ascii: Callable[[str], str] = json.encoder.encode_basestring_ascii


#: Progress (only when stderr is a terminal): checked every _PROGRESS_EVERY records (a power of
#: two, so the check is a bit mask), redrawn at most every _PROGRESS_SECONDS.
_PROGRESS_EVERY = 1 << 12


_PROGRESS_SECONDS = 0.5


#: Output is written in batches of about this many bytes (a few hundred lines).
_BATCH_BYTES = 1 << 18


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


def _result_line(record_id: object, line: int, result: Result) -> bytes:
    # The result's own to_json(): the one way a result is serialised (docs/cli.md, "Output").
    body = result.to_json().encode()
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
    return _result_line(record_id, line, typing.cast("Result", outcome))


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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
