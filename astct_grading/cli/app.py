"""The ``astct-grading`` command-line tool (standard library only, plus this package).

Each grading subcommand (``crs``...) streams records from JSON Lines or CSV and writes one JSON line
per input record, in input order: a result line or an error line. The scales come from a small
registry, :data:`SCALES`: a scale is a name, an input model and a grading function, so a new scale
plugs in with one :class:`Scale` entry. ``course`` grades whole patient courses the same way
(:data:`COURSE`, JSON Lines only), ``report`` prints the cohort report of a file of courses and
``demo`` the report of the packaged demo cohort. Every subcommand is added to the parser by one
function (see :data:`_COMMANDS`). docs/cli.md describes the interface.

This module holds the argument parser and :func:`main`; the registry is in ``scales``, the
subcommands' actions in ``commands``, reading in ``inputs``, ``jsonl`` and ``csv_input``, and
the output lines, exit codes and interrupts in ``output``.

The batch contract is "nothing guessed, no record lost": every input record gets exactly one
output line, whatever it holds; a record that makes the code itself fail gets an ``internal``
error line (exit code 3) and the others go on; whatever was graded is written out before the tool
stops, however it stops.

Example:
    >>> main(["--version"])  # doctest: +ELLIPSIS
    astct-grading ...
    0
"""

from __future__ import annotations

import argparse
import sys
import traceback
import typing
from collections.abc import Callable, Sequence

from astct_grading._version import __version__
from astct_grading.cli.cdisc import add_sdtm
from astct_grading.cli.commands import (
    _jsonl_only,
    _run_course,
    _run_demo,
    _run_grading,
    _run_report,
    _run_schema,
)
from astct_grading.cli.fhir import add_fhir
from astct_grading.cli.output import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    PROG,
    _InterruptError,
    _OutputError,
    _plural,
    _silence_stdout,
    _UsageError,
    _warn,
)
from astct_grading.cli.scales import (
    COURSE,
    SCALES,
    SCHEMA_MODELS,
    Scale,
)

#: The exit codes, as every ``--help`` lists them (docs/cli.md, "Exit codes").
_EXIT_STATUS = """\
exit status:
  0    every {item} graded
  1    some {item}s invalid{excluded}
  2    usage or I/O error (the message is on standard error)
  3    an internal error on some {item}s ({where}): please report it
  130  interrupted by Ctrl-C: {interrupted}"""


_GRADING_EPILOG = """\
input (UTF-8):
  JSON Lines: one JSON object per line; every line is a record (a blank line is
  an invalid record). CSV: a header row of field names, dotted for nested fields
  (e.g. {dotted}); ';' between list items, [] for an empty list,
  null for null, true/false (or TRUE/FALSE) for booleans, numbers as JSON
  writes them (38.5, -1, 1e3); an empty cell is not given; any other cell goes
  to the model as written. An "id" key or column (a string or an integer) is
  echoed. The fields: {prog} schema {name}
  The CSV columns, with their types: {prog} schema --columns {name}

output (one JSON line per input record, in input order):
  {{"id": ..., "line": N, "result": {{...}}}}
  {{"id": ..., "line": N, "error": {{"type": "validation",
    "errors": [{{"loc": "{dotted}", "type": ..., "msg": ...}}]}}}}

{exit_status}

example:
  {prog} {name} records.csv > results.jsonl
"""


