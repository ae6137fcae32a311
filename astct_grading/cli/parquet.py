"""Parquet or CSV in, Parquet or CSV out with ``-o``: ``astct-grading crs data.csv -o out.parquet``.

A file is Parquet when ``--format parquet`` says so, or, without ``--format``, when it starts
with Parquet's magic bytes ``PAR1`` or its name ends in ``.parquet`` or ``.pq`` (a file with that
suffix that is not Parquet is then refused as unreadable). A Parquet file, and a CSV input given
``-o``, are graded by the columnar engine (the ``frame`` extra), a batch at a time, into the file
``-o`` names, Parquet or CSV by its suffix: one row per input row, in order, with the error of
each invalid row (docs/cli.md, "Parquet and CSV with -o"). A CSV row's output is the per-record
path's (:mod:`astct_grading.frame.csvfile`). Every scale the command line grades has a table path.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import types
from pathlib import Path

from astct_grading.cli.inputs import _input_lines
from astct_grading.cli.output import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    PROG,
    _UsageError,
    _warn,
)
from astct_grading.cli.scales import Scale

#: Parquet's magic bytes (parquet.apache.org/docs/file-format).
PARQUET_MAGIC = b"PAR1"  # Apache Parquet file format: the first and last 4 bytes
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
#: ``-o``'s suffix -> the output's format (the same as ``astct_grading.frame.csvfile``'s).
OUTPUT_SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}


def is_parquet(path: str, given: str | None) -> bool:
    """Whether the input is Parquet: ``--format``, else the magic bytes, else the suffix."""
    if given is not None:
        return given == "parquet"
    if path == "-" or os.path.isdir(path):
        return False
    try:
        with open(path, "rb") as file:
            if file.read(len(PARQUET_MAGIC)) == PARQUET_MAGIC:
                return True
    except OSError:  # reported by the reader that the format names
        pass
    return Path(path).suffix.lower() in PARQUET_SUFFIXES


def _output(args: argparse.Namespace, kind: str) -> tuple[str, str]:
    """(the output path, its format) once the arguments make sense for ``-o``."""
    output: str = args.output
    suffix = Path(output).suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise _UsageError(
            f"cannot tell the format of -o {output!r} from its suffix: name it .parquet or .pq "
            "(Parquet) or .csv (CSV)"
        )
    same = os.path.exists(args.input) and os.path.exists(output)
    if args.input != "-" and same and os.path.samefile(args.input, output):
        raise _UsageError(f"-o {output!r} is the input file; give another file")
    if kind == "Parquet" and args.input == "-":
        raise _UsageError("Parquet is read from a file (its footer is at the end), not stdin")
    return output, OUTPUT_SUFFIXES[suffix]


def _frame(scale: Scale) -> types.ModuleType:
    """:mod:`astct_grading.frame.csvfile`, the ``frame`` extra and the table path there.

    Without them, a usage error.
    """
    try:  # the frame extra
        stream = importlib.import_module("astct_grading.frame.stream")
        csvfile = importlib.import_module("astct_grading.frame.csvfile")
    except ImportError as error:
        raise _UsageError(str(error)) from None
    if importlib.util.find_spec(stream.TABLE_SCALES[scale.name][0]) is None:
        raise _UsageError(f"{scale.name} has no table path in this installation")
    return csvfile


def _exit_code(scale: Scale, output: str, rows: int, invalid: int, internal: int = 0) -> int:
    """The exit code of a table graded into ``output``, with a summary line when rows failed."""
    if not invalid:
        return EXIT_OK
    _warn(
        f"{PROG} {scale.name}: {invalid} of {rows} rows invalid; each has its error in the "
        f"error_field, error_type and error_message columns of {output}"
    )
    if internal:
        _warn(
            f"{PROG} {scale.name}: {internal} of them met an internal error (error_type "
            "internal): a bug; please report it with the row"
        )
        return EXIT_INTERNAL
    return EXIT_INVALID


def run_parquet(scale: Scale, args: argparse.Namespace) -> int:
    """Grade a Parquet file into the Parquet or CSV file ``-o`` names; the exit code."""
    if args.output is None:
        raise _UsageError(
            "Parquet input is graded into a file: give -o FILE (e.g. -o graded.parquet or "
            "-o graded.csv)"
        )
    output, format_ = _output(args, "Parquet")
    if not os.path.exists(args.input):
        raise _UsageError(
            f"cannot read {args.input!r}: no such file (check the name, and the current "
            f"directory {os.getcwd()!r})"
        )
    csvfile = _frame(scale)
    grade = csvfile.grade_parquet if format_ == "parquet" else csvfile.grade_parquet_to_csv
    try:
        summary = grade(args.input, output, scale.name)
    except (
        csvfile.FrameError
    ) as error:  # the table's columns: no row could be read as the model reads it
        raise _UsageError(f"{args.input}: {error}") from None
    return _exit_code(scale, output, summary.rows, summary.invalid)


def run_csv(scale: Scale, args: argparse.Namespace) -> int:
    """Grade a CSV input into the Parquet or CSV file ``-o`` names; the exit code.

    Each row's output is the one ``astct-grading SCALE FILE.csv`` gives it (the same cell rules,
    the same errors), graded column-wise where the typed columns hold the row exactly.
    """
    output, format_ = _output(args, "CSV")
    csvfile = _frame(scale)
    with _input_lines(args.input, scale.name) as lines:
        try:
            summary = csvfile.grade_csv(lines, output, scale.name, output=format_)
        except csvfile.FrameError as error:  # the header: every row would be read wrong
            raise _UsageError(str(error)) from None
    return _exit_code(scale, output, summary.rows, summary.invalid, summary.internal)


def check_no_output(args: argparse.Namespace) -> None:
    """``-o`` is for Parquet and CSV input only: JSON Lines is graded to standard output."""
    if args.output is not None:
        raise _UsageError(
            "-o writes the graded table of a Parquet or CSV input; JSON Lines input is graded "
            "to standard output (redirect it: > results.jsonl)"
        )
