"""Fuzz the command-line tool: every input line gets exactly one well-formed output line.

Each target (a subcommand and an input format: ``crs-jsonl``, ``crs-csv``, ``icans-jsonl``,
``icans-csv``, ``sledai-jsonl``, ``sledai-csv``, ``course-jsonl``) is fed a file of fuzzed
records, written to a temporary directory and graded by ``python -m astct_grading`` in a
subprocess: valid records, valid records mutated (keys dropped, misspelt, repeated; values of the
wrong type, huge, not finite), records built column by column from the model's CSV columns with
any value, random JSON of any shape, depth and size (up to 100,000 levels and megabytes), broken
UTF-8, lone surrogates, truncated lines, and for CSV random rows, rows of the wrong length,
quoting errors and quoted cells holding newlines. The first record of every file is valid (a
first line that is not would be refused as a whole, as a JSON array or UTF-16 input is).

The checks, for every target:

* no traceback on standard error;
* as many output lines as input records, numbered as the input's lines, each valid JSON with
  either a ``result`` or an ``error``;
* exit code 0 or 1: never 3 (an internal error is a bug: its records are printed).

Usage::

    .venv/bin/python scripts/fuzz_cli.py [--lines N] [--seed S] [--targets crs-jsonl,...]

It prints one line of figures per target (lines, seconds, lines/s, exit code, error types) and
exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from astct_grading.cli import SCALES, CsvColumn

#: Every target: (subcommand, input format).
TARGETS: dict[str, tuple[str, str]] = {
    **{
        f"{name}-{fmt}": (name, fmt)
        for name in ("crs", "icans", "sledai")
        for fmt in ("jsonl", "csv")
    },
    "course-jsonl": ("course", "jsonl"),
}

FEVER = {
    "temperature": {"value": 38.6, "unit": "C"},
    "hypotension": False,
    "oxygen": {"device": "room_air"},
}
#: Valid records of each subcommand, the seeds of most fuzzed records.
VALID: dict[str, list[dict[str, Any]]] = {
    "crs": [
        {"temperature": {"value": 38.4, "unit": "C"}, "hypotension": False},
        {"hypotension": True, "vasopressors": ["vasopressin", "epinephrine"]},
        {"temperature": {"value": 101.2, "unit": "F"}, "oxygen": {"device": "bipap"}},
        {
            "temperature": {"value": 39.1, "unit": "C"},
            "hypotension": True,
            "vasopressors": ["norepinephrine"],
            "oxygen": {"device": "nasal_cannula", "flow_l_min": 4},
            "age_years": 61,
        },
        {
            "fever": True,
            "fever_waiver": True,
            "hypotension": False,
            "oxygen": {"device": "room_air"},
        },
    ],
    "icans": [
        {
            "age_years": 54.2,
            "ice": {"total": 5},
            "consciousness": "awakens_to_voice",
            "seizure": False,
        },
        {"age_years": 8.5, "capd": {"total": 12}, "seizure": True, "seizure_duration_min": 6},
        {"ice": {"orientation_year": 1, "orientation_month": 0}, "icp": ["focal_oedema"]},
        {
            "ice": {"total": 10},
            "consciousness": "alert",
            "motor": "none",
            "icp": [],
            "tremor": True,
        },
    ],
    "sledai": [
        {"visit_date": "2024-03-01", "seizure": True, "rash": True},
        {"c3": {"value": 0.7, "lower_limit": 0.9, "unit": "g/L"}, "low_complement": True},
        {"window_days": 30, "platelets_10e9_l": 85, "thrombocytopenia_other_cause": None},
        {
            "anti_dsdna": {"value": 45, "upper_limit": 30},
            "arthritis_joint_count": 3,
            "alopecia": False,
        },
    ],
    "course": [
        {
            "patient_id": "P1",
            "infusion_at": "2024-03-04T10:00:00+01:00",
            "crs_assessments": [{"at": "2024-03-05T09:00:00+01:00", "assessment": FEVER}],
        },
        {
            "patient_id": "P2",
            "product": "CD19",
            "infusion_at": "2024-03-04T10:00:00+00:00",
            "crs_assessments": [
                {"at": "2024-03-05T09:00:00+00:00", "assessment": FEVER},
                {"at": "2024-03-06T09:00:00+00:00", "assessment": {**FEVER, "hypotension": True}},
            ],
            "icans_assessments": [
                {"at": "2024-03-07T09:00:00+00:00", "assessment": {"ice": {"total": 7}}}
            ],
            "treatments": [{"therapy": "tocilizumab", "at": "2024-03-05T10:00:00+00:00"}],
        },
        {"patient_id": "P3", "infusion_at": "2024-03-04T10:00:00Z"},
    ],
}

WORDS = [
    "C",
    "F",
    "true",
    "false",
    "TRUE",
    "null",
    "",
    " ",
    "yes",
    "nan",
    "inf",
    "-0",
    "1e308",
    "-1e308",
    "1e400",
    "3_8",
    " 38.5",
    "38,5",
    "0x10",
    "é",
    "\u2028",
    "😀",
    "[]",
    "room_air",
    "norepinephrine",
    "alert",
    "2024-02-30",
    "2024-03-01",
    "10",
    "30",
    "-1",
    "9" * 40,
]
KEYS = [
    "id",
    "temperature",
    "value",
    "unit",
    "hypotension",
    "oxygen",
    "device",
    "ice",
    "total",
    "capd",
    "c3",
    "patient_id",
    "crs_assessments",
    "at",
    "assessment",
    "x",
    "",
    "é",
    "\\u0069d",
]


class Fuzzer:
    """Fuzzed records for one subcommand, from one seeded random generator."""

    def __init__(self, name: str, seed: int) -> None:
        self.name = name
        self.rng = random.Random(f"{name}-{seed}")
        self.valid = VALID[name]
        self.columns: dict[str, CsvColumn] = (
            dict(SCALES[name].csv_columns) if name in SCALES else {}
        )

    # --- values ---------------------------------------------------------------------------------

    def scalar(self) -> Any:
        """A random JSON scalar: words a cell may hold, numbers of any size, text, null."""
        rng = self.rng
        kind = rng.randrange(7)
        if kind == 0:
            return rng.choice(WORDS)
        if kind == 1:
            return rng.randint(-(10**6), 10**6)
        if kind == 2:
            return rng.uniform(-1e3, 1e3)
        if kind == 3:
            return rng.choice([1e308, -1e308, 5e-324, 0.0, -0.0, 2**63, -(2**64)])
        if kind == 4:
            return rng.random() < 0.5
        if kind == 5:
            return None
        return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(0, 12)))

    def any_json(self, depth: int = 0) -> Any:
        """Random JSON of any shape (values are bounded in depth here; deep lines come apart)."""
        rng = self.rng
        roll = rng.random()
        if depth > 6 or roll < 0.5:
            return self.scalar()
        if roll < 0.75:
            return [self.any_json(depth + 1) for _ in range(rng.randint(0, 4))]
        return {rng.choice(KEYS): self.any_json(depth + 1) for _ in range(rng.randint(0, 5))}

    def column_value(self, column: CsvColumn) -> Any:
        """A value for a CSV column: mostly of its kind (an allowed value), else anything."""
        rng = self.rng
        if rng.random() < 0.2:
            return self.scalar()
        if column.values:
            item: Any = rng.choice(column.values)
            if "integer" in column.kinds and item.lstrip("-").isdigit():
                item = int(item)  # an allowed value of an integer column (else a word: "multiple")
        elif "boolean" in column.kinds:
            item = rng.random() < 0.5
        elif "integer" in column.kinds:
            item = rng.randint(-2, 70)
        elif "number" in column.kinds:
            item = round(rng.uniform(-5, 120), rng.randint(0, 3))
        elif "date" in column.kinds:
            item = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 31):02d}"
        else:
            item = rng.choice(WORDS)
        if column.is_list:
            return [item] * rng.randint(0, 3)
        return item

    # --- records as objects ----------------------------------------------------------------------

    def from_columns(self) -> dict[str, Any]:
        """A record built from the model's columns, each given or not, with any value."""
        record: dict[str, Any] = {}
        for path, column in self.columns.items():
            if self.rng.random() < 0.3:
                target = record
                *parents, last = path.split(".")
                for part in parents:
                    target = target.setdefault(part, {})
                target[last] = self.column_value(column)
        return record

    def mutated(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` with one to three keys dropped, misspelt, added or given another value."""
        rng = self.rng
        record = json.loads(json.dumps(record))
        for _ in range(rng.randint(1, 3)):
            target = record
            while True:  # a random object inside the record
                pool = [v for v in target.values() if isinstance(v, dict)] + [
                    item
                    for v in target.values()
                    if isinstance(v, list)
                    for item in v
                    if isinstance(item, dict)
                ]
                if not pool or rng.random() < 0.5:
                    break
                target = rng.choice(pool)
            keys = list(target)
            action = rng.randrange(4)
            if action == 0 and keys:
                del target[rng.choice(keys)]
            elif action == 1 and keys:
                key = rng.choice(keys)
                typo = key[:-1] if len(key) > 3 else key + "s"
                target[typo] = target.pop(key)
            elif action == 2 and keys:
                target[rng.choice(keys)] = self.any_json(4)
            else:
                target[rng.choice(KEYS)] = self.scalar()
        return record

    def record(self) -> dict[str, Any]:
        """A record: valid, a valid one mutated, or one built from the columns; often an id."""
        roll = self.rng.random()
        if roll < 0.35 or (not self.columns and roll < 0.5):
            record = dict(self.rng.choice(self.valid))
        elif roll < 0.75:
            record = self.mutated(self.rng.choice(self.valid))
        else:
            record = self.from_columns()
        if self.rng.random() < 0.7:
            record["id"] = self.rng.choice(
                [self.rng.randint(0, 10**9), f"R{self.rng.randint(0, 9999)}"]
            )
        return record

    # --- JSON Lines ------------------------------------------------------------------------------

    def json_line(self) -> bytes:
        """One line of JSON Lines, without its newline (any bytes but the newline)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.8:
            data = json.dumps(self.record(), ensure_ascii=rng.random() < 0.5).encode(
                "utf-8", "surrogatepass"
            )
        elif roll < 0.9:
            data = json.dumps(self.any_json()).encode()
        else:
            data = self.broken_json()
        return data.replace(b"\n", b" ")

    def broken_json(self) -> bytes:
        """A line that is not a valid record in one of a dozen ways (deep, cut, not UTF-8...)."""
        rng = self.rng
        base = json.dumps(self.record()).encode()
        kind = rng.randrange(12)
        # The largest lines are rare, so that a million lines stay a few hundred megabytes.
        if kind == 0:  # deep nesting, up to 100,000 levels
            depth = 100_000 if rng.random() < 0.0025 else rng.choice([50, 300, 1_100, 5_000])
            return b'{"id":"deep","x":' + b"[" * depth + b"]" * depth * rng.randint(0, 1) + b"}"
        if kind == 1:  # cut anywhere
            return base[: rng.randrange(len(base) + 1)]
        if kind == 2:  # bytes that are not UTF-8
            at = rng.randrange(len(base) + 1)
            return (
                base[:at]
                + bytes(rng.choice([0xFF, 0xC3, 0xED, 0x80, 0xF4])) * rng.randint(1, 3)
                + base[at:]
            )
        if kind == 3:  # a lone surrogate escape in a key or a value
            escape = rng.choice([b"\\ud800", b"\\udfff", b"\\uda94"])
            return base.replace(b'"', b'"' + escape, rng.randint(1, 2))
        if kind == 4:  # a key given twice
            return base.replace(
                b"{", b'{"hypotension":true,' if rng.random() < 0.5 else b'{"id":"again",', 1
            )
        if kind == 5:  # huge numbers, written as text
            number = rng.choice(
                [b"1e308", b"-1e308", b"1e400", b"9" * 5000, b"-0.0e-400", b"1" + b"0" * 400]
            )
            return (
                base.replace(b":", b":" + number + b',"zz":', 1)
                if rng.random() < 0.5
                else (
                    b'{"temperature":{"value":'
                    + number
                    + b',"unit":"C"},"age_years":'
                    + number
                    + b"}"
                )
            )
        if kind == 6:  # megabytes on one line
            size = 2_000_000 if rng.random() < 0.0006 else 3_000
            return b'{"id":"big","notes":"' + b"x" * size + b'"}'
        if kind == 7:  # random bytes
            return bytes(rng.randrange(256) for _ in range(rng.randint(0, 80)))
        if kind == 8:  # blank or whitespace
            return rng.choice([b"", b"   ", b"\t", b"\r"])
        if kind == 9:  # control characters and NUL
            return base.replace(b'"', b'"\x00\x01', 1)
        if kind == 10:  # trailing and leading junk
            return (
                rng.choice([b"[", b"{}", b"x", b",", b"]"])
                + base
                + rng.choice([b"", b"}", b"]", b" x"])
            )
        return base.replace(b'"', b"'")

    # --- CSV -------------------------------------------------------------------------------------

    def csv_header(self) -> list[str]:
        """The id column and a random choice of the model's columns, in random order."""
        columns = list(self.columns)
        self.rng.shuffle(columns)
        return ["id", *columns[: self.rng.randint(3, len(columns))]]

    def csv_cell(self, path: str, record: dict[str, Any]) -> str:
        """The cell of column ``path`` for ``record``, as the CSV vocabulary writes it."""
        value: Any = record
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return "null" if path in record and self.rng.random() < 0.5 else ""
        if isinstance(value, bool):
            return (
                self.rng.choice(["true", "TRUE"]) if value else self.rng.choice(["false", "FALSE"])
            )
        if isinstance(value, list):
            return ";".join(str(item) for item in value) if value else "[]"
        if isinstance(value, dict):
            return json.dumps(value)
        return str(value)

    def csv_rows(self, header: list[str]) -> Iterator[bytes]:
        """Each item is one record: one or more lines of CSV (a quoted cell may hold newlines)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.85:
            record = self.record() if rng.random() < 0.8 else {}
            cells = [
                str(record.get("id", "")) if name == "id" else self.csv_cell(name, record)
                for name in header
            ]
            if not record:
                cells = [
                    rng.choice(WORDS) if rng.random() < 0.7 else str(self.scalar()) for _ in header
                ]
            if rng.random() < 0.05:
                cells[rng.randrange(len(cells))] = rng.choice(
                    ["a\nb", 'say "hi"', "x,y", "\r\n", "\n"]
                )
            text = io.StringIO()
            # The writer quotes a cell holding a character of its line ending: with "\r\n", a
            # cell holding a carriage return alone is quoted too, as RFC 4180 wants (unquoted,
            # the reader stops the row there and goes on at the next line, a record of its own).
            ending = "\r\n" if any("\r" in cell for cell in cells) else "\n"
            csv.writer(text, lineterminator=ending).writerow(cells)
            yield text.getvalue().encode("utf-8", "surrogatepass")
            return
        kind = rng.randrange(6)
        if kind == 0:  # the wrong number of cells
            yield (
                ",".join(
                    "1" for _ in range(rng.choice([1, len(header) + 1, len(header) + 5]))
                ).encode()
                + b"\n"
            )
        elif kind == 1:  # a quoting error on one line
            yield b'a,"b"c,d\n'
        elif kind == 2:  # bytes that are not UTF-8
            yield b"r\xff\xfe," + b",".join(b"" for _ in header[1:]) + b"\n"
        elif kind == 3:  # blank
            yield b"\n"
        elif kind == 4:  # NUL, and a carriage return alone in an unquoted cell
            yield b"x\x00," + b"a\rb" + b"," * (len(header) - 2) + b"\n"
        else:  # a big cell, now and then over the CSV reader's field limit (128 KiB)
            size = 200_000 if rng.random() < 0.004 else 2_000
            yield b"big," + b"1" * size + b"," * (len(header) - 2) + b"\n"


@dataclass
class Figures:
    """What one target's run gave."""

    target: str
    lines: int
    seconds: float
    exit_code: int
    kinds: collections.Counter[str] = field(default_factory=collections.Counter)
    types: collections.Counter[str] = field(default_factory=collections.Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Lines per second, start-up included."""
        return self.lines / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        """One line: the figures, and the first problems found."""
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in sorted(self.kinds.items()))
        verdict = "ok" if not self.problems else "FAILED: " + "; ".join(self.problems[:5])
        return (
            f"{self.target:<13} {self.lines:>9,} lines {self.seconds:7.1f} s {self.rate:>8,.0f}/s "
            f"exit {self.exit_code}  [{kinds}]  {verdict}"
        )


def write_input(target: str, lines: int, seed: int, path: Path) -> list[int]:
    """Write the fuzzed input; return the input line where each record starts."""
    name, fmt = TARGETS[target]
    fuzzer = Fuzzer(name, seed)
    starts: list[int] = []
    with path.open("wb") as out:
        first = json.dumps({"id": "first", **fuzzer.valid[0]}).encode()
        if fmt == "jsonl":
            out.write(first + b"\n")
            starts.append(1)
            for number in range(2, lines + 1):
                out.write(fuzzer.json_line() + b"\n")
                starts.append(number)
            return starts
        header = fuzzer.csv_header()
        out.write(",".join(header).encode() + b"\n")
        line = 2
        while len(starts) < lines:
            for chunk in fuzzer.csv_rows(header):
                starts.append(line)
                out.write(chunk)
                line += chunk.count(b"\n")
    return starts


def check_output(figures: Figures, stdout: Iterator[bytes], starts: list[int]) -> None:
    """Check each output line against the record it is for; count what the lines hold."""
    expected = iter(starts)
    count = 0
    for raw in stdout:
        count += 1
        try:
            line = json.loads(raw)
        except ValueError:
            figures.problems.append(f"output line {count} is not JSON: {raw[:200]!r}")
            continue
        want = next(expected, None)
        if line.get("line") != want:
            figures.problems.append(
                f"output line {count} is for input line {line.get('line')}, not {want}"
            )
        if "result" in line:
            figures.kinds["result"] += 1
        elif "error" in line:
            error = line["error"]
            figures.kinds[error["type"]] += 1
            figures.types.update(item["type"] for item in error["errors"])
            if error["type"] == "internal":
                figures.problems.append(f"internal error on input line {line['line']}: {error}")
        else:
            figures.problems.append(f"output line {count} has neither result nor error")
    if count != len(starts):
        figures.problems.append(f"{count} output lines for {len(starts)} records")


def fuzz(target: str, lines: int, seed: int, directory: Path) -> Figures:
    """Write ``lines`` fuzzed records for ``target``, grade them, check the output."""
    name, fmt = TARGETS[target]
    path = directory / f"{target}.{fmt}"
    starts = write_input(target, lines, seed, path)
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        figures = Figures(target, len(starts), 0.0, 0)
        with subprocess.Popen(
            [sys.executable, "-m", "astct_grading", name, str(path)],
            stdout=subprocess.PIPE,
            stderr=errors,
        ) as process:
            assert process.stdout is not None
            check_output(figures, iter(process.stdout), starts)
            figures.exit_code = process.wait()
        figures.seconds = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read()
    path.unlink()
    if b"Traceback" in stderr:
        figures.problems.append("a traceback on stderr: " + stderr.decode(errors="replace")[-2000:])
    if figures.exit_code not in (0, 1):
        figures.problems.append(f"exit code {figures.exit_code}: {stderr[-500:]!r}")
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz targets; print their figures; return 1 if any check failed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="records per target")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated targets")
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory() as directory:
        for target in args.targets.split(","):
            figures = fuzz(target, args.lines, args.seed, Path(directory))
            print(figures.summary(), flush=True)
            print(
                "    error types: "
                + ", ".join(f"{t} {n:,}" for t, n in figures.types.most_common()),
                flush=True,
            )
            failed |= bool(figures.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
