"""ADaM-style output: one row per assessment and parameter, one row per reported event.

``ADTOX`` follows the ADaM Basic Data Structure (ADaMIG v1.3: USUBJID, PARAMCD, PARAM, AVAL,
ADT, ADTM, ADY, ATOXGR, SRCDOM); ``ADTOXEV`` puts the derived maximum grade beside the reported
AETOXGR for each CRS or ICANS event. Variables not in ADaMIG (the bounds, the driver, the missing
inputs, the waiver, the criteria version, the day from infusion) are named here and described in
:data:`VARIABLES`, the define-style metadata written beside the data. Names have at most 8
characters and labels at most 40, so the XPT (SAS transport version 5) files keep them.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from astct_grading.cdisc.concordance import Comparison, compare_events
from astct_grading.cdisc.derive import StudyDerivation
from astct_grading.cdisc.reader import EXTRA_HINT
from astct_grading.criteria.astct import CRITERIA_VERSION

__all__ = ["DATASETS", "FORMATS", "VARIABLES", "Variable", "adam_datasets", "write_adam"]

FORMATS = ("csv", "parquet", "xpt")


@dataclass(frozen=True, slots=True)
class Variable:
    """One variable of an output dataset, define-style.

    Attributes:
        dataset: ``ADTOX`` or ``ADTOXEV``.
        name: the variable (8 characters at most).
        label: its label (40 characters at most).
        type: ``Char`` or ``Num``.
        origin: ``Predecessor`` (copied from SDTM), ``Derived`` or ``Assigned``.
        description: how it is derived, with its source.
    """

    dataset: str
    name: str
    label: str
    type: str
    origin: str
    description: str


_ADTOX = "ADTOX"
_ADTOXEV = "ADTOXEV"
_V = Variable

#: The variables of both datasets, in their order (define-style metadata).
VARIABLES: tuple[Variable, ...] = (
    _V(_ADTOX, "STUDYID", "Study Identifier", "Char", "Predecessor", "DM.STUDYID."),
    _V(_ADTOX, "USUBJID", "Unique Subject Identifier", "Char", "Predecessor", "DM.USUBJID."),
    _V(_ADTOX, "ASEQ", "Analysis Sequence Number", "Num", "Derived", "1, 2, ... per subject."),
    _V(_ADTOX, "PARAMCD", "Parameter Code", "Char", "Assigned", "CRSGR or ICANSGR."),
    _V(
        _ADTOX,
        "PARAM",
        "Parameter",
        "Char",
        "Assigned",
        "CRS grade (ASTCT 2019) or ICANS grade (ASTCT 2019), Lee et al. BBMT 2019;25:625-638.",
    ),
    _V(
        _ADTOX,
        "AVAL",
        "Analysis Value",
        "Num",
        "Derived",
        "The grade of the assessment, by grade_course (waiver D1, episodes D20); null when the "
        "recorded inputs leave it open (then AVALMIN-AVALMAX).",
    ),
    _V(
        _ADTOX,
        "AVALMIN",
        "Lowest Grade the Data Allow",
        "Num",
        "Derived",
        "GradeResult.grade_min (D13).",
    ),
    _V(
        _ADTOX,
        "AVALMAX",
        "Highest Grade the Data Allow",
        "Num",
        "Derived",
        "GradeResult.grade_max (D13).",
    ),
    _V(
        _ADTOX,
        "ATOXGR",
        "Analysis Toxicity Grade",
        "Char",
        "Derived",
        "AVAL as text; null when open.",
    ),
    _V(
        _ADTOX,
        "ADTM",
        "Analysis Datetime",
        "Char",
        "Derived",
        "The assessment's time (ISO 8601, with its UTC offset): the --DTC of its records.",
    ),
    _V(
        _ADTOX,
        "ADT",
        "Analysis Date",
        "Char",
        "Derived",
        "The date of ADTM on the study's calendar (SdtmMapping.time_zone).",
    ),
    _V(
        _ADTOX,
        "ADY",
        "Analysis Relative Day",
        "Num",
        "Derived",
        "ADT - date of infusion + 1 when on or after it, else ADT - date of infusion (no day 0; "
        "ADaMIG v1.3 timing conventions, reference TRTSDT = the infusion).",
    ),
    _V(
        _ADTOX,
        "AINFDY",
        "Day from Infusion (Day 0)",
        "Num",
        "Derived",
        "The library's day: 0 on the infusion day (docs/course.md).",
    ),
    _V(
        _ADTOX,
        "WAIVER",
        "Fever Waiver Applied (D1)",
        "Char",
        "Derived",
        "CRS: Y, N, or null when it cannot be told (D1).",
    ),
    _V(
        _ADTOX,
        "DRIVER",
        "Findings That Set the Grade",
        "Char",
        "Derived",
        "GradeResult.drivers, e.g. fever; hypoxia.",
    ),
    _V(
        _ADTOX,
        "SRCDOM",
        "Source Data",
        "Char",
        "Derived",
        "The SDTM domains of the assessment's inputs.",
    ),
    _V(
        _ADTOX,
        "MISSING",
        "Inputs Leaving the Grade Open",
        "Char",
        "Derived",
        "GradeResult.missing (D13).",
    ),
    _V(_ADTOX, "CRITVER", "Criteria Version", "Char", "Assigned", f"{CRITERIA_VERSION}."),
    _V(_ADTOXEV, "STUDYID", "Study Identifier", "Char", "Predecessor", "AE.STUDYID."),
    _V(_ADTOXEV, "USUBJID", "Unique Subject Identifier", "Char", "Predecessor", "AE.USUBJID."),
    _V(_ADTOXEV, "AESEQ", "Sequence Number", "Num", "Predecessor", "AE.AESEQ."),
    _V(_ADTOXEV, "AEDECOD", "Dictionary-Derived Term", "Char", "Predecessor", "AE.AEDECOD."),
    _V(
        _ADTOXEV,
        "ASCALE",
        "Scale",
        "Char",
        "Derived",
        "CRS or ICANS, from AEDECOD (AdverseEventMapping).",
    ),
    _V(
        _ADTOXEV,
        "AESTDTC",
        "Start Date/Time of Adverse Event",
        "Char",
        "Predecessor",
        "AE.AESTDTC.",
    ),
    _V(_ADTOXEV, "AEENDTC", "End Date/Time of Adverse Event", "Char", "Predecessor", "AE.AEENDTC."),
    _V(
        _ADTOXEV,
        "AETOXGR",
        "Standard Toxicity Grade",
        "Char",
        "Predecessor",
        "AE.AETOXGR: the investigator's grade.",
    ),
    _V(
        _ADTOXEV,
        "ATOXGR",
        "Analysis Toxicity Grade",
        "Char",
        "Derived",
        "The maximum derived grade over the event's window (AESTDTC-AEENDTC); null when open.",
    ),
    _V(
        _ADTOXEV,
        "ATOXGRMN",
        "Lowest Derived Maximum",
        "Num",
        "Derived",
        "The lowest maximum the data allow.",
    ),
    _V(
        _ADTOXEV,
        "ATOXGRMX",
        "Highest Derived Maximum",
        "Num",
        "Derived",
        "The highest maximum the data allow.",
    ),
    _V(
        _ADTOXEV,
        "CONCSTAT",
        "Concordance Status",
        "Char",
        "Derived",
        "AGREE, DISCORDANT, RANGE_CONTAINS or NOT_COMPARABLE (docs/cdisc.md, Concordance).",
    ),
    _V(
        _ADTOXEV,
        "DRVDOM",
        "Domains Driving the Derived Grade",
        "Char",
        "Derived",
        "SDTM domains of the inputs that set the derived maximum.",
    ),
    _V(
        _ADTOXEV,
        "MISSING",
        "Inputs Leaving the Grade Open",
        "Char",
        "Derived",
        "The missing inputs inside the window (D13).",
    ),
    _V(
        _ADTOXEV,
        "CONCRSN",
        "Reason for Discordance",
        "Char",
        "Derived",
        "One sentence; null when the grades agree.",
    ),
    _V(_ADTOXEV, "CRITVER", "Criteria Version", "Char", "Assigned", f"{CRITERIA_VERSION}."),
)

DATASETS = {
    _ADTOX: "CRS and ICANS grade per assessment, derived from SDTM (ASTCT 2019)",
    _ADTOXEV: "CRS and ICANS events: reported vs derived grade",
}


def _columns(dataset: str) -> list[Variable]:
    return [v for v in VARIABLES if v.dataset == dataset]


def _day(date_: Any, reference: Any) -> int:
    days = int((date_ - reference).days)
    return days + 1 if days >= 0 else days


def _local(at: datetime, zone: ZoneInfo) -> datetime:
    return at.astimezone(zone)


def adam_datasets(
    study: StudyDerivation, studyid: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The two output datasets, as lists of rows.

    Args:
        study: the derivation.
        studyid: STUDYID (default: DM.STUDYID when DM names one study).

    Returns:
        ``{"ADTOX": [...], "ADTOXEV": [...]}``, each row a dict in :data:`VARIABLES` order.
    """
    zone = ZoneInfo(study.mapping.time_zone)
    studyid = studyid or study.studyid
    adtox: list[dict[str, Any]] = []
    for subject in study.subjects:
        if subject.result is None or subject.course is None:
            continue
        reference = _local(subject.course.infusion_at, zone).date()
        sequence = 0
        for paramcd, param, graded_list, sources in (
            ("CRSGR", "CRS grade (ASTCT 2019)", subject.result.crs, subject.crs_sources),
            ("ICANSGR", "ICANS grade (ASTCT 2019)", subject.result.icans, subject.icans_sources),
        ):
            for graded, source in zip(graded_list, sources, strict=True):
                sequence += 1
                result = graded.result
                local = _local(graded.at, zone)
                waiver = None if graded.waiver is None else "Y" if graded.waiver else "N"
                adtox.append(
                    {
                        "STUDYID": studyid,
                        "USUBJID": subject.usubjid,
                        "ASEQ": sequence,
                        "PARAMCD": paramcd,
                        "PARAM": param,
                        "AVAL": result.grade,
                        "AVALMIN": result.grade_min,
                        "AVALMAX": result.grade_max,
                        "ATOXGR": None if result.grade is None else str(result.grade),
                        "ADTM": local.isoformat(),
                        "ADT": local.date().isoformat(),
                        "ADY": _day(local.date(), reference),
                        "AINFDY": graded.day,
                        "WAIVER": waiver if paramcd == "CRSGR" else None,
                        "DRIVER": "; ".join(result.drivers) or None,
                        "SRCDOM": "/".join(sorted(set(source.values()))) or None,
                        "MISSING": "; ".join(result.missing) or None,
                        "CRITVER": result.criteria_version,
                    }
                )
    events = {(e.usubjid, e.seq, e.scale): e for s in study.subjects for e in s.events}
    adtoxev = [
        _event_row(pair, events[(pair.usubjid, pair.aeseq, pair.scale)], studyid)
        for pair in compare_events(study)
    ]
    return {_ADTOX: adtox, _ADTOXEV: adtoxev}


