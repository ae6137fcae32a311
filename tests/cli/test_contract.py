"""The command line keeps its batch contract: nothing guessed, no record lost.

Whatever a line holds (nesting 100,000 deep, megabytes, lone surrogates, repeated keys, huge
numbers), it gets exactly one output line and the next line is read; a record that makes the code
fail gets an ``internal`` error line and exit code 3; whatever was graded is written out however
the run stops (a crash, Ctrl-C, an I/O error); input that is plainly not what it claims to be
(UTF-16, a JSON array, CSV on standard input, a semicolon-separated CSV) is refused with a message
that says what to do.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import io
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Strict, TypeAdapter, field_validator

from astct_grading import grade_crs
from astct_grading.cli import (
    COURSE,
    SCALES,
    Scale,
    commands,
    inputs,
    jsonl,
    main,
    output,
    scales,
)
from astct_grading.course import grade_course
from astct_grading.criteria.crs import OxygenDevice, VasopressorAgent
from astct_grading.icans import IcpFinding
from tests.cli.harness import Run, Runner

GOOD = b'{"id":"a","temperature":{"value":38.4,"unit":"C"},"hypotension":false}\n'
GOOD_RESULT = json.loads(
    grade_crs({"temperature": {"value": 38.4, "unit": "C"}, "hypotension": False}).to_json()
)
COURSE_LINE = (
    b'{"patient_id":"P1","infusion_at":"2024-03-04T10:00:00+01:00","crs_assessments":'
    b'[{"at":"2024-03-05T09:00:00+01:00","assessment":{"temperature":{"value":38.6,"unit":"C"},'
    b'"hypotension":false,"oxygen":{"device":"room_air"}}}]}\n'
)
#: A valid record of each JSON Lines subcommand.
VALID_LINE = {
    "crs": GOOD,
    "icans": b'{"id":"a","ice":{"total":10},"consciousness":"alert"}\n',
    "sledai": b'{"id":"a","seizure":true}\n',
    "course": COURSE_LINE,
    "report": COURSE_LINE,
}
DEEP = 100_000


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def tool(
    *args: str, stdin: bytes = b"", cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "astct_grading", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        check=False,
        timeout=120,
    )


def raw_lines(stdout: str) -> list[str]:
    assert stdout == "" or stdout.endswith("\n")
    return stdout.split("\n")[:-1]


# --- A probe scale: every way one record can make the code fail -----------------------------------


class Probe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    flag: Annotated[bool, Strict()] | None = None
    flags: list[Annotated[bool, Strict()]] | None = None
    count: int | None = None
    label: str | None = None
    amount: Annotated[float, Strict()] | None = None
    amounts: list[Annotated[int, Strict()]] | None = None
    mixed: Annotated[bool, Strict()] | Annotated[int, Strict()] | None = None
    code: Annotated[int, Strict()] | str | None = None

    @field_validator("count")
    @classmethod
    def _overflow(cls, value: int | None) -> int | None:
        if value == 13:  # not a ValueError: pydantic lets it through, as a validator bug would
            raise OverflowError("cannot convert float infinity to integer")
        return value


class WritesItself:
    """A scale's result writes itself, as the library's results do (``to_json()``)."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))  # type: ignore[call-overload]


@dataclass(frozen=True)
class Echo(WritesItself):
    name: str
    flag: bool | None
    flags: list[bool] | None
    label: str | None
    amount: float | None = None
    amounts: list[int] | None = None
    mixed: bool | int | None = None
    code: int | str | None = None


@dataclass(frozen=True)
class Unwritable:
    value: Any

    def to_json(self) -> str:  # a result written by pydantic-core, which cannot write object()
        return TypeAdapter(Unwritable).dump_json(self).decode()


def grade_probe(probe: Probe) -> WritesItself | Unwritable:
    if probe.name == "crash":
        raise RuntimeError("the grader fell over")
    if probe.name == "unwritable":
        return Unwritable(object())
    return Echo(
        probe.name,
        probe.flag,
        probe.flags,
        probe.label,
        probe.amount,
        probe.amounts,
        probe.mixed,
        probe.code,
    )


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> Scale:
    scale = Scale("probe", "grade probes", Probe, grade_probe)
    monkeypatch.setitem(SCALES, "probe", scale)
    monkeypatch.setitem(scales.SCHEMA_MODELS, "probe", Probe)
    return scale


# --- 1. However deep or large a line, it is one record --------------------------------------------


def deep_line(depth: int = DEEP) -> bytes:
    return b'{"id":"A","x":' + b"[" * depth + b"]" * depth + b"}\n"


@pytest.mark.parametrize("command", ["crs", "icans", "sledai", "course"])
def test_a_line_nested_100000_deep_is_one_error_line_and_the_rest_go_on(
    run: Runner, command: str
) -> None:
    valid = VALID_LINE[command]
    result = run(command, "-", "--format", "jsonl", stdin=valid + deep_line() + valid)
    assert result.code == 1
    first, deep, last = result.lines
    assert "result" in first
    assert "result" in last
    assert deep["line"] == 2
    assert deep["id"] == "A"  # the members before the deep one are still read
    assert deep["error"]["type"] == "parse"
    assert deep["error"]["errors"][0]["type"] == "json_invalid"


def test_the_report_excludes_a_deep_line_and_counts_the_others(run: Runner) -> None:
    result = run("report", stdin=COURSE_LINE + deep_line() + COURSE_LINE.replace(b"P1", b"P2"))
    assert result.code == 1
    assert "3 course records read, 2 graded, 1 excluded" in " ".join(result.stdout.split())
    assert 'line 2 (id "A") excluded as invalid (parse)' in result.stderr


