"""Parquet in, Parquet out: ``astct-grading crs data.parquet -o graded.parquet``.

A file is Parquet when ``--format parquet`` says so, or, without ``--format``, when it starts
with Parquet's magic bytes ``PAR1`` or its name ends in ``.parquet`` or ``.pq`` (a file with that
suffix that is not Parquet is then refused as unreadable). It is graded by the columnar engine
(:func:`astct_grading.frame.stream.grade_parquet`, the ``frame`` extra), batch by batch, into
the Parquet file ``-o`` names: one row per input row, in order, with the error of each invalid
row (docs/cli.md, "Parquet"). Every scale the command line grades has a table path.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from astct_grading.cli.output import EXIT_INVALID, EXIT_OK, PROG, _UsageError, _warn
from astct_grading.cli.scales import Scale

#: Parquet's magic bytes (parquet.apache.org/docs/file-format).
PARQUET_MAGIC = b"PAR1"  # Apache Parquet file format: the first and last 4 bytes
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})


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


def _check(args: argparse.Namespace) -> str:
    """The output path, once the arguments are known to make sense for Parquet."""
    if args.input == "-":
        raise _UsageError("Parquet is read from a file (its footer is at the end), not stdin")
    output: str | None = args.output
    if output is None:
        raise _UsageError(
            "Parquet input is graded into a Parquet file: give -o FILE (e.g. -o graded.parquet)"
        )
    if os.path.exists(output) and os.path.samefile(args.input, output):
        raise _UsageError(f"-o {output!r} is the input file; give another file")
    return output


def run_parquet(scale: Scale, args: argparse.Namespace) -> int:
    """Grade a Parquet file into the Parquet file ``-o`` names; the exit code."""
    output = _check(args)
    if not os.path.exists(args.input):
        raise _UsageError(
            f"cannot read {args.input!r}: no such file (check the name, and the current "
            f"directory {os.getcwd()!r})"
        )
    try:
        from astct_grading.frame import FrameError  # noqa: PLC0415 (the frame extra)
        from astct_grading.frame.stream import grade_parquet  # noqa: PLC0415
    except ImportError as error:
        raise _UsageError(str(error)) from None
    try:
        summary = grade_parquet(args.input, output, scale.name)
    except FrameError as error:  # the table's columns: no row could be read as the model reads it
        raise _UsageError(f"{args.input}: {error}") from None
    if summary.invalid:
        _warn(
            f"{PROG} {scale.name}: {summary.invalid} of {summary.rows} rows invalid; each has its "
            f"error in the error_field, error_type and error_message columns of {output}"
        )
        return EXIT_INVALID
    return EXIT_OK


def check_not_parquet_output(args: argparse.Namespace) -> None:
    """``-o`` is for Parquet input only: JSON Lines and CSV are graded to standard output."""
    if args.output is not None:
        raise _UsageError(
            "-o writes the graded table of a Parquet input; JSON Lines and CSV input are graded "
            "to standard output (redirect it: > results.jsonl)"
        )
