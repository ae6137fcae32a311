"""The example files of examples/ (the README and docs run the CLI on them) are valid and current.

They are written by scripts/make_examples.py; these tests read the files on disk independently of
the script: every record has an id and validates, the CSV and JSON Lines files of a scale grade to
the same results through the command-line tool, and the courses carry real offsets and a time zone.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel

from astct_grading.course import Course, grade_course
from astct_grading.crs.grading import CrsAssessment
from astct_grading.icans import IcansAssessment
from astct_grading.sle.sledai import SledaiVisit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCALES: dict[str, type[BaseModel]] = {
    "crs": CrsAssessment,
    "icans": IcansAssessment,
    "sledai": SledaiVisit,
}
FILES = sorted([*(f"{s}.{x}" for s in SCALES for x in ("jsonl", "csv")), "courses.jsonl"])


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_examples", ROOT / "scripts" / "make_examples.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _records(name: str) -> list[dict[str, Any]]:
    lines = (EXAMPLES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "astct_grading", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


#: Example files written by hand, not by the script: the FHIR Bundle (docs/fhir.md; tests/fhir).
HAND_WRITTEN = ["fhir_bundle.json"]


def test_the_folder_holds_the_example_files() -> None:
    # Files only: examples/sdtm/ is the SDTM study of docs/cdisc.md.
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_file()) == sorted(
        [*FILES, *HAND_WRITTEN]
    )


def test_the_files_are_what_the_script_writes() -> None:
    texts = _script().render()
    assert sorted(texts) == FILES
    for name, text in texts.items():
        assert (EXAMPLES / name).read_text(encoding="utf-8") == text, name


@pytest.mark.parametrize("name", [*(f"{s}.jsonl" for s in SCALES), "courses.jsonl"])
def test_every_json_record_has_an_id_and_validates(name: str) -> None:
    model = SCALES.get(name.split(".", maxsplit=1)[0], Course)
    records = _records(name)
    assert 4 <= len(records) <= 8 or name == "courses.jsonl"
    ids = [record["id"] for record in records]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == len(ids)
    for record in records:
        body = {key: value for key, value in record.items() if key != "id"}
        model.model_validate_json(json.dumps(body))
        # Yes/no inputs are JSON booleans, never words.
        assert not {"true", "false", "yes", "no"} & {
            leaf.lower() for leaf in _leaves(body) if isinstance(leaf, str)
        }


@pytest.mark.parametrize("scale", sorted(SCALES))
def test_the_csv_and_the_json_lines_grade_alike(scale: str) -> None:
    # Boolean cells are written `true`/`false`, and each CSV row is its JSON line's record.
    with (EXAMPLES / f"{scale}.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    records = _records(f"{scale}.jsonl")
    assert [row["id"] for row in rows] == [record["id"] for record in records]
    for row, record in zip(rows, records, strict=True):
        for column, cell in row.items():
            value: Any = record
            for key in column.split("."):
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, bool):
                assert cell == ("true" if value else "false"), (record["id"], column)
            elif value is None:
                assert cell == "", (record["id"], column)
    from_jsonl, from_csv = (
        _cli(scale, f"examples/{scale}.jsonl"),
        _cli(scale, f"examples/{scale}.csv"),
    )
    assert (from_jsonl.returncode, from_jsonl.stderr) == (0, "")
    assert (from_csv.returncode, from_csv.stderr) == (0, "")
    jsonl_out = [json.loads(line) for line in from_jsonl.stdout.splitlines()]
    csv_out = [json.loads(line) for line in from_csv.stdout.splitlines()]
    assert [(o["id"], o["result"]) for o in csv_out] == [(o["id"], o["result"]) for o in jsonl_out]


def test_the_courses_have_offsets_and_one_a_time_zone() -> None:
    records = _records("courses.jsonl")
    assert len(records) >= 3
    stamps = [
        entry["at"]
        for record in records
        for key in ("crs_assessments", "icans_assessments", "treatments")
        for entry in record.get(key, [])
    ] + [record["infusion_at"] for record in records]
    assert all(stamp.endswith("Z") or stamp[-6] in "+-" for stamp in stamps)
    zoned = [record for record in records if "time_zone" in record]
    assert [record["time_zone"] for record in zoned] == ["America/New_York"]
    # The zone matters there: the course crosses a daylight-saving change near midnight.
    body = {key: value for key, value in zoned[0].items() if key != "id"}
    local = grade_course(body)
    fixed = grade_course({**body, "time_zone": None})
    assert [g.day for g in local.crs] != [g.day for g in fixed.crs]
    for record in records:
        result = grade_course({key: value for key, value in record.items() if key != "id"})
        assert result.summary.crs.assessed


def test_the_cli_grades_every_example_course() -> None:
    done = _cli("course", "examples/courses.jsonl")
    assert (done.returncode, done.stderr) == (0, "")
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["id"] for line in lines] == [r["id"] for r in _records("courses.jsonl")]
    assert all("result" in line for line in lines)