@pytest.mark.parametrize(
    "line",
    [
        deep_line(1_500),  # deeper than json.loads reads, less than the interpreter's stack
        b'{"x":' + b"[" * DEEP + b"]" * DEEP + b',"id":"late"}\n',  # the id after: not read
        b'{"x":' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}\n",
        b"[" * DEEP + b"\n",
        b'{"id":"A","x":' + b"[" * DEEP + b"\n",  # deep and unfinished
    ],
)
def test_deep_lines_of_every_shape(run: Runner, line: bytes) -> None:
    result = run("crs", stdin=GOOD + line + GOOD)
    assert result.code == 1
    first, deep, last = result.lines
    assert ("result" in first, "result" in last) == (True, True)
    assert deep["error"]["type"] in {"parse", "validation"}
    assert deep["id"] in {"A", None}


def test_a_multi_megabyte_line_is_one_record(run: Runner) -> None:
    big = {"id": "big", "hypotension": False, "notes": "x" * 5_000_000}
    many = {"id": "many", "vasopressors": ["norepinephrine"] * 300_000}
    stdin = GOOD + json.dumps(big).encode() + b"\n" + json.dumps(many).encode() + b"\n" + GOOD
    result = run("crs", stdin=stdin)
    assert result.code == 1
    first, huge, long_list, last = result.lines
    assert huge["id"] == "big"
    assert huge["error"]["errors"][0]["loc"] == "notes"
    assert long_list["id"] == "many"
    assert [first["result"], last["result"]] == [GOOD_RESULT, GOOD_RESULT]


def test_a_deep_line_through_a_subprocess() -> None:
    completed = tool("crs", stdin=GOOD + deep_line() + GOOD)
    assert completed.returncode == 1
    assert b"Traceback" not in completed.stderr
    assert [json.loads(line)["line"] for line in completed.stdout.splitlines()] == [1, 2, 3]


# --- 1. Internal errors: one record's line, exit code 3 -------------------------------------------


@pytest.mark.usefixtures("probe")
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_unexpected_exception_is_an_internal_error_line_and_exit_3(
    run: Runner, fmt: str
) -> None:
    names = ["ok", "crash", "unwritable", "overflow", "bad", "ok2"]
    if fmt == "jsonl":
        stdin = b"".join(
            b'{"id":"%s","name":"%s"%s}\n'
            % (n.encode(), n.encode(), b',"count":13' if n == "overflow" else b"")
            for n in names
        ).replace(b'"name":"bad"', b'"name":7')
    else:
        stdin = b"id,name,count\n" + b"".join(
            b"%s,%s,%s\n" % (n.encode(), n.encode(), b"13" if n == "overflow" else b"")
            for n in names
        )
    result = run("probe", "-", "--format", fmt, stdin=stdin)
    assert result.code == 3
    lines = result.lines
    assert [line["id"] for line in lines] == names
    kinds = [line["error"]["type"] if "error" in line else "result" for line in lines]
    assert kinds[:4] == ["result", "internal", "internal", "internal"]
    assert kinds[-1] == "result"
    crash, unwritable, overflow = (lines[i]["error"]["errors"] for i in (1, 2, 3))
    assert crash[0]["type"] == "internal"
    assert crash[0]["loc"] == ""
    assert crash[0]["msg"].startswith("RuntimeError: the grader fell over")
    assert "please report it" in crash[0]["msg"]
    assert unwritable[0]["msg"].startswith("PydanticSerializationError")
    assert overflow[0]["msg"].startswith("OverflowError: cannot convert float infinity")


@pytest.mark.usefixtures("probe")
def test_exit_3_is_never_confused_with_1(run: Runner) -> None:
    only_invalid = run("probe", stdin=b'{"name": 1}\n')
    only_internal = run("probe", stdin=b'{"name": "crash"}\n{"name": "ok"}\n')
    assert (only_invalid.code, only_internal.code) == (1, 3)


def test_the_report_counts_an_internal_error_and_exits_3(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def grade(course: Any) -> Any:
        if course.patient_id == "P2":
            raise ZeroDivisionError("division by zero")
        return grade_course(course)

    monkeypatch.setattr(
        commands, "COURSE", Scale("course", "courses", COURSE.model, grade, "patient_id")
    )
    result = run("report", stdin=COURSE_LINE + COURSE_LINE.replace(b"P1", b"P2"))
    assert result.code == 3
    assert (
        'line 2 (id "P2") excluded as invalid (internal): the record as a whole: ' in result.stderr
    )
    assert "ZeroDivisionError: division by zero" in result.stderr


def failing_input(*lines: bytes, error: BaseException) -> Iterator[bytes]:
    yield from lines
    raise error


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (RuntimeError("the reader fell over"), 3, "internal error: RuntimeError: the reader"),
        (OSError(5, "Input/output error"), 2, "Input/output error"),
    ],
)
@pytest.mark.parametrize("command", ["crs", "course"])
def test_a_crash_between_records_keeps_what_was_graded(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: BaseException,
    code: int,
    message: str,
    command: str,
) -> None:
    valid = VALID_LINE[command]
    monkeypatch.setattr(inputs, "_stdin_lines", lambda: failing_input(valid, valid, error=error))
    assert main([command]) == code
    out, err = capsys.readouterr()
    assert [json.loads(line)["line"] for line in raw_lines(out)] == [1, 2]
    assert message in err


# --- 2. A huge finite number is a validation error ------------------------------------------------


def test_a_huge_number_is_a_validation_error_in_json_and_csv(run: Runner) -> None:
    # Depends on the validation layer rejecting 1e308 itself (it overflowed converting it).
    stdin = b'{"id":"h","temperature":{"value":1e308,"unit":"C"}}\n' + GOOD
    result = run("crs", stdin=stdin)
    csv_result = run(
        "crs", "-", "--format", "csv", stdin=b"id,temperature.value,temperature.unit\nh,1e308,C\n"
    )
    for lines in (result.lines, csv_result.lines):
        assert lines[0]["id"] == "h"
        assert lines[0]["error"]["type"] == "validation"
        assert lines[0]["error"]["errors"][0]["loc"].startswith("temperature")
    assert (result.code, csv_result.code) == (1, 1)


# --- 3. Lone surrogates ---------------------------------------------------------------------------


