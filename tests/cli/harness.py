"""Running the command line, for the CLI tests, and what they give it.

``run`` calls ``cli.main`` in process with bytes on standard input; ``tool`` runs
``python -m astct_grading`` in a subprocess; ``GOOD``, ``COURSE_LINE`` and
``VALID_LINE`` are valid records; the probe scale (``Probe``, graded by ``grade_probe``, plugged in
by the ``probe`` fixture) fails every way one record can make the code fail.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Strict, TypeAdapter, field_validator

from astct_grading import grade_crs
from astct_grading.cli import SCALES, Scale, main, scales


@dataclass
class Run:
    """What one run of the command printed, and its exit code."""

    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[dict[str, Any]]:
        assert self.stdout == "" or self.stdout.endswith("\n")
        return [json.loads(line) for line in self.stdout.split("\n")[:-1]]


Runner = Callable[..., Run]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    """``cli.main`` in process, with the given bytes on standard input."""

    def runner(*argv: str, stdin: bytes = b"") -> Run:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return runner


# Valid records of each subcommand, and input files.

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


def tool(
    *args: str, stdin: bytes = b"", cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m astct_grading ARGS`` in a subprocess, ``stdin`` on its standard input."""
    return subprocess.run(
        [sys.executable, "-m", "astct_grading", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        check=False,
        timeout=120,
    )


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def raw_lines(stdout: str) -> list[str]:
    assert stdout == "" or stdout.endswith("\n")
    return stdout.split("\n")[:-1]


# The probe scale: every way one record can make the code fail.


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
