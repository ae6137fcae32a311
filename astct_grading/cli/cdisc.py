"""``astct-grading sdtm``: grade a study from its SDTM domains (docs/cdisc.md).

Reads a folder of SDTM domain files, builds and grades each subject's course, prints the cohort
report (as ``astct-grading report`` does) with the concordance of the derived grades with the
investigator's as a section of it, and with ``-o`` writes the ADaM-style datasets (CSV, Parquet,
XPT), their define-style metadata and the issues.
"""

from __future__ import annotations

import argparse
import json
import typing

from astct_grading.cli.output import EXIT_INVALID, EXIT_OK, PROG, _UsageError, _write_document

if typing.TYPE_CHECKING:
    _Commands = argparse._SubParsersAction[argparse.ArgumentParser]

_EPILOG = """\
input: a folder with one file per SDTM domain (dm, ex, vs, cm, qs, ae and the
oxygen domain, xo by default), each .xpt, .csv or .parquet. Parquet and XPT
need the cdisc extra.

output: the cohort report of the derived courses (the one '{prog} report'
prints: patients by maximum CRS and ICANS grade, onset and duration,
treatments, episodes, patients), then its SDTM sections: the derived and
reported grades per subject, the concordance with AETOXGR (per event and per
subject: confusion table, exact agreement, weighted kappa with its 95% CI,
each discordant event with its reason) and the records that could not be
used. With --output-format json: one document, the cohort report's keys with
"input", "concordance" and "issues" beside them. With -o DIR: adtox and
adtoxev in each format, define.csv, issues.csv and datasets.json.

exit status:
  0    every record used
  1    some records could not be used (each is listed, with the reason)
  2    usage or I/O error (the message is on standard error)
  3    an internal error: please report it

CM: by default CM is not taken to hold every vasopressor given, so where no
vasopressor record covers a CRS assessment, vasopressors are unknown (a fever
with hypotension is then CRS 2-4). With --cm-complete the study declares its CM
complete and such a time has none (the same assessment is CRS 2).

examples:
  {prog} sdtm examples/sdtm --cm-complete -o adam
  {prog} sdtm examples/sdtm --cm-complete --output-format json > report.json
"""


def _run_sdtm(args: argparse.Namespace) -> int:
    # The adapter is imported on use: the other subcommands never load it.
    from astct_grading.cdisc import (  # noqa: PLC0415
        MedicationMapping,
        SdtmMapping,
        SdtmReadError,
        derive_study,
        read_sdtm,
        write_adam,
    )
    from astct_grading.cdisc.report import render_text, study_report  # noqa: PLC0415

    try:
        domains = read_sdtm(args.folder)
        mapping = SdtmMapping(
            medications=MedicationMapping(complete=args.cm_complete), time_zone=args.time_zone
        )
        study = derive_study(domains, mapping)
    except (SdtmReadError, ValueError) as error:
        raise _UsageError(str(error)) from None
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if args.output is not None:
        try:
            write_adam(study, args.output, formats, studyid=args.studyid)
        except (ValueError, ImportError) as error:
            raise _UsageError(str(error)) from None
    if args.output_format == "json":
        document = study_report(study, args.folder)
        _write_document(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        _write_document(render_text(study, args.folder))
    used = all(issue.kind == "not_used" for issue in study.issues)
    return EXIT_OK if used else EXIT_INVALID


def add_sdtm(commands: _Commands) -> None:
    """Add ``sdtm`` to the parser (one line in ``cli.app``)."""
    parser = commands.add_parser(
        "sdtm",
        help="grade a study from its SDTM domains and check the reported grades",
        description="Build and grade each subject's course from SDTM domains, print the cohort "
        "report with the concordance of the derived grades with AETOXGR, and write ADaM-style "
        "datasets.",
        epilog=_EPILOG.format(prog=PROG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("folder", metavar="FOLDER", help="the folder of SDTM domain files")
    parser.add_argument("-o", "--output", metavar="DIR", help="write the ADaM-style datasets here")
    parser.add_argument(
        "--formats",
        default="csv,parquet,xpt",
        help="output formats, comma-separated (default: csv,parquet,xpt)",
    )
    parser.add_argument(
        "--time-zone",
        default="UTC",
        help="IANA zone of --DTC values without a UTC offset (default: UTC)",
    )
    parser.add_argument(
        "--cm-complete",
        action="store_true",
        help="the study declares its CM complete: at a time no vasopressor record covers, none "
        "was given (otherwise vasopressors are unknown there and the CRS grade is a range)",
    )
    parser.add_argument("--studyid", help="STUDYID for the output rows")
    parser.add_argument(
        "--output-format",
        choices=("text", "json"),
        default="text",
        help="text for a terminal (the default) or one JSON document",
    )
    parser.set_defaults(run=_run_sdtm)