def test_a_lone_surrogate_in_a_string_is_one_error_line_with_the_id_escaped(run: Runner) -> None:
    stdin = GOOD + b'{"id": "R1-\\uda94", "hypotension": false}\n' + GOOD
    result = run("crs", stdin=stdin)
    assert result.code == 1
    first, bad, last = raw_lines(result.stdout)
    assert bad.startswith('{"id":"R1-\\uda94","line":2,"error":{"type":"parse"')
    assert json.loads(bad)["error"]["errors"][0]["type"] == "json_invalid"
    assert json.loads(first)["line"] == 1
    assert json.loads(last)["line"] == 3


@pytest.mark.parametrize(
    "line",
    [
        b'{"\\ud800": 1, "\\ud800": 2}\n',
        b'{"id": "\\udfff"}\n',
        b'{"id": "ok", "vasopressors": ["\\ud83d"]}\n',
        b'{"id": "\\ud83d\\ude00", "hypotension": false}\n',  # a pair is a real character
    ],
)
def test_surrogates_anywhere_give_valid_json_lines(run: Runner, line: bytes) -> None:
    result = run("crs", stdin=line + GOOD)
    first, last = result.lines
    assert last["result"] == GOOD_RESULT
    assert ("result" in first) == (b"\\ude00" in line)


def test_a_lone_surrogate_from_a_text_stream_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": "x\ud800"}\n' + GOOD.decode()))
    assert main(["crs"]) == 1
    bad, good = [json.loads(line) for line in raw_lines(capsys.readouterr().out)]
    assert bad["error"]["errors"][0]["type"] == "json_invalid"
    assert good["result"] == GOOD_RESULT


def test_a_surrogate_encoded_in_a_csv_cell_is_not_utf8(run: Runner) -> None:
    stdin = b"id,hypotension\nR\xed\xaa\x94,true\nok,false\n"
    result = run("crs", "-", "--format", "csv", stdin=stdin)
    bad, good = result.lines
    assert bad == {
        "id": None,
        "line": 2,
        "error": {
            "type": "parse",
            "errors": [{"loc": "", "type": "unicode_decode", "msg": "the row is not valid UTF-8"}],
        },
    }
    assert good["id"] == "ok"


# --- 4. UTF-16 and UTF-32 are recognised ----------------------------------------------------------

ENCODINGS = [
    ("utf-16", "UTF-16 (little-endian, with a byte order mark)", "iconv -f UTF-16 -t UTF-8"),
    ("utf-16-le", "UTF-16 (little-endian, no byte order mark)", "iconv -f UTF-16LE -t UTF-8"),
    ("utf-16-be", "UTF-16 (big-endian, no byte order mark)", "iconv -f UTF-16BE -t UTF-8"),
    ("utf-32", "UTF-32 (little-endian, with a byte order mark)", "iconv -f UTF-32 -t UTF-8"),
    ("utf-32-le", "UTF-32 (little-endian, no byte order mark)", "iconv -f UTF-32LE -t UTF-8"),
    ("utf-32-be", "UTF-32 (big-endian, no byte order mark)", "iconv -f UTF-32BE -t UTF-8"),
]


def encoded(text: str, codec: str) -> bytes:
    return text.encode(codec)


@pytest.mark.parametrize(("codec", "description", "convert"), ENCODINGS)
@pytest.mark.parametrize(
    ("command", "name", "text"),
    [
        ("crs", "records.jsonl", GOOD.decode() * 3),
        ("crs", "records.csv", "id,hypotension\na,true\nb,false\nc,true\n"),
        ("course", "courses.jsonl", COURSE_LINE.decode() * 3),
        ("report", "courses.jsonl", COURSE_LINE.decode() * 3),
    ],
)
def test_utf16_and_utf32_input_is_refused_with_how_to_convert_it(
    run: Runner,
    tmp_path: Path,
    codec: str,
    description: str,
    convert: str,
    command: str,
    name: str,
    text: str,
) -> None:
    path = write(tmp_path, name, encoded(text, codec))
    result = run(command, path)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1
    assert f"the input is {description}, not UTF-8" in result.stderr
    assert f"{convert} {path} > " in result.stderr


@pytest.mark.parametrize("bom", [b"\xfe\xff", b"\x00\x00\xfe\xff"])
def test_big_endian_byte_order_marks(run: Runner, bom: bytes) -> None:
    codec = "utf-16-be" if len(bom) == 2 else "utf-32-be"
    result = run("crs", stdin=bom + GOOD.decode().encode(codec))
    assert (result.code, result.stdout) == (2, "")
    assert "big-endian, with a byte order mark" in result.stderr
    assert "pipe it through iconv -f UTF-" in result.stderr


def test_a_short_utf16_input_is_recognised_too(run: Runner) -> None:
    assert run("crs", stdin="{".encode("utf-16-le")).code == 2
    assert run("crs", stdin="{\n".encode("utf-16-be")).code == 2


# --- 5. Parser positions are the file's -----------------------------------------------------------


@pytest.mark.parametrize("command", ["crs", "course"])
def test_a_json_error_names_the_files_line(run: Runner, command: str) -> None:
    valid = VALID_LINE[command]
    stdin = valid + b'{"id": "x", "hypotension": tru}\n' + valid + b'{"id": "y",\n'
    lines = run(command, stdin=stdin).lines
    assert lines[1]["error"]["errors"][0]["msg"] == (
        "Invalid JSON: expected ident at line 2 column 31"
    )
    assert lines[3]["error"]["errors"][0]["msg"] == (
        "Invalid JSON: EOF while parsing a value at the end of line 4"
    )


def test_positions_on_stderr_in_the_report(run: Runner) -> None:
    result = run("report", stdin=COURSE_LINE + b"{oops}\n")
    assert "at line 2 column 2" in result.stderr


# --- 6. Ctrl-C, a closed standard output, a terminal on standard input ----------------------------


def interrupted_input(*lines: bytes) -> Iterator[bytes]:
    yield from lines
    raise KeyboardInterrupt


def run_interrupted(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *argv: str,
    lines: list[bytes],
) -> Run:
    monkeypatch.setattr(inputs, "_stdin_lines", lambda: interrupted_input(*lines))
    try:
        code = main(list(argv))
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped as a KeyboardInterrupt")
    out, err = capsys.readouterr()
    return Run(code, out, err)


