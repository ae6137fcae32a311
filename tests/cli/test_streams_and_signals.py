"""Whatever was graded is written out, ending on a whole line, however the run stops.

Ctrl-C (while reading, in the middle of a write, in a subprocess, while a report is built) writes
out what was graded, says how many records on standard error and exits 130; ``report`` then writes
no report, and an ignored SIGINT stays ignored. A partial write is completed; a closed or full
standard output is a usage error (exit code 2) that says so; output works from a thread and under
a foreign signal handler. A terminal on standard input gets one hint on standard error, and
nothing else does. docs/cli.md, "Streaming" and "Exit codes".
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from astct_grading.cli import commands, inputs, main, output
from tests.cli.harness import COURSE_LINE, GOOD, VALID_LINE, Run, Runner, raw_lines, write


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
