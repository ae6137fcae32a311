"""The subcommands' actions: grade a scale, ``course``, ``report``, ``demo`` and ``schema``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import json.encoder
import os
import sys
import tempfile
from pathlib import Path

from astct_grading.cli.csv_input import (
    _grade_csv,
)
from astct_grading.cli.inputs import (
    _SUFFIXES,
    _check_file,
    _input_format,
    _input_lines,
)
from astct_grading.cli.jsonl import (
    _check_json_lines,
    _grade_jsonl,
    _graded_jsonl,
)
from astct_grading.cli.output import (
    EXIT_OK,
    PROG,
    _Counts,
    _delivered,
    _error,
    _Failure,
    _InterruptError,
    _Output,
    _plural,
    _UsageError,
    _write_document,
)
from astct_grading.cli.parquet import check_no_output, is_parquet, run_csv, run_parquet
from astct_grading.cli.scales import (
    COURSE,
    ID_KEY,
    SCALES,
    SCHEMA_MODELS,
    Scale,
)
from astct_grading.course import Course, CourseResult, grade_course
from astct_grading.report import (
    CohortReport,
    build_report,
    demo_report,
    load_demo_cohort,
    render_text,
)


def _run_grading(scale: Scale, args: argparse.Namespace) -> int:
    path: str = args.input
    _check_file(path)
    if is_parquet(path, args.format):
        return run_parquet(scale, args)
    is_csv = _input_format(path, args.format) == "csv"
    if is_csv and args.output is not None:
        return run_csv(scale, args)
    check_no_output(args)
    output = _Output()
    counts = _Counts()
    with _input_lines(path, scale.name) as lines, _delivered(output):
        if is_csv:
            _grade_csv(scale, lines, output.write, counts)
        else:
            csv_possible = path == "-" and args.format is None
            _check_json_lines(lines, scale.csv_columns if csv_possible else None)
            _grade_jsonl(scale, lines, output.write, counts)
    return counts.exit_code()


def _column_table(scale: Scale) -> str:
    """``schema --columns``: one CSV column per line, with its type and allowed values."""
    rows = [(ID_KEY, "text", "the record's id, echoed as given (optional)")]
    for path, column in scale.csv_columns.items():
        values = list(column.values)
        if column.is_boolean:
            values = [*values, "true", "false (or TRUE, FALSE)"]
        rows.append((path, column.type, ", ".join(values)))
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    return "".join(
        f"{name:<{width[0]}}  {kind:<{width[1]}}  {values}".rstrip() + "\n"
        for name, kind, values in rows
    )


def _run_schema(args: argparse.Namespace) -> int:
    if args.columns:
        scale = SCALES.get(args.model)
        if scale is None:
            raise _UsageError(
                f"{args.model} has no CSV columns: {_COURSES_NOT_CSV}"
                if args.model == COURSE.name
                else f"{args.model} has no CSV columns"
            )
        _write_document(_column_table(scale))
        return EXIT_OK
    schema = SCHEMA_MODELS[args.model].model_json_schema()
    _write_document(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


_COURSES_NOT_CSV = (
    "courses are read from JSON Lines only: a course nests lists (timed assessments, treatments, "
    "visits) that a CSV row cannot hold; give a .jsonl or .ndjson file, or --format jsonl"
)


def _jsonl_only(value: str) -> str:
    """``--format`` of ``course`` and ``report``: ``csv`` is refused with the reason."""
    if value == "csv":
        raise argparse.ArgumentTypeError(_COURSES_NOT_CSV)
    return value


def _check_course_input(path: str, given: str | None) -> None:
    """Courses are JSON Lines: a ``.csv`` file or an unknown suffix is a usage error."""
    _check_file(path)
    if given is None and path != "-":
        suffix = Path(path).suffix.lower()
        if _SUFFIXES.get(suffix) == "csv":
            raise _UsageError(_COURSES_NOT_CSV)
        if suffix not in _SUFFIXES:
            raise _UsageError(
                f"cannot tell the format of {path!r} from its suffix (.jsonl or .ndjson); "
                "give --format jsonl"
            )


def _run_course(args: argparse.Namespace) -> int:
    _check_course_input(args.input, args.format)
    output = _Output()
    counts = _Counts()
    with _input_lines(args.input, COURSE.name, "courses") as lines, _delivered(output):
        _check_json_lines(lines, None)
        _grade_jsonl(COURSE, lines, output.write, counts)
    return counts.exit_code()


def _printable(text: str) -> str:
    """``text`` on one line: control characters (a newline in a key...) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _report_excluded(record_id: object, line: int, failure: _Failure) -> None:
    """Name an excluded record on standard error: one line per problem, with field and reason."""
    stream = sys.stderr
    if stream is None:  # no standard error at all (pythonw): the report still counts it
        return
    # On a terminal a progress line may be showing: start over it (each message is longer).
    start = "\r" if stream.isatty() else ""
    where = (
        f"line {line}"
        if record_id is None
        else f"line {line} (id {json.dumps(record_id, ensure_ascii=False)})"
    )
    for error in failure.errors:
        field_ = _printable(error["loc"]) or "the record as a whole"
        stream.write(
            f"{start}{PROG} report: {where} excluded as invalid ({failure.kind}): {field_}: "
            f"{_printable(error['msg'])} [{error['type']}]\n"
        )