@pytest.mark.parametrize(
    ("argv", "lines"),
    [
        (["crs"], [GOOD] * 3),
        (
            ["crs", "-", "--format", "csv"],
            [b"id,hypotension\n", b"a,true\n", b"b,false\n", b"c,true\n"],
        ),
        (["course"], [COURSE_LINE] * 3),
    ],
)
def test_ctrl_c_writes_what_was_graded_and_exits_130(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    lines: list[bytes],
) -> None:
    result = run_interrupted(monkeypatch, capsys, *argv, lines=lines)
    assert result.code == 130
    assert len(result.lines) == 3
    assert result.stderr == f"astct-grading {argv[0]}: interrupted after 3 records\n"


def test_ctrl_c_during_a_report_writes_no_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_interrupted(monkeypatch, capsys, "report", lines=[COURSE_LINE])
    assert (result.code, result.stdout) == (130, "")
    assert result.stderr == "astct-grading report: interrupted after 1 record\n"


def test_ctrl_c_elsewhere(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupt(report: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "render_text", interrupt)
    try:
        code = main(["demo"])
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped as a KeyboardInterrupt")
    assert code == 130
    assert capsys.readouterr().err == "astct-grading demo: interrupted\n"


def _interruptible() -> None:
    # A job started in the background of a non-interactive shell inherits SIGINT ignored, and
    # Python then installs no KeyboardInterrupt handler: give the tool the default, as a terminal
    # does.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_through_a_subprocess_leaves_whole_lines() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "astct_grading", "crs"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_interruptible,  # noqa: PLW1509 - no threads are started before the fork
    )
    # Never hang the suite: a tool that ignores the interrupt is killed and the test fails.
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    # Enough records for one batch of output (256 KiB); the tool then waits for more input, or
    # for this process to read what it wrote. Either way the interrupt comes mid-run.
    process.stdin.write(GOOD * 600)
    process.stdin.flush()
    first = process.stdout.readline()
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    out = first + process.stdout.read()
    err = process.stderr.read()
    watchdog.cancel()
    assert process.wait(timeout=60) == 130
    process.stdin.close()
    process.stdout.close()
    process.stderr.close()
    assert out.endswith(b"\n")
    lines = out.split(b"\n")[:-1]
    assert [json.loads(line)["line"] for line in lines] == list(range(1, len(lines) + 1))
    assert err == f"astct-grading crs: interrupted after {len(lines)} records\n".encode()


