"""The CRS golden corpus (tests/golden/data/crs*.jsonl.gz), graded column-wise, matches.

Each record a typed table can hold exactly is graded in one table per set of columns and option
set: its grade, bounds, drivers, missing inputs and criteria version equal the frozen result, or
its first error (field and type) the frozen errors. A record no typed column can hold (a number
written as text, a vasopressor object with a dose, an explicit null inside an object...) is left
out and counted; most records are held (a vasopressor object of a valid record is read as
its agent's name).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pyarrow as pa
import pytest

from astct_grading.crs import CrsOptions
from astct_grading.frame import grade_crs_table
from tests.frame.crs_rows import COUNT, flatten, schema_for
from tests.golden.corpus import CORPORA, read_texts

_OPTIONS = {
    None: CrsOptions(),
    "cannula_unknown": CrsOptions(unlabelled_cannula_without_flow="unknown"),
}


def _exact_row(record: dict[str, Any], valid: bool) -> dict[str, Any] | None:
    """The record's given cells only, or None when a table cannot say exactly what it says.

    In a valid record a vasopressor object is read as its agent: its dose is for the record
    only and never read for the grade (D3); the column holds the agents' names.
    """
    items = record.get("vasopressors")
    if valid and isinstance(items, list):
        record = {
            **record,
            "vasopressors": [i["agent"] if isinstance(i, dict) else i for i in items],
        }
    for key in ("temperature", "oxygen"):
        inner = record.get(key)
        if isinstance(inner, dict) and (not inner or None in inner.values()):
            return None  # {} or an explicit null inside: a null cell leaves the key out
    row = flatten(record)
    if row is None:
        return None
    given = {
        name
        for name in row
        if name.partition(".")[0] in record
        and (name.partition(".")[0] not in ("temperature", "oxygen") or row[name] is not None)
    }
    return {name: row[name] for name in given}


@pytest.mark.parametrize(
    "file", ["crs.jsonl.gz", "crs_boundary.jsonl.gz", "crs_counted_boundary.jsonl.gz"]
)
def test_crs_golden_corpus_graded_column_wise(file: str) -> None:
    corpus = next(c for c in CORPORA if c.file == file)
    groups: dict[tuple[Any, tuple[str, ...], bool], list[tuple[dict[str, Any], dict[str, Any]]]] = (
        defaultdict(list)
    )
    left_out = 0
    lines = read_texts(corpus)
    for line in lines:
        frozen = json.loads(line)
        row = _exact_row(frozen["input"], "result" in frozen)
        if row is None:
            left_out += 1
            continue
        text_count = isinstance(row.get(COUNT), str)  # a text count column holds no integer
        groups[frozen.get("options"), tuple(sorted(row)), text_count].append((row, frozen))
    assert left_out < len(lines) / 8  # crs: 2,495 of 24,000 (invalid types, mostly)
    compared = 0
    for (options, names, _), members in groups.items():
        schema = schema_for([row for row, _ in members], list(names))
        out = grade_crs_table(
            pa.Table.from_pylist([row for row, _ in members], schema=schema),
            options=_OPTIONS[options],
        ).to_pylist()
        for (_, frozen), graded in zip(members, out, strict=True):
            if "result" in frozen:
                result = frozen["result"]
                assert graded["error_type"] is None, (frozen, graded)
                for key in ("grade", "grade_min", "grade_max", "drivers", "missing"):
                    assert graded[key] == result[key], (key, frozen, graded)
                assert graded["criteria_version"] == result["criteria_version"]
            else:
                first = frozen["errors"][0]
                assert graded["error_type"] == first["type"], (frozen, graded)
                assert graded["error_field"] == ".".join(str(p) for p in first["loc"])
                assert graded["grade_min"] is None
            compared += 1
    assert compared + left_out == len(lines)