def _input_notice(read: int, excluded: int) -> str:
    """The report's first lines: how many course records were read, graded and excluded."""
    text = (
        f"Input: {_plural(read, 'course record')} read, {read - excluded} graded, "
        f"{excluded} excluded as invalid"
    )
    if excluded:
        text += (
            " (each named on standard error with its line, field and reason); the tables below "
            f"count the {_plural(read - excluded, 'graded course')} only"
        )
    return text + "."


def _second_course(result: CourseResult, line: int, first_line: dict[str, int]) -> _Failure | None:
    """A second course for a patient is excluded: the report counts each patient once."""
    first = first_line.setdefault(result.patient_id, line)
    if first == line:
        return None
    message = (
        f"patient {result.patient_id!r} already has a course on line {first}; "
        "the report counts each patient once"
    )
    return _Failure("validation", [_error("patient_id", "duplicate_patient", message)])


def _keeping(courses: dict[int, Course]) -> Scale:
    """The course scale, keeping each graded course by its result's id (for ``--html``)."""

    def grade(course: Course) -> CourseResult:
        result = grade_course(course)
        courses[id(result)] = course
        return result

    return dataclasses.replace(COURSE, grade=grade)


def _report_results(
    path: str, counts: _Counts, courses: dict[int, Course] | None = None
) -> list[CourseResult]:
    """The graded courses of a file (each excluded course named on stderr and counted).

    With ``courses``, each graded course is kept there too, by its result's ``id()``: the figures
    of ``--html`` need the treatments' times, which a result does not hold.
    """
    # Only the graded courses are kept (the report needs them all), never the input records.
    scale = COURSE if courses is None else _keeping(courses)
    results: list[CourseResult] = []
    first_line: dict[str, int] = {}  # patient_id -> the line of its course
    with _input_lines(path, "report", "courses") as lines:
        _check_json_lines(lines, None)
        try:
            for line, record_id, outcome in _graded_jsonl(scale, lines):
                failure = outcome if isinstance(outcome, _Failure) else None
                if isinstance(outcome, CourseResult):
                    failure = _second_course(outcome, line, first_line)
                    if failure is None:
                        results.append(outcome)
                counts.add(failure or outcome)
                if failure is not None:
                    _report_excluded(record_id, line, failure)
        except KeyboardInterrupt:
            raise _InterruptError(counts.records) from None
    return results


def _check_html(path: str | None) -> None:
    """``--html``: the extra it needs is there, and the file can be written, before any work."""
    if path is None:
        return
    from astct_grading.plots.render import (  # noqa: PLC0415 - only for --html
        PlotsUnavailableError,
        require_matplotlib,
    )

    try:
        require_matplotlib()
    except PlotsUnavailableError as error:
        raise _UsageError(f"--html: {error}") from None
    folder = Path(path).parent
    if not folder.is_dir():
        raise _UsageError(f"--html: no such folder: {str(folder)!r}")


def _write_html(
    path: str, report: CohortReport, courses: list[Course], results: list[CourseResult]
) -> None:
    """Write the HTML report to ``path``, whole or not at all (a temporary file, then renamed)."""
    from astct_grading.plots import build_figures, render_html  # noqa: PLC0415 - only for --html

    page = render_html(report, build_figures(courses, results))
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(page)
        mask = os.umask(0)  # a new file's usual mode, not mkstemp's owner-only one
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _run_report(args: argparse.Namespace) -> int:
    path: str = args.input
    _check_course_input(path, args.format)
    _check_html(args.html)
    counts = _Counts()
    kept: dict[int, Course] | None = {} if args.html is not None else None
    results = _report_results(path, counts, kept)
    read, excluded = counts.records, counts.invalid
    report = build_report(results, notice=_input_notice(read, excluded))
    if kept is not None:
        _write_html(args.html, report, [kept[id(r)] for r in results], results)
    if args.output_format == "json":
        source = {"source": path, "records": read, "graded": len(results), "excluded": excluded}
        document = {"input": source, **report.to_dict()}
        _write_document(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        _write_document(render_text(report))
    return counts.exit_code()


def _run_demo(args: argparse.Namespace) -> int:
    _check_html(args.html)
    report = demo_report()
    if args.html is not None:
        courses = load_demo_cohort()
        _write_html(args.html, report, courses, [grade_course(c) for c in courses])
    _write_document(
        report.to_json() + "\n" if args.output_format == "json" else render_text(report)
    )
    return EXIT_OK