class PartialWriter(io.RawIOBase):
    """A raw stream taking at most 1000 bytes a write, as a pipe does when a signal arrives."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data[:1000])
        self.data += chunk
        return len(chunk)


class PartialStdout(io.TextIOWrapper):
    def __init__(self, raw: PartialWriter) -> None:
        super().__init__(io.BufferedWriter(raw, buffer_size=64))
        self._raw = raw

    @property
    def buffer(self) -> Any:  # writes straight to the raw stream: partial writes show
        return self._raw


def test_a_partial_write_is_completed(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = PartialWriter()
    monkeypatch.setattr(sys, "stdout", PartialStdout(raw))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD * 50)))
    assert main(["crs"]) == 0
    lines = bytes(raw.data).split(b"\n")
    assert lines[-1] == b""
    assert [json.loads(line)["line"] for line in lines[:-1]] == list(range(1, 51))


@pytest.mark.parametrize("argv", [["crs"], ["schema", "crs"], ["demo"], ["report"]])
def test_a_closed_standard_output_is_a_clear_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(COURSE_LINE)))
    monkeypatch.setattr(sys, "stdout", None)
    assert main(argv) == 2
    assert "standard output is closed" in capsys.readouterr().err


def test_a_closed_standard_output_through_a_shell(tmp_path: Path) -> None:
    path = write(tmp_path, "records.jsonl", GOOD)
    completed = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m astct_grading crs "{path}" >&-'],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 2
    assert completed.stderr == (
        b"astct-grading crs: error: standard output is closed, so nothing can be written; "
        b"send it to a file (> FILE) or a pipe\n"
    )


def test_a_full_disk_is_a_clear_usage_error(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    path = write(tmp_path, "records.jsonl", GOOD)
    completed = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m astct_grading crs "{path}" > /dev/full'],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 2
    assert completed.stderr == (
        b"astct-grading crs: error: cannot write to standard output: No space left on device\n"
    )


class TerminalInput(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("command", "noun"), [("crs", "records"), ("course", "courses")])
def test_a_terminal_on_standard_input_gets_one_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str, noun: str
) -> None:
    monkeypatch.setattr(sys, "stdin", TerminalInput(io.BytesIO(VALID_LINE[command])))
    assert main([command]) == 0
    out, err = capsys.readouterr()
    assert err == (
        f"astct-grading {command}: reading {noun} from standard input; end with Ctrl-D; "
        "give a file name to read a file\n"
    )
    assert len(raw_lines(out)) == 1


def test_no_hint_when_standard_input_is_not_a_terminal(run: Runner) -> None:
    assert run("crs", stdin=GOOD).stderr == ""


# --- 7. A key given twice -------------------------------------------------------------------------


def test_a_repeated_key_is_a_validation_error_never_last_one_wins(run: Runner) -> None:
    stdin = (
        b'{"id":"a","hypotension":true,"hypotension":false}\n'
        b'{"id":"b","temperature":{"value":38,"unit":"C","value":39}}\n'
        b'{"id":"c","id":"d","hypotension":false}\n'
        b'{"id":"e","hypotension":"no","hypotension":false,"colour":1}\n'
        b'{"id":"f","vasopressors":[{"agent":"vasopressin","agent":"epinephrine"}]}\n'
        b'{"id":"g","a\\u0062":1,"ab":2}\n'
    )
    result = run("crs", stdin=stdin + GOOD)
    assert result.code == 1
    lines = result.lines
    assert [line["id"] for line in lines] == ["a", "b", None, "e", "f", "g", "a"]
    errors = [line["error"]["errors"] for line in lines[:-1]]
    assert [e[0]["loc"] for e in errors] == [
        "hypotension",
        "temperature.value",
        "id",
        "hypotension",
        "vasopressors.0.agent",
        "ab",
    ]
    assert all(len(e) == 1 and e[0]["type"] == "duplicate_key" for e in errors)
    assert all(line["error"]["type"] == "validation" for line in lines[:-1])
    assert errors[0][0]["msg"] == (
        "the key 'hypotension' is given more than once in the record; each field may be given once"
    )


def test_a_repeated_key_in_a_course_and_in_the_report(run: Runner) -> None:
    twice = COURSE_LINE.replace(b'"hypotension":false', b'"hypotension":false,"hypotension":true')
    patient_twice = COURSE_LINE.replace(
        b'{"patient_id":"P1"', b'{"patient_id":"P1","patient_id":"P9"'
    )
    (line, patient) = run("course", stdin=twice + patient_twice).lines
    assert line["id"] == "P1"
    assert line["error"]["errors"][0]["loc"] == "crs_assessments.0.assessment.hypotension"
    assert line["error"]["errors"][0]["type"] == "duplicate_key"
    assert patient["id"] is None
    assert patient["error"]["errors"][0]["loc"] == "patient_id"
    result = run("report", stdin=twice)
    assert result.code == 1
    assert "crs_assessments.0.assessment.hypotension: the key 'hypotension'" in result.stderr
    assert "[duplicate_key]" in result.stderr


# --- 8. CSV cells: a small, documented vocabulary -------------------------------------------------


@pytest.mark.usefixtures("probe")
def test_csv_boolean_words_are_read_by_the_cli_for_strict_models(run: Runner) -> None:
    stdin = (
        b"id,name,flag,flags\n"
        b"1,a,true,true;FALSE\n"
        b"2,b,TRUE,[]\n"
        b"3,c,false,null\n"
        b"4,d,null,\n"
        b"5,e,yes,\n"
        b"6,f,True,\n"
        b"7,g,1,\n"
        b"8,h,,true;no\n"
    )
    result = run("probe", "-", "--format", "csv", stdin=stdin)
    assert result.code == 1
    lines = result.lines
    results = [line["result"] for line in lines[:4]]
    assert [(r["flag"], r["flags"]) for r in results] == [
        (True, [True, False]),
        (True, []),
        (False, None),
        (None, None),
    ]
    # Any other word is never guessed: the model rejects it, naming the field.
    assert [line["error"]["errors"][0]["loc"] for line in lines[4:]] == [
        "flag",
        "flag",
        "flag",
        "flags.1",
    ]
    assert {line["error"]["errors"][0]["type"] for line in lines[4:]} == {"bool_type"}


@pytest.mark.usefixtures("probe")
def test_csv_text_columns_are_never_converted(run: Runner) -> None:
    (line,) = run("probe", "-", "--format", "csv", stdin=b"name,label\nTRUE,false\n").lines
    assert (line["result"]["name"], line["result"]["label"]) == ("TRUE", "false")


@pytest.mark.usefixtures("probe")
def test_csv_number_cells_are_read_as_numbers_by_the_cli(run: Runner) -> None:
    stdin = (
        b"id,name,amount,amounts,mixed,code\n"
        b"1,a,38.5,1;-2;30,TRUE,007\n"
        b"2,b,-1,[],12,x\n"
        b"3,c,1e3,,,\n"
        b"4,d,0,,false,\n"
    )
    result = run("probe", "-", "--format", "csv", stdin=stdin)
    assert result.code == 0, result.stdout
    rows = [line["result"] for line in result.lines]
    assert [(r["amount"], r["amounts"], r["mixed"], r["code"]) for r in rows] == [
        (38.5, [1, -2, 30], True, "007"),  # a column that may hold text keeps its text
        (-1.0, [], 12, "x"),
        (1000.0, None, None, None),
        (0.0, None, False, None),
    ]


@pytest.mark.usefixtures("probe")
@pytest.mark.parametrize("cell", ["3_8", " 38.5", "nan", "inf", "+1", "01", "1.", ".5", "0x10"])
def test_csv_cells_that_are_not_plain_numbers_are_never_read_as_numbers(
    run: Runner, cell: str
) -> None:
    stdin = f"name,amount\na,{cell}\n".encode()
    (line,) = run("probe", "-", "--format", "csv", stdin=stdin).lines
    assert line["error"]["errors"][0]["loc"] == "amount"
    assert line["error"]["errors"][0]["type"] == "float_type"  # the text, as written


@pytest.mark.parametrize(
    ("cell", "type_"),
    [("3_8", "number_format"), ("nan", "number_format"), ("1e400", "finite_number")],
)
def test_csv_numbers_the_models_refuse_name_the_field(run: Runner, cell: str, type_: str) -> None:
    stdin = f"id,temperature.value,temperature.unit\na,{cell},C\n".encode()
    (line,) = run("crs", "-", "--format", "csv", stdin=stdin).lines
    assert line["error"]["errors"][0]["loc"] == "temperature.value"
    assert line["error"]["errors"][0]["type"] == type_


def test_csv_a_number_past_pythons_digit_limit(run: Runner) -> None:
    stdin = b"id,age_years,ice.total\na," + b"9" * 5000 + b",6\n"
    (line,) = run("icans", "-", "--format", "csv", stdin=stdin).lines
    assert [(e["loc"], e["type"]) for e in line["error"]["errors"]] == [
        ("age_years", "finite_number")
    ]


def test_csv_true_in_capitals_grades_as_true(run: Runner) -> None:
    stdin = b"id,temperature.value,temperature.unit,hypotension,vasopressors\na,38.5,C,TRUE,[]\n"
    (line,) = run("crs", "-", "--format", "csv", stdin=stdin).lines
    expected = grade_crs(
        {"temperature": {"value": 38.5, "unit": "C"}, "hypotension": True, "vasopressors": []}
    )
    assert line["result"] == json.loads(expected.to_json())


@pytest.mark.parametrize("cell", ["yes", "no", "True", "1", "0", "t", "on", " true"])
def test_csv_other_boolean_words_are_errors_naming_the_field(run: Runner, cell: str) -> None:
    # Depends on the input models taking strict booleans (a string is never a boolean).
    stdin = f"id,hypotension\na,{cell}\n".encode()
    (line,) = run("crs", "-", "--format", "csv", stdin=stdin).lines
    assert line["error"]["type"] == "validation"
    assert line["error"]["errors"][0]["loc"] == "hypotension"


def test_csv_column_kinds_come_from_the_model() -> None:
    crs = SCALES["crs"].csv_columns
    assert crs["hypotension"].is_boolean
    assert not crs["temperature.value"].is_boolean
    assert crs["temperature.value"].is_numeric
    assert not crs["hypotension"].is_numeric
    assert not crs["temperature.unit"].is_numeric
    assert crs["temperature.value"].kinds == ("number",)
    assert crs["vasopressors"].type == "list of text"
    assert crs["vasopressors"].values == tuple(agent.value for agent in VasopressorAgent)
    sledai = SCALES["sledai"].csv_columns
    assert (sledai["window_days"].type, sledai["window_days"].values) == ("integer", ("10", "30"))
    assert sledai["visit_date"].type == "date"
    assert SCALES["icans"].csv_columns["ice.total"].type == "integer"


# --- 9. schema --columns --------------------------------------------------------------------------


def column_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in raw_lines(text):
        name, rest = line.split(None, 1)
        rows[name] = [part.strip() for part in rest.split("  ") if part.strip()]
    return rows


@pytest.mark.parametrize("name", sorted(SCALES))
def test_schema_columns_lists_every_csv_column_with_its_type(run: Runner, name: str) -> None:
    result = run("schema", "--columns", name)
    assert result.code == 0
    rows = column_rows(result.stdout)
    assert list(rows) == ["id", *SCALES[name].columns]
    for path, column in SCALES[name].csv_columns.items():
        assert rows[path][0] == column.type
    # The columns are aligned: every type starts in the same place.
    starts = {len(line) - len(line.split(None, 1)[1]) for line in raw_lines(result.stdout)}
    assert len(starts) == 1


def test_schema_columns_shows_the_allowed_values(run: Runner) -> None:
    crs = column_rows(run("schema", "--columns", "crs").stdout)
    assert crs["temperature.unit"] == ["text", "C, F"]
    assert crs["oxygen.device"] == ["text", ", ".join(device.value for device in OxygenDevice)]
    assert crs["hypotension"] == ["boolean", "true, false (or TRUE, FALSE)"]
    assert crs["temperature.value"] == ["number"]
    assert crs["vasopressors"][0] == "list of text"
    icans = column_rows(run("schema", "--columns", "icans").stdout)
    assert icans["icp"] == ["list of text", ", ".join(finding.value for finding in IcpFinding)]
    sledai = column_rows(run("schema", "--columns", "sledai").stdout)
    assert sledai["window_days"] == ["integer", "10, 30"]


def test_schema_columns_of_a_course_is_refused(run: Runner) -> None:
    result = run("schema", "--columns", "course")
    assert (result.code, result.stdout) == (2, "")
    assert "course has no CSV columns" in result.stderr


@pytest.mark.usefixtures("probe")
def test_schema_columns_of_a_model_without_a_scale(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(SCALES, "probe")
    result = run("schema", "--columns", "probe")
    assert (result.code, result.stderr) == (
        2,
        "astct-grading schema: error: probe has no CSV columns\n",
    )


def test_schema_model_is_unchanged(run: Runner) -> None:
    assert json.loads(run("schema", "crs").stdout) == SCALES["crs"].model.model_json_schema()


# --- 10. Messages a user can act on ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        b'[\n  {"id": "a", "hypotension": false}\n]\n',
        b'[{"id": "a", "hypotension": false},\n {"id": "b"}]\n',
        b'\n  \n[ {"id": "a"},\n]\n',
    ],
)
@pytest.mark.parametrize("command", ["crs", "course", "report"])
def test_a_json_array_is_refused_with_how_to_make_json_lines(
    run: Runner, tmp_path: Path, text: bytes, command: str
) -> None:
    result = run(command, write(tmp_path, "records.jsonl", text))
    assert (result.code, result.stdout) == (2, "")
    assert "this looks like a JSON array; give one JSON object per line (JSON Lines)" in (
        result.stderr
    )
    assert "jq -c '.[]'" in result.stderr


@pytest.mark.parametrize("line", [b"[1, 2]", b'[{"id": "a", "hypotension": false}]', b"[]"])
def test_a_line_holding_a_whole_array_is_one_invalid_record(run: Runner, line: bytes) -> None:
    # Closed on its line, an array is one record (lines in = lines out); its error says what
    # JSON Lines wants.
    result = run("crs", "-", "--format", "jsonl", stdin=line + b"\n" + GOOD)
    assert result.code == 1
    (error,) = result.lines[0]["error"]["errors"]
    assert error["type"] == "model_type"
    assert error["msg"] == (
        "Input should be an object: this line is a JSON array; JSON Lines holds one JSON object "
        "per line (e.g. jq -c '.[]' records.json > records.jsonl)"
    )
    assert result.lines[1]["result"] == GOOD_RESULT


@pytest.mark.parametrize(
    ("header", "delimiter"), [(b"id;hypotension\n", "semicolon (;)"), (b"id\thypotension\n", "tab")]
)
def test_a_csv_with_another_delimiter_is_refused(
    run: Runner, header: bytes, delimiter: str
) -> None:
    result = run("crs", "-", "--format", "csv", stdin=header + b"a;true\n")
    assert (result.code, result.stdout) == (2, "")
    assert f"the delimiter must be a comma (,), not a {delimiter}" in result.stderr


@pytest.mark.parametrize(
    "header", [b"id,hypotension", b'"id","temperature.value"', b"hypotension", b"oxygen.device,id"]
)
def test_csv_on_standard_input_without_format_is_refused(run: Runner, header: bytes) -> None:
    result = run("crs", stdin=header + b"\na,true\n")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "astct-grading crs: error: standard input is read as JSON Lines (one JSON object per "
        "line), but its first line is a CSV header; give --format csv\n"
    )
    assert run("crs", "-", "--format", "csv", stdin=b"id,hypotension\na,true\n").code == 0


@pytest.mark.parametrize("first", [b"not json", b"id,colour", b"hypotension,", b"{oops"])
def test_a_first_line_that_is_no_csv_header_is_a_record(run: Runner, first: bytes) -> None:
    result = run("crs", stdin=first + b"\n" + GOOD)
    assert result.code == 1
    assert [line["line"] for line in result.lines] == [1, 2]
    assert result.lines[0]["error"]["errors"][0]["type"] == "json_invalid"


def test_a_misspelt_field_gets_the_nearest_known_name(run: Runner) -> None:
    stdin = (
        b'{"id": 1, "temprature": {"value": 38, "unit": "C"}}\n'
        b'{"id": 2, "oxygen": {"devise": "room_air"}}\n'
        b'{"id": 3, "colour": "red"}\n'
        b'{"id": 4, "vasopressors": [{"agnet": "vasopressin"}]}\n'
        b'{"ID": 5}\n'
    )
    lines = run("crs", stdin=stdin).lines
    messages = [
        next(e["msg"] for e in line["error"]["errors"] if e["type"] == "extra_forbidden")
        for line in lines
    ]
    assert messages == [
        "Extra inputs are not permitted; did you mean 'temperature'?",
        "Extra inputs are not permitted; did you mean 'device'?",
        "Extra inputs are not permitted",
        "Extra inputs are not permitted; did you mean 'agent'?",
        "Extra inputs are not permitted; did you mean 'id'?",
    ]


def test_a_misspelt_field_in_a_course(run: Runner) -> None:
    line = COURSE_LINE.replace(b'"hypotension"', b'"hypotenson"').replace(
        b'"infusion_at"', b'"infusion_time"'
    )
    (out,) = run("course", stdin=line).lines
    messages = {e["loc"]: e["msg"] for e in out["error"]["errors"]}
    assert messages["infusion_time"].endswith("; did you mean 'infusion_at'?")
    assert messages["crs_assessments.0.assessment.hypotenson"].endswith(
        "; did you mean 'hypotension'?"
    )


def test_a_misspelt_csv_column_gets_the_nearest_known_name(run: Runner) -> None:
    result = run("crs", "-", "--format", "csv", stdin=b"id,hypotenson\na,true\n")
    assert result.code == 2
    assert "unknown CSV column 'hypotenson' for crs; did you mean 'hypotension'?" in result.stderr
    assert "astct-grading schema --columns crs describes them" in result.stderr


@pytest.mark.parametrize("command", ["crs", "course", "report"])
def test_a_missing_file_and_a_directory_name_the_likely_cause(
    run: Runner, tmp_path: Path, command: str
) -> None:
    missing = run(command, str(tmp_path / "absent.jsonl"))
    assert missing.code == 2
    assert "(no such file: check the name, and the current directory" in missing.stderr
    for folder in (tmp_path / "folder.jsonl", tmp_path / "folder"):
        folder.mkdir()
        result = run(command, str(folder))
        assert result.code == 2
        assert result.stderr.lower().endswith("is a directory; give a file\n")


# --- Exit codes are documented wherever they are listed -------------------------------------------


@pytest.mark.parametrize("command", ["crs", "icans", "sledai", "course", "report"])
def test_every_help_lists_exit_codes_3_and_130(run: Runner, command: str) -> None:
    text = " ".join(run(command, "--help").stdout.split())
    assert "3 an internal error on some" in text
    assert "please report it" in text
    assert "130 interrupted by Ctrl-C" in text


def test_the_docstring_of_main_lists_every_exit_code() -> None:
    text = " ".join((main.__doc__ or "").split())
    for code in ("0 when", "1 when", "2 for", "3 when", "130 when"):
        assert code in text


# --- The corners of the code above ----------------------------------------------------------------


class Corners(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    when: datetime.datetime | None = None
    day: datetime.date | None = None
    table: dict[str, int] | None = None
    nothing: None = None
    level: Literal[1, 2] | None = None


def test_column_kinds_of_every_annotation() -> None:
    columns = Scale("corners", "corners", Corners, grade_probe).csv_columns
    assert {path: column.type for path, column in columns.items()} == {
        "name": "text",
        "when": "date and time",
        "day": "date",
        "table": "text",
        "nothing": "text",
        "level": "integer",
    }
    assert columns["level"].values == ("1", "2")


def test_no_suggestion_without_a_key() -> None:
    assert scales._did_you_mean(Probe, ()) == ""
    assert scales._did_you_mean(Probe, ("flags", 0)) == ""


@pytest.mark.parametrize(
    ("raw", "members"),
    [
        (b' { "id" : "A" , "x" : ' + b"[" * DEEP, {"id": "A"}),
        (b'{"id": "A" "x": 1}', {"id": "A"}),
        (b'{"id" "A"}', {}),
        (b'{"id": "A"}', {"id": "A"}),
        (b"[1]", {}),
        (b"", {}),
        (b'{"\xff": 1}', {}),
        (b"{1: 2}", {}),
    ],
)
def test_the_members_before_a_deep_one(raw: bytes, members: dict[str, object]) -> None:
    assert jsonl._leading_members(raw) == members


def test_an_id_that_cannot_be_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unprintable(int):
        def __str__(self) -> str:
            raise ValueError("no")

    data, failure = output._unwritable(Unprintable(3), 4, RuntimeError("x"))
    assert json.loads(data)["id"] is None
    assert failure.kind == "internal"

    def broken(raw: bytes, fallback: str | None) -> object:
        raise RuntimeError("cannot even read the id")

    monkeypatch.setattr(jsonl, "_echoed_id", broken)
    assert jsonl._safe_id(b"{}", None) is None


@pytest.mark.usefixtures("probe")
def test_an_internal_error_message_holding_a_lone_surrogate(run: Runner) -> None:
    def grade(probe: Probe) -> WritesItself:
        raise RuntimeError("bad \ud800 text")

    SCALES["probe"] = Scale("probe", "grade probes", Probe, grade)
    result = run("probe", "-", "--format", "csv", stdin=b"name\nx\n")
    assert result.code == 3
    (line,) = raw_lines(result.stdout)
    assert "RuntimeError: bad \\ud800 text" in line
    assert json.loads(line)["error"]["type"] == "internal"


@pytest.mark.usefixtures("probe")
def test_an_internal_error_in_a_csv_without_an_id_column(run: Runner) -> None:
    result = run("probe", "-", "--format", "csv", stdin=b"name\ncrash\n")
    assert result.code == 3
    assert result.lines[0]["id"] is None


def test_many_blank_lines_then_csv_on_standard_input_are_records(run: Runner) -> None:
    result = run("crs", stdin=b"\n" * 70 + b"id,hypotension\n")
    assert result.code == 1
    assert len(result.lines) == 71


def test_a_file_that_cannot_be_opened(run: Runner, tmp_path: Path) -> None:
    result = run("crs", str(tmp_path / ("x" * 300 + ".jsonl")))
    assert result.code == 2
    assert "File name too long" in result.stderr


class FullBuffer(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("argv", [["crs"], ["schema", "crs"]])
def test_a_full_standard_output_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD * 3)))
    monkeypatch.setattr(output, "_BATCH_BYTES", 10)  # the first line fails, not the last flush
    stdout = io.TextIOWrapper(io.BufferedWriter(FullBuffer(), buffer_size=16))
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(argv) == 2
    assert capsys.readouterr().err.endswith(
        "error: cannot write to standard output: No space left on device\n"
    )
    monkeypatch.undo()
    with contextlib.suppress(OSError):  # what the full buffer still holds cannot be written
        stdout.close()


class InterruptingBuffer(io.RawIOBase):
    """Raw stdout receiving a Ctrl-C in the middle of each write, as a terminal would send it."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        half = len(data) // 2 or len(data)
        self.data += bytes(data[:half])
        signal.raise_signal(signal.SIGINT)
        return half