def _event_row(pair: Comparison, event: Any, studyid: str | None) -> dict[str, Any]:
    return {
        "STUDYID": studyid,
        "USUBJID": pair.usubjid,
        "AESEQ": None if pair.aeseq is None else float(pair.aeseq),
        "AEDECOD": pair.term,
        "ASCALE": pair.scale,
        "AESTDTC": None if event.start is None else event.start.text,
        "AEENDTC": None if event.end is None else event.end.text,
        "AETOXGR": None if pair.reported is None else str(pair.reported),
        "ATOXGR": None if pair.derived is None else str(pair.derived),
        "ATOXGRMN": pair.derived_min,
        "ATOXGRMX": pair.derived_max,
        "CONCSTAT": pair.status.upper(),
        "DRVDOM": pair.driver or None,
        "MISSING": "; ".join(pair.missing) or None,
        "CONCRSN": pair.reason or None,
        "CRITVER": CRITERIA_VERSION,
    }


def _write_csv(path: Path, columns: Sequence[Variable], rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, [v.name for v in columns], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _arrow_table(columns: Sequence[Variable], rows: Sequence[dict[str, Any]]) -> Any:
    import pyarrow as pa  # noqa: PLC0415 - the optional extra, imported on use

    types = {"Char": pa.string(), "Num": pa.float64()}
    schema = pa.schema(
        [
            pa.field(v.name, types[v.type], metadata={"label": v.label, "origin": v.origin})
            for v in columns
        ]
    )
    data = {v.name: [None if r[v.name] is None else r[v.name] for r in rows] for v in columns}
    for v in columns:
        if v.type == "Num":
            data[v.name] = [None if x is None else float(x) for x in data[v.name]]
    return pa.Table.from_pydict(data, schema=schema)


def _write_parquet(path: Path, columns: Sequence[Variable], rows: Sequence[dict[str, Any]]) -> None:
    import pyarrow.parquet as pq  # noqa: PLC0415 - the optional extra, imported on use

    pq.write_table(_arrow_table(columns, rows), path)


def _write_xpt(
    path: Path, name: str, columns: Sequence[Variable], rows: Sequence[dict[str, Any]]
) -> None:
    import pyreadstat  # noqa: PLC0415 - the optional extra, imported on use

    frame = _arrow_table(columns, rows).to_pandas()
    for v in columns:
        if v.type == "Char":  # SAS transport v5: character values of 200 bytes at most
            frame[v.name] = frame[v.name].map(
                lambda x: (
                    "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)[:200]
                )
            )
    pyreadstat.write_xport(
        frame,
        str(path),
        file_label=DATASETS[name][:40],
        column_labels={v.name: v.label for v in columns},
        table_name=name,
        file_format_version=5,
    )


def write_adam(
    study: StudyDerivation,
    folder: str | Path,
    formats: Sequence[str] = FORMATS,
    studyid: str | None = None,
) -> list[Path]:
    """Write ADTOX and ADTOXEV in each format, with the define-style metadata.

    Writes ``adtox.<fmt>``, ``adtoxev.<fmt>`` per format, ``define.csv`` (one row per variable)
    and ``issues.csv`` (every record or subject not used, with the reason).

    Args:
        study: the derivation.
        folder: the output folder (created if needed).
        formats: any of ``csv``, ``parquet``, ``xpt``.
        studyid: STUDYID for the rows (default: DM.STUDYID when DM names one study).

    Returns:
        The files written.

    Raises:
        ValueError: an unknown format.
        ImportError: Parquet or XPT without the ``cdisc`` extra (the message says how to install).
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown output format(s) {sorted(unknown)}: use {', '.join(FORMATS)}")
    if {"parquet", "xpt"} & set(formats):
        try:
            import pyarrow  # noqa: F401, PLC0415
            import pyreadstat  # noqa: F401, PLC0415
        except ImportError as error:  # pragma: no cover - the test environment has the extra
            raise ImportError(f"writing Parquet or XPT: {EXTRA_HINT}") from error
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    datasets = adam_datasets(study, studyid)
    written = []
    for name, rows in datasets.items():
        columns = _columns(name)
        for fmt in formats:
            path = root / f"{name.lower()}.{fmt}"
            if fmt == "csv":
                _write_csv(path, columns, rows)
            elif fmt == "parquet":
                _write_parquet(path, columns, rows)
            else:
                _write_xpt(path, name, columns, rows)
            written.append(path)
    define = root / "define.csv"
    with define.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["dataset", "variable", "label", "type", "origin", "description"])
        writer.writerows(
            [v.dataset, v.name, v.label, v.type, v.origin, v.description] for v in VARIABLES
        )
    issues = root / "issues.csv"
    with issues.open("w", encoding="utf-8", newline="") as stream:
        fields = ["usubjid", "domain", "seq", "variable", "value", "kind", "reason"]
        writer_ = csv.DictWriter(stream, fields, lineterminator="\n")
        writer_.writeheader()
        writer_.writerows(issue.to_dict() for issue in study.issues)
    (root / "datasets.json").write_text(json.dumps(DATASETS, indent=2) + "\n", encoding="utf-8")
    return [*written, define, issues, root / "datasets.json"]
