"""The ``fhir`` subcommand: grade the patients of FHIR R4 resources, write the grades as FHIR.

``astct-grading fhir INPUT`` reads a Bundle, a resource, an NDJSON file (FHIR Bulk Data export)
or a folder of those (:func:`astct_grading.fhir.read_path`), grades each patient's course and
writes a Bundle of the results (``--ndjson``: one resource per line) to standard output or
``-o FILE``; ``--report`` prints the cohort report instead (or as well, with ``-o``). The
resources that could not be used are listed in the output (an OperationOutcome per patient) and
counted on standard error. ``astct-grading fhir --write-demo FILE`` writes the packaged demo
Bundle (:mod:`astct_grading.fhir.demo`) instead. docs/fhir.md describes it; the exit codes are
docs/cli.md's.
"""

from __future__ import annotations

import argparse
import json
import traceback
import typing
from pathlib import Path
from typing import Any

from astct_grading.cli.output import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    PROG,
    _plural,
    _UsageError,
    _warn,
    _write_document,
)
from astct_grading.course import CourseResult, grade_course
from astct_grading.fhir import FhirMapping, read_path, results_bundle
from astct_grading.fhir.demo import demo_bundle_text
from astct_grading.report.tables import build_report
from astct_grading.report.text import render_text

if typing.TYPE_CHECKING:
    _Commands = argparse._SubParsersAction[argparse.ArgumentParser]

__all__ = ["add_fhir"]

_EPILOG = """\
input: a FHIR R4 Bundle or resource (.json), an NDJSON bulk-data file (.ndjson,
.jsonl), or a folder of those. Observations of one patient at the same time form
one assessment; the CAR-T infusion (Procedure or MedicationAdministration) is day
0. What is read, and the codes: docs/fhir.md.

output: a Bundle (type collection) of Observations (each graded assessment),
Conditions and AdverseEvents (each episode) and an OperationOutcome per patient
listing the resources that could not be used, with the reasons; --ndjson writes
the same resources one per line.

--write-demo FILE writes the packaged demo cohort (six synthetic patients,
illustrative only, not trial data) as a FHIR R4 Bundle to FILE, and nothing else.

exit status:
  0    every patient graded and every resource used (--write-demo: the file written)
  1    some patients could not be graded or some resources were not used (listed)
  2    usage or I/O error (the message is on standard error)
  3    an internal error on some patients (named on standard error): please report it

example:
  {prog} fhir examples/fhir_bundle.json -o graded.json
  {prog} fhir export/ --ndjson -o graded.ndjson --time-zone Europe/Berlin
  {prog} fhir examples/fhir_bundle.json --report
  {prog} fhir --write-demo demo-bundle.json
"""


def add_fhir(commands: _Commands) -> None:
    """Add the ``fhir`` subcommand to the parser."""
    parser = commands.add_parser(
        "fhir",
        help="grade the patients of FHIR R4 resources; write the grades as FHIR",
        description="Read patients' courses from FHIR R4 resources (vital signs, oxygen, "
        "medications, ICE/CAPD), grade them, and write the grades, episodes and adverse events "
        "as FHIR R4 resources.",
        epilog=_EPILOG.format(prog=PROG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "input", nargs="?", help="a .json, .ndjson or .jsonl file, or a folder of them"
    )
    parser.add_argument("-o", "--output", help="write the resources to this file (default: stdout)")
    parser.add_argument(
        "--ndjson", action="store_true", help="write one resource per line, not a Bundle"
    )
    parser.add_argument(
        "--report", action="store_true", help="print the cohort report (text) to standard output"
    )
    parser.add_argument(
        "--time-zone", help="the site's IANA time-zone name, for day numbers (docs/course.md)"
    )
    parser.add_argument(
        "--medication-record-complete",
        action="store_true",
        help="the MedicationAdministration record is complete: no vasopressor running at a CRS "
        "assessment means none was given (otherwise it is unknown)",
    )
    parser.add_argument(
        "--write-demo",
        metavar="FILE",
        help="write the packaged demo cohort as a FHIR R4 Bundle (illustrative synthetic data) "
        "to FILE; takes no INPUT",
    )
    parser.set_defaults(run=run_fhir)


def _write_demo(args: argparse.Namespace) -> int:
    """``--write-demo FILE``: copy the packaged demo Bundle out; exit 0 (2 on a usage error)."""
    given = {
        "INPUT": args.input is not None,
        "-o": args.output is not None,
        "--ndjson": args.ndjson,
        "--report": args.report,
        "--time-zone": args.time_zone is not None,
        "--medication-record-complete": args.medication_record_complete,
    }
    others = [name for name, present in given.items() if present]
    if others:
        raise _UsageError(f"--write-demo writes the demo Bundle only; not with {', '.join(others)}")
    Path(args.write_demo).write_bytes(demo_bundle_text().encode("utf-8"))
    _warn(
        f"{PROG} fhir: wrote the demo cohort's FHIR Bundle (illustrative synthetic data) to "
        f"{args.write_demo}"
    )
    return EXIT_OK


def _resources_text(bundle: dict[str, Any], ndjson: bool) -> str:
    if ndjson:
        return "".join(
            json.dumps(entry["resource"], ensure_ascii=False) + "\n" for entry in bundle["entry"]
        )
    return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"


def run_fhir(args: argparse.Namespace) -> int:
    """Run ``astct-grading fhir``; return the exit code (docs/cli.md, "Exit codes")."""
    if args.write_demo is not None:
        return _write_demo(args)
    if args.input is None:
        raise _UsageError("INPUT is required (a file or a folder), or --write-demo FILE")
    path = Path(args.input)
    if not path.exists():
        raise _UsageError(f"{path}: no such file or folder")
    try:
        mapping = FhirMapping(
            time_zone=args.time_zone, medication_record_complete=args.medication_record_complete
        )
    except ValueError as error:  # an unknown zone name (PydanticCustomError is a ValueError)
        raise _UsageError(f"--time-zone: {error}") from None
    read = read_path(path, mapping)
    graded: list[tuple[Any, CourseResult | None]] = []
    internal = 0
    for patient in read.patients:
        if patient.course is None:
            graded.append((patient, None))
            continue
        try:
            graded.append((patient, grade_course(patient.course)))
        except Exception:  # a bug: named, the other patients go on
            internal += 1
            _warn(f"{PROG} fhir: internal error on patient {patient.patient_id}:")
            _warn(traceback.format_exc().rstrip())
            graded.append((patient, None))
    bundle = results_bundle(graded, read)
    text = _resources_text(bundle, args.ndjson)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    if args.report:
        results = [result for _, result in graded if result is not None]
        _write_document(render_text(build_report(results)))
    elif not args.output:
        _write_document(text)
    without = sum(1 for patient in read.patients if patient.course is None)
    unused = len(read.problems) + sum(len(patient.problems) for patient in read.patients)
    _warn(
        f"{PROG} fhir: {_plural(len(read.patients), 'patient')} read, "
        f"{len(read.patients) - without - internal} graded, {without} without a course; "
        f"{_plural(unused, 'resource')} not used (listed in the output)"
    )
    if internal:
        return EXIT_INTERNAL
    return EXIT_INVALID if without or unused else EXIT_OK