if typing.TYPE_CHECKING:
    _Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def _add_grading_command(commands: _Commands, scale: Scale) -> None:
    parser = commands.add_parser(
        scale.name,
        help=scale.summary,
        description=f"{scale.summary[0].upper()}{scale.summary[1:]}: one JSON line per record.",
        epilog=_GRADING_EPILOG.format(
            prog=PROG,
            name=scale.name,
            dotted=next((column for column in scale.columns if "." in column), "field.subfield"),
            exit_status=_EXIT_STATUS.format(
                item="record",
                excluded="",
                where="their lines say so",
                interrupted="what was graded is written out",
            ),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_argument(parser, "a .jsonl, .ndjson, .csv or (crs) Parquet file")
    parser.add_argument(
        "--format",
        choices=("jsonl", "csv", "parquet"),
        help="the input format (default: Parquet by its magic bytes, else from the file suffix; "
        "jsonl for standard input)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="Parquet or CSV input: write the graded table to FILE, Parquet (.parquet, .pq) or "
        "CSV (.csv) by its suffix (needs the frame extra); docs/cli.md, 'Parquet', 'CSV with -o'",
    )
    parser.set_defaults(run=lambda args: _run_grading(scale, args))


def _add_grading_commands(commands: _Commands) -> None:
    for scale in SCALES.values():
        _add_grading_command(commands, scale)


def _add_schema(commands: _Commands) -> None:
    parser = commands.add_parser(
        "schema",
        help="print the JSON Schema of an input model, or its CSV columns",
        description="Print the JSON Schema of an input model (what one record may contain), or "
        "with --columns the CSV columns of a scale: one per line, with its type and, for a field "
        "with a fixed set of values, those values.",
    )
    parser.add_argument("model", choices=sorted(SCHEMA_MODELS), metavar="MODEL", help="%(choices)s")
    parser.add_argument(
        "--columns",
        action="store_true",
        help="print the CSV columns of the scale MODEL (crs, icans, sledai) instead",
    )
    parser.set_defaults(run=_run_schema)


_COURSE_EPILOG = """\
input:
  JSON Lines: one Course object per line (patient_id, infusion_at, timestamped
  crs_assessments and icans_assessments, treatments, sledai_visits, death);
  every line is a record (a blank line is an invalid one). Times need a time
  zone. CSV is refused: a course nests lists. The fields: {prog} schema course

output (one JSON line per input line, in input order; id: the record's "id",
else its patient_id):
  {{"id": "P1", "line": N, "result": {{...CourseResult.to_dict()...}}}}
  {{"id": "P1", "line": N, "error": {{"type": "validation",
    "errors": [{{"loc": "crs_assessments.0.at", "type": ..., "msg": ...}}]}}}}

{exit_status}

example:
  {prog} course courses.jsonl > graded.jsonl
"""


_REPORT_EPILOG = """\
input: courses as for '{prog} course' (JSON Lines, one Course per line).

output: the cohort report (patients by maximum CRS and ICANS grade, onset and
duration, treatments, SLEDAI-2K by visit, responses, episodes, patients), as
text or as one JSON document. It starts by saying how many course records were
read, graded and excluded. An invalid course, or a second course for a
patient_id already seen, is excluded from the report and named on standard
error with its line, field and reason; it is never dropped silently.

{exit_status}

examples:
  {prog} report courses.jsonl
  {prog} report courses.jsonl --output-format json > report.json
  {prog} report courses.jsonl --html report.html
"""


def _add_input_argument(parser: argparse.ArgumentParser, files: str) -> None:
    parser.add_argument(
        "input",
        nargs="?",
        default="-",
        metavar="INPUT",
        help=f"{files}, or - for standard input (the default)",
    )


def _add_course_input(parser: argparse.ArgumentParser) -> None:
    _add_input_argument(parser, "a .jsonl or .ndjson file of courses")
    parser.add_argument(
        "--format",
        type=_jsonl_only,
        choices=("jsonl",),
        help="the input format: jsonl, the only one for courses (csv is refused)",
    )


def _add_output_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output-format",
        choices=("text", "json"),
        default="text",
        help="text for a terminal (the default) or one JSON document",
    )


def _add_html(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="also write the report, with its figures, as one self-contained HTML page to FILE "
        "(needs the plots extra: matplotlib)",
    )


def _add_course(commands: _Commands) -> None:
    parser = commands.add_parser(
        COURSE.name,
        help=COURSE.summary,
        description="Grade patient courses: every assessment, the CRS and ICANS episodes, the "
        "per-patient summary and the SLEDAI-2K trajectory; one JSON line per course.",
        epilog=_COURSE_EPILOG.format(
            prog=PROG,
            exit_status=_EXIT_STATUS.format(
                item="course",
                excluded="",
                where="their lines say so",
                interrupted="what was graded is written out",
            ),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_course_input(parser)
    parser.set_defaults(run=_run_course)


def _add_report(commands: _Commands) -> None:
    parser = commands.add_parser(
        "report",
        help="grade patient courses and print the cohort report",
        description="Grade patient courses and print the cohort report (text or JSON).",
        epilog=_REPORT_EPILOG.format(
            prog=PROG,
            exit_status=_EXIT_STATUS.format(
                item="course",
                excluded=", left out of the report (it covers the others)",
                where="named on standard error",
                interrupted="no report is printed",
            ),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_course_input(parser)
    _add_output_format(parser)
    _add_html(parser)
    parser.set_defaults(run=_run_report)


def _add_demo(commands: _Commands) -> None:
    parser = commands.add_parser(
        "demo",
        help="print the cohort report for the packaged demo cohort (illustrative data)",
        description="Print the cohort report for the packaged demo cohort: six synthetic patients "
        "with refractory SLE treated with CD19- or BCMA-targeting CAR-T cells. The data are "
        "illustrative, not trial data.",
    )
    _add_output_format(parser)
    _add_html(parser)
    parser.set_defaults(run=_run_demo)


#: The subcommands, in the order ``--help`` lists them: adding one is one function here.
_COMMANDS: tuple[Callable[[_Commands], None], ...] = (
    _add_grading_commands,
    _add_course,
    _add_report,
    _add_schema,
    _add_demo,
    add_fhir,
    add_sdtm,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Grade CAR-T toxicities (CRS, ICANS) by the ASTCT 2019 consensus and score lupus "
            "activity by SLEDAI-2K."
        ),
        epilog=f"Run '{PROG} COMMAND --help' for a command's input, output and exit status.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in _COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        0 when every record was graded (or the command succeeded); 1 when some records were
        invalid (each has its error line); 2 for usage or I/O errors, the message on stderr
        (nothing more is read); 3 when some record met an internal error (its line says so, the
        others were graded; please report it); 130 when interrupted by Ctrl-C (what was graded
        is written out, and a line on stderr says how many records).

    Example:
        >>> main(["schema", "crs"])  # doctest: +ELLIPSIS
        {
          "$defs": {
        ...
        0
        >>> main(["crs", "no-such-file.jsonl"])
        2
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    where = f"{PROG} {args.command}"
    try:
        return int(args.run(args))
    except _InterruptError as interrupted:
        _warn(f"{where}: interrupted after {_plural(interrupted.records, 'record')}")
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        _warn(f"{where}: interrupted")
        return EXIT_INTERRUPTED
    except _UsageError as error:
        if isinstance(error, _OutputError):
            _silence_stdout()
        _warn(f"{where}: error: {error}")
        return EXIT_USAGE
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_USAGE
    except OSError as error:
        _warn(f"{where}: error: {error}")
        return EXIT_USAGE
    except Exception as error:  # a bug outside any one record: say so, exit 3
        _warn(
            f"{where}: internal error: {type(error).__name__}: {error}; please report it with "
            "the traceback below and the input"
        )
        if sys.stderr is not None:
            traceback.print_exc(file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
