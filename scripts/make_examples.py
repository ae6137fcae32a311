"""Write the example input files of examples/: CRS, ICANS and SLEDAI-2K records, patient courses.

The README and docs/*.md run the command-line tool on these files. Every record is written here as
a plain dict, validated with the library's own input model before it is written (so a file that
the script writes is always valid), and written as JSON Lines, and for the three scales also as
CSV with the columns `astct-grading schema --columns SCALE` lists (``true``/``false`` booleans,
``;``-separated lists, ``[]`` for an empty list, an empty cell for "not assessed"). The records are
invented and illustrative, not patient data. Nothing is random: running the script again gives
the same files byte for byte, and ``tests/test_examples.py`` checks that it does.

Usage:
    .venv/bin/python scripts/make_examples.py          # write the files
    .venv/bin/python scripts/make_examples.py --check  # exit 1 if a file is out of date
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from astct_grading.course import Course
from astct_grading.crs.grading import CrsAssessment
from astct_grading.icans import IcansAssessment
from astct_grading.sle.sledai import SledaiVisit

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

Record = dict[str, Any]

ROOM_AIR = {"device": "room_air"}

CRS: list[Record] = [
    {
        "id": "P001-day1-08h",
        "temperature": {"value": 38.4, "unit": "C"},
        "hypotension": False,
        "oxygen": ROOM_AIR,
    },
    {
        "id": "P001-day1-20h",
        "temperature": {"value": 39.1, "unit": "C"},
        "hypotension": True,
        "vasopressors": [],
        "oxygen": {"device": "nasal_cannula", "flow_l_min": 4},
    },
    {
        # Afebrile after tocilizumab (the post-treatment waiver, D1), on one vasopressor: grade 3.
        "id": "P001-day2-08h",
        "temperature": {"value": 37.2, "unit": "C"},
        "fever_waiver": True,
        "hypotension": True,
        "vasopressors": ["norepinephrine"],
        "oxygen": {"device": "nasal_cannula", "flow_l_min": 6},
    },
    {
        "id": "P002-day3-14h",
        "temperature": {"value": 101.3, "unit": "F"},
        "hypotension": False,
        "oxygen": {"device": "high_flow_nasal_cannula", "flow_l_min": 40},
    },
    {
        "id": "P003-day2-02h",
        "temperature": {"value": 39.6, "unit": "C"},
        "hypotension": True,
        "vasopressors": ["norepinephrine", "vasopressin"],
        "oxygen": {"device": "bipap"},
    },
    {
        # Oxygen not recorded: the grade is the range its absence allows (D13).
        "id": "P004-day1-06h",
        "temperature": {"value": 38.2, "unit": "C"},
        "hypotension": False,
    },
]

ICANS: list[Record] = [
    {
        "id": "P001-day4",
        "age_years": 54,
        "ice": {"total": 10},
        "consciousness": "alert",
        "seizure": False,
        "motor": "none",
        "icp": [],
    },
    {
        "id": "P002-day5",
        "age_years": 38,
        "ice": {
            "orientation_year": 1,
            "orientation_month": 1,
            "orientation_city": 1,
            "orientation_hospital": 0,
            "naming_object_1": 1,
            "naming_object_2": 1,
            "naming_object_3": 1,
            "follows_commands": 1,
            "writes_sentence": 0,
            "counts_back_by_ten": 1,
        },
        "consciousness": "awakens_spontaneously",
        "seizure": False,
        "motor": "none",
        "icp": [],
        "tremor": True,
    },
    {
        "id": "P003-day6",
        "age_years": 61,
        "ice": {"total": 5},
        "consciousness": "awakens_to_voice",
        "seizure": False,
        "motor": "none",
        "icp": [],
    },
    {
        "id": "P005-day7",
        "age_years": 47,
        "ice": {"total": 2},
        "consciousness": "awakens_to_tactile_stimulus",
        "seizure": True,
        "seizure_duration_min": 2,
        "seizure_without_return_to_baseline": False,
        "motor": "none",
        "icp": ["focal_oedema"],
    },
    {
        # A child of 6: CAPD instead of ICE (D7).
        "id": "C001-day4",
        "age_years": 6,
        "capd": {"total": 4},
        "consciousness": "alert",
        "seizure": False,
        "motor": "none",
        "icp": [],
    },
]

_QUIET = dict.fromkeys(
    (
        "seizure",
        "psychosis",
        "organic_brain_syndrome",
        "visual_disturbance",
        "cranial_nerve_disorder",
        "lupus_headache",
        "cerebrovascular_accident",
        "vasculitis",
        "myositis",
        "urinary_casts",
        "haematuria",
        "pyuria",
        "rash",
        "alopecia",
        "mucosal_ulcers",
        "pleurisy",
        "pericarditis",
        "leukopenia",
    ),
    False,
)

SLEDAI: list[Record] = [
    {
        "id": "S001-baseline",
        **_QUIET,
        "visit_date": "2024-01-15",
        "rash": True,
        "alopecia": True,
        "arthritis_joint_count": 4,
        "proteinuria_g_24h": 1.2,
        "platelets_10e9_l": 180,
        "temperature": {"value": 37.1, "unit": "C"},
        "c3": {"value": 0.62, "lower_limit": 0.9, "unit": "g/L"},
        "c4": {"value": 0.08, "lower_limit": 0.1, "unit": "g/L"},
        "anti_dsdna": {"value": 210, "upper_limit": 100, "unit": "IU/mL"},
    },
    {
        "id": "S001-month3",
        **_QUIET,
        "visit_date": "2024-04-15",
        "arthritis_joint_count": 0,
        "low_complement": False,
        "proteinuria_g_24h": 0.3,
        "platelets_10e9_l": 210,
        "temperature": {"value": 36.8, "unit": "C"},
        "c3": {"value": 0.95, "lower_limit": 0.9, "unit": "g/L"},
        "c4": {"value": 0.16, "lower_limit": 0.1, "unit": "g/L"},
        "anti_dsdna": {"value": 40, "upper_limit": 100, "unit": "IU/mL"},
    },
    {
        "id": "S002-baseline",
        **_QUIET,
        "visit_date": "2024-02-01",
        "pleurisy": True,
        "arthritis_joint_count": 2,
        "proteinuria_g_24h": 0.4,
        "platelets_10e9_l": 85,
        "thrombocytopenia_other_cause": False,
        "temperature": {"value": 38.4, "unit": "C"},
        "low_complement": True,
        "increased_dna_binding": True,
    },
    {
        # Proteinuria not measured: the score is a range (D13).
        "id": "S002-month1",
        **_QUIET,
        "visit_date": "2024-03-01",
        "arthritis_joint_count": 0,
        "platelets_10e9_l": 140,
        "temperature": {"value": 36.9, "unit": "C"},
        "low_complement": True,
        "increased_dna_binding": False,
    },
]

FEVER = {"temperature": {"value": 38.7, "unit": "C"}, "hypotension": False, "oxygen": ROOM_AIR}
AFEBRILE = {"temperature": {"value": 37.0, "unit": "C"}, "hypotension": False, "oxygen": ROOM_AIR}
ALERT = {
    "age_years": 34,
    "ice": {"total": 10},
    "consciousness": "alert",
    "seizure": False,
    "motor": "none",
    "icp": [],
}


def _crs(at: str, **assessment: Any) -> Record:
    return {"at": at, "assessment": assessment}


def _icans(at: str, **changes: Any) -> Record:
    return {"at": at, "assessment": {**ALERT, **changes}}


def _visit(label: str, day: str, **inputs: Any) -> Record:
    descriptors = {k: inputs.pop(k) for k in list(inputs) if k in SledaiVisit.model_fields}
    quiet = {**_QUIET, "fever": False, "thrombocytopenia": False, "proteinuria": False}
    return {"label": label, "visit": {**quiet, **descriptors, "visit_date": day}, **inputs}


COURSES: list[Record] = [
    {
        # CRS grade 2 that goes on without fever after tocilizumab (the D1 waiver), then remission.
        "id": "CD19-01",
        "patient_id": "CD19-01",
        "product": "CD19",
        "infusion_at": "2024-03-04T10:00:00+01:00",
        "crs_assessments": [
            _crs("2024-03-05T08:00:00+01:00", **FEVER),
            _crs(
                "2024-03-05T14:00:00+01:00",
                temperature={"value": 39.2, "unit": "C"},
                hypotension=False,
                oxygen={"device": "nasal_cannula", "flow_l_min": 3},
            ),
            _crs(
                "2024-03-06T08:00:00+01:00",
                temperature={"value": 37.1, "unit": "C"},
                hypotension=False,
                oxygen={"device": "nasal_cannula", "flow_l_min": 2},
            ),
            _crs("2024-03-07T08:00:00+01:00", **AFEBRILE),
            _crs("2024-03-08T08:00:00+01:00", **AFEBRILE),
        ],
        "icans_assessments": [
            _icans("2024-03-05T09:00:00+01:00"),
            _icans("2024-03-07T09:00:00+01:00"),
        ],
        "treatments": [
            {
                "at": "2024-03-04T09:30:00+01:00",
                "therapy": "antipyretic",
                "agent": "paracetamol",
                "dose": "1 g",
            },
            {
                "at": "2024-03-05T15:00:00+01:00",
                "therapy": "tocilizumab",
                "agent": "tocilizumab",
                "dose": "8 mg/kg",
            },
        ],
        "sledai_visits": [
            _visit(
                "baseline",
                "2024-02-26",
                rash=True,
                arthritis_joint_count=3,
                low_complement=True,
                increased_dna_binding=True,
                pga=2.1,
                prednisolone_mg_day=15,
            ),
            _visit(
                "month 3",
                "2024-06-03",
                arthritis_joint_count=0,
                low_complement=False,
                increased_dna_binding=False,
                pga=0.3,
                prednisolone_mg_day=5,
                new_bilag_a=0,
                new_bilag_b=0,
                stable_maintenance=True,
                standard_maintenance=True,
                haemolytic_anaemia=False,
                gastrointestinal_activity=False,
                new_activity=False,
            ),
        ],
    },
    {
        # ICANS grade 2 (ICE 5, wakes to voice) treated with dexamethasone; fever-only CRS in °F.
        "id": "BCMA-02",
        "patient_id": "BCMA-02",
        "product": "BCMA",
        "infusion_at": "2024-05-13T09:00:00Z",
        "crs_assessments": [
            _crs(
                "2024-05-13T21:00:00Z",
                temperature={"value": 100.9, "unit": "F"},
                hypotension=False,
                oxygen=ROOM_AIR,
            ),
            _crs("2024-05-14T09:00:00Z", **AFEBRILE),
            _crs("2024-05-15T09:00:00Z", **AFEBRILE),
        ],
        "icans_assessments": [
            _icans("2024-05-17T08:00:00Z"),
            _icans("2024-05-18T08:00:00Z", ice={"total": 5}, consciousness="awakens_to_voice"),
            _icans("2024-05-19T08:00:00Z", ice={"total": 8}),
            _icans("2024-05-20T08:00:00Z"),
            _icans("2024-05-21T08:00:00Z"),
        ],
        "treatments": [
            {
                "at": "2024-05-18T09:00:00Z",
                "therapy": "corticosteroid",
                "agent": "dexamethasone",
                "dose": "10 mg",
            },
        ],
    },
    {
        # A New York site: the course crosses the spring daylight-saving change (10 March 2024),
        # so its time_zone keeps the 00:30 assessment of 11 March on day 3 (docs/course.md).
        "id": "CD19-03",
        "patient_id": "CD19-03",
        "product": "CD19",
        "infusion_at": "2024-03-08T10:00:00-05:00",
        "time_zone": "America/New_York",
        "crs_assessments": [
            _crs("2024-03-09T20:00:00-05:00", **FEVER),
            _crs(
                "2024-03-10T23:30:00-04:00",
                temperature={"value": 38.9, "unit": "C"},
                hypotension=True,
                vasopressors=[],
                oxygen=ROOM_AIR,
            ),
            _crs("2024-03-11T00:30:00-04:00", **AFEBRILE),
            _crs("2024-03-12T08:00:00-04:00", **AFEBRILE),
        ],
        "icans_assessments": [
            _icans("2024-03-10T09:00:00-04:00"),
            _icans("2024-03-11T00:30:00-04:00", ice={"total": 9}),
            _icans("2024-03-12T09:00:00-04:00"),
            _icans("2024-03-13T09:00:00-04:00"),
        ],
        "treatments": [
            {"at": "2024-03-10T23:45:00-04:00", "therapy": "tocilizumab", "dose": "8 mg/kg"},
        ],
    },
]

#: Each example file: its name, the model one record (less its id) must validate against, and the
#: records.
FILES: tuple[tuple[str, type[BaseModel], list[Record]], ...] = (
    ("crs", CrsAssessment, CRS),
    ("icans", IcansAssessment, ICANS),
    ("sledai", SledaiVisit, SLEDAI),
    ("courses", Course, COURSES),
)


def validated(model: type[BaseModel], records: Sequence[Mapping[str, Any]]) -> None:
    """Validate every record, less its ``id``, against ``model`` from its JSON text."""
    for record in records:
        body = {key: value for key, value in record.items() if key != "id"}
        model.model_validate_json(json.dumps(body))


def _flat(record: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in record.items():
        if isinstance(value, Mapping):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _cell(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value) if value else "[]"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def jsonl(records: Sequence[Mapping[str, Any]]) -> str:
    """The records as JSON Lines, one compact object per line."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)


def csv_text(records: Sequence[Mapping[str, Any]]) -> str:
    """The records as CSV: dotted columns in order of first use, an empty cell when not given."""
    rows = [dict(_flat(record)) for record in records]
    columns = list(dict.fromkeys(column for row in rows for column in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) if c in row else "" for c in columns])
    return out.getvalue()


def render() -> dict[str, str]:
    """Every example file's name and text, each record validated first."""
    texts: dict[str, str] = {}
    for name, model, records in FILES:
        validated(model, records)
        texts[f"{name}.jsonl"] = jsonl(records)
        if model is not Course:  # a course nests lists: JSON Lines only
            texts[f"{name}.csv"] = csv_text(records)
    return texts


def main(argv: list[str] | None = None) -> int:
    """Write the example files, or with ``--check`` report whether they are up to date."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    texts = render()
    if args.check:
        stale = [
            name
            for name, text in texts.items()
            if not (EXAMPLES / name).exists()
            or (EXAMPLES / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"examples/{name} is out of date: run scripts/make_examples.py", file=sys.stderr)
        return 1 if stale else 0
    EXAMPLES.mkdir(exist_ok=True)
    for name, text in texts.items():
        (EXAMPLES / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(texts)} files to {EXAMPLES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
