"""Write examples/sdtm/: the demo cohort as an SDTM package, in CSV and in XPT, with AE grades.

Run ``python -m tests.cdisc.build_example`` to write it again. The investigator's grades
(AETOXGR) are each episode's derived maximum, except the deliberately discordant ones in
:data:`DISCORDANT`, and the package carries one record with a day-only date and one with a unit
the mapping cannot read, so that the example shows how both are reported.

The same domains are written twice: one CSV file per domain in ``examples/sdtm/`` and one SAS
transport file (XPT, version 5, as submissions use) per domain in ``examples/sdtm/xpt/``, the
latter with the ``cdisc`` extra (pyreadstat, pandas). In XPT the numeric variables (AGE, --SEQ,
--STRESN) are numeric and the others character, as SDTM defines them.
"""

from __future__ import annotations

import csv
import json
import math
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from astct_grading.cdisc import MedicationMapping, SdtmMapping
from astct_grading.course import Course, grade_course
from tests.cdisc.sdtm_rows import Domains, course_domains, merge

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "examples" / "sdtm"
XPT_FOLDER = FOLDER / "xpt"
#: The date-time written as "created" and "modified" in the XPT headers. A transport file records
#: when it was written (SAS TS-140, "Record layout of a SAS version 5 or 6 data set in SAS
#: transport (XPORT) format": the library and member header records end in the creation
#: date-time, ddMMMyy:hh:mm:ss, and the records after them begin with the modification one); the
#: writer uses the clock, so the builder sets this fixed one and two builds give the same bytes.
XPT_STAMP = b"01JAN24:00:00:00"
_STAMP = re.compile(rb"\d\d[A-Z]{3}\d\d:\d\d:\d\d:\d\d")
_RECORD = 80  # every header record of a transport file is 80 bytes (TS-140)
_HEADERS = (
    b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!",
    b"HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!",
)
#: The example study declares its CM complete (``astct-grading sdtm --cm-complete``): the demo
#: cohort records the vasopressors at every CRS assessment (``[]`` when none was given), and CM
#: holds a record for every one of them, so a time no CM record covers had none. The mapping's
#: default does not assume this (vasopressors unknown where CM has no record, D13); the tests
#: that compare the example with the native demo cohort use this mapping, and
#: ``test_by_default_the_example_leaves_vasopressors_unknown`` shows what the default gives.
MAPPING = SdtmMapping(medications=MedicationMapping(complete=True))
#: (subject, scale, episode number) -> the reported grade, deliberately not the derived one.
DISCORDANT = {("DEMO-01", "CRS", 1): 3, ("DEMO-06", "ICANS", 1): 2}


def _events(course: Course) -> list[dict[str, Any]]:
    result = grade_course(course)
    rows = []
    terms = {
        "CRS": "Cytokine release syndrome",
        "ICANS": "Immune effector cell-associated neurotoxicity syndrome",
    }
    for episode in (*result.crs_episodes, *result.icans_episodes):
        if not episode.established:
            continue
        grade = DISCORDANT.get(
            (course.patient_id, episode.scale, episode.number), episode.max_grade_min
        )
        row: dict[str, Any] = {
            "STUDYID": "DEMO",
            "DOMAIN": "AE",
            "USUBJID": course.patient_id,
            "AETERM": terms[episode.scale].upper(),
            "AEDECOD": terms[episode.scale],
            "AETOXGR": str(grade),
            "AESTDTC": episode.onset_at.isoformat(),
            "AEENDTC": "" if episode.resolved_at is None else episode.resolved_at.isoformat(),
        }
        rows.append(row)
    for number, row in enumerate(rows, 1):
        row["AESEQ"] = number
    return rows


def study() -> Domains:
    """The demo cohort as SDTM domains, with AE and two records the mapping reports."""
    cohort = json.loads((ROOT / "astct_grading" / "data" / "demo_cohort.json").read_text("utf-8"))
    parts = []
    for record in cohort["courses"]:
        course = Course.model_validate(record)
        age = record["icans_assessments"][0]["assessment"]["age_years"]
        domains = course_domains(course, age)
        domains["AE"] = _events(course)
        parts.append(domains)
    merged = merge(*parts)
    base = {
        "STUDYID": "DEMO",
        "DOMAIN": "VS",
        "USUBJID": "DEMO-03",
        "VSTESTCD": "TEMP",
        "VSTEST": "Temperature",
    }
    merged["VS"].append(
        {**base, "VSSEQ": 901.0, "VSORRES": "37.2", "VSORRESU": "C", "VSDTC": "2023-09-06"}
    )
    merged["VS"].append(
        {
            **base,
            "VSSEQ": 902.0,
            "VSORRES": "310.4",
            "VSORRESU": "K",
            "VSDTC": "2023-09-06T08:00:00+09:00",
        }
    )
    return merged


def _text(value: Any) -> str:
    # As in the CSV files: a number as its shortest form, nothing as empty.
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def fixed_stamps(data: bytes) -> bytes:
    """The transport file ``data`` with every created and modified date-time set to XPT_STAMP.

    Raises:
        ValueError: a header record without a date-time where TS-140 puts one.
    """
    out = bytearray(data)
    for start in range(0, len(data), _RECORD):
        if not data.startswith(_HEADERS, start):
            continue
        # The next record ends in the creation date-time; the one after begins with the
        # modification date-time (TS-140, the library and the member header records).
        for at in (start + 2 * _RECORD - 16, start + 2 * _RECORD):
            if not _STAMP.fullmatch(data[at : at + 16]):
                raise ValueError(f"no header date-time at byte {at}: not a version 5 XPT file?")
            out[at : at + 16] = XPT_STAMP
    return bytes(out)


def _write_xpt(path: Path, name: str, rows: Sequence[dict[str, Any]]) -> None:
    import pyarrow as pa  # the cdisc extra, imported on use (CSV needs none)
    import pyreadstat

    columns = list(dict.fromkeys(key for row in rows for key in row))
    data: dict[str, list[Any]] = {}
    for column in columns:
        values = [row.get(column) for row in rows]
        if any(isinstance(v, (int, float)) for v in values) and all(
            v is None or isinstance(v, (int, float)) for v in values
        ):  # a numeric variable: missing is a numeric missing value
            data[column] = [math.nan if v is None else float(v) for v in values]
        else:
            data[column] = [_text(v) for v in values]
    with tempfile.TemporaryDirectory() as temporary:
        written = Path(temporary) / path.name
        pyreadstat.write_xport(
            pa.table(data).to_pandas(),  # pandas, as pyreadstat writes from a DataFrame
            str(written),
            table_name=name,
            file_format_version=5,
        )
        path.write_bytes(fixed_stamps(written.read_bytes()))


def write(folder: Path = FOLDER, xpt: bool = True) -> None:
    """Write one CSV file per domain, and with ``xpt`` one XPT file per domain in ``xpt/``."""
    folder.mkdir(parents=True, exist_ok=True)
    domains = study()
    for name, rows in domains.items():
        columns = list(dict.fromkeys(key for row in rows for key in row))
        with (folder / f"{name.lower()}.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, columns, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in row.items()}
                )
    if xpt:
        (folder / "xpt").mkdir(exist_ok=True)
        for name, rows in domains.items():
            _write_xpt(folder / "xpt" / f"{name.lower()}.xpt", name, rows)


if __name__ == "__main__":
    write()