def test_ctrl_c_during_a_write_waits_for_the_whole_batch(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = InterruptingBuffer()
    monkeypatch.setattr(sys, "stdout", PartialStdout(raw))  # type: ignore[arg-type]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD * 5)))
    try:
        code = main(["crs"])
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped as a KeyboardInterrupt")
    assert code == 130
    assert bytes(raw.data).endswith(b"\n")
    lines = bytes(raw.data).split(b"\n")[:-1]
    assert capsys.readouterr().err == f"astct-grading crs: interrupted after {len(lines)} records\n"


def test_a_held_ctrl_c_respects_an_ignored_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = InterruptingBuffer()
    monkeypatch.setattr(sys, "stdout", PartialStdout(raw))  # type: ignore[arg-type]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD * 5)))
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert main(["crs"]) == 0
    finally:
        signal.signal(signal.SIGINT, previous)
    assert bytes(raw.data).count(b"\n") == 5


def test_output_from_a_thread_and_under_a_foreign_handler(
    monkeypatch: pytest.MonkeyPatch, run: Runner
) -> None:
    results: list[Run] = []
    thread = threading.Thread(target=lambda: results.append(run("crs", stdin=GOOD * 2)))
    thread.start()
    thread.join()
    assert results[0].code == 0
    assert len(results[0].lines) == 2
    monkeypatch.setattr(signal, "getsignal", lambda signum: None)
    assert len(run("crs", stdin=GOOD * 2).lines) == 2


def test_a_crash_with_no_standard_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    error = RuntimeError("the reader fell over")
    monkeypatch.setattr(inputs, "_stdin_lines", lambda: failing_input(GOOD, error=error))
    monkeypatch.setattr(sys, "stderr", None)
    assert main(["crs"]) == 3
    assert len(raw_lines(capsys.readouterr().out)) == 1


def test_a_carriage_return_in_an_unquoted_cell_ends_that_record_only(run: Runner) -> None:
    # Found by the fuzz run: unquoted, a lone CR is a CSV error (RFC 4180 wants it quoted); the
    # rest of the physical line goes with that record, and reading goes on at the next line.
    stdin = b'id,hypotension\nr1,tr\rue,"open\nr2,true\n"r3\r",false\n'
    lines = run("crs", "-", "--format", "csv", stdin=stdin).lines
    assert [(line["id"], line["line"]) for line in lines] == [(None, 2), ("r2", 3), ("r3\r", 4)]
    assert lines[0]["error"]["errors"][0]["type"] == "csv"
    assert lines[1]["result"]["findings"][1]["present"] is True


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # D3: vasopressor_count is 0-6 or "multiple"; a plain number in its cell is that number.
        ("2", (3, 4)),
        ("1", (3, 3)),
        ("0", (2, 2)),
        ("multiple", (3, 4)),
    ],
)
def test_csv_vasopressor_count_reads_numbers_and_its_word(
    run: Runner, cell: str, expected: tuple[int, int]
) -> None:
    stdin = f"fever,hypotension,vasopressor_count,oxygen.device\ntrue,true,{cell},room_air\n"
    (line,) = run("crs", "-", "--format", "csv", stdin=stdin.encode()).lines
    assert (line["result"]["grade_min"], line["result"]["grade_max"]) == expected


@pytest.mark.parametrize(
    ("cell", "error"),
    [("7", "vasopressor_count"), ("2.0", "vasopressor_count"), ("Multiple", "vasopressor_count")],
)
def test_csv_vasopressor_count_refuses_other_cells_naming_the_field(
    run: Runner, cell: str, error: str
) -> None:
    stdin = f"hypotension,vasopressor_count\ntrue,{cell}\n"
    (line,) = run("crs", "-", "--format", "csv", stdin=stdin.encode()).lines
    first = line["error"]["errors"][0]
    assert (first["loc"], first["type"]) == ("vasopressor_count", error)
