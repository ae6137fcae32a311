"""Input: the format from the file suffix, standard input or a file, UTF-16 and UTF-32 refused."""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import shlex
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from astct_grading.cli.output import (
    PROG,
    _UsageError,
    _warn,
)

_BOM = b"\xef\xbb\xbf"


#: How many lines are read ahead at most to find the first one that is not blank.
_LOOK_AHEAD_LINES = 64


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
