"""A record that makes the code fail is an ``internal`` error line, and the exit code is 3, never 1.

The probe scale (tests/cli/harness.py) fails every way one record can: an exception while
grading, a result that cannot be written, an ``OverflowError`` from a validator. Each is that
record's ``internal`` line naming the exception (``please report it``), the other records are
graded as usual, and 1 stays the code of invalid records; ``report`` names the record and exits 3.
A crash between records (3, or 2 for an I/O error), even with no standard error, still writes out
what was graded; an id or a message that cannot be written as is still gives a valid line.
docs/cli.md, "Output" (``error.type`` ``internal``) and "Exit codes"; docs/errors.md, "In batch
work: error lines of the command line".
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from astct_grading.cli import COURSE, SCALES, Scale, commands, inputs, jsonl, main, output
from astct_grading.course import grade_course
from tests.cli.harness import COURSE_LINE, GOOD, VALID_LINE, Probe, Runner, WritesItself, raw_lines


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


def test_a_crash_with_no_standard_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    error = RuntimeError("the reader fell over")
    monkeypatch.setattr(inputs, "_stdin_lines", lambda: failing_input(GOOD, error=error))
    monkeypatch.setattr(sys, "stderr", None)
    assert main(["crs"]) == 3
    assert len(raw_lines(capsys.readouterr().out)) == 1
