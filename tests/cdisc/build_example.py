"""Write examples/sdtm/: the demo cohort as an SDTM package (CSV), with AE grades.

Run ``python -m tests.cdisc.build_example`` to write it again. The investigator's grades
(AETOXGR) are each episode's derived maximum, except the deliberately discordant ones in
:data:`DISCORDANT`, and the package carries one record with a day-only date and one with a unit
the mapping cannot read, so that the example shows how both are reported.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from astct_grading.cdisc import MedicationMapping, SdtmMapping
from astct_grading.course import Course, grade_course
from tests.cdisc.sdtm_rows import Domains, course_domains, merge

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "examples" / "sdtm"
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


def write(folder: Path = FOLDER) -> None:
    """Write one CSV file per domain."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in study().items():
        columns = list(dict.fromkeys(key for row in rows for key in row))
        with (folder / f"{name.lower()}.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, columns, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in row.items()}
                )


if __name__ == "__main__":
    write()
