"""The ICANS golden corpus (tests/golden/data/icans*.jsonl.gz), graded column-wise, matches.

Each record a typed table can hold exactly is graded in one table per set of columns and option
set: its grade, bounds, drivers, missing inputs and criteria version equal the frozen result, or
its first error (field and type) the frozen errors. A record no typed column can hold (a number
written as text, an unknown key, an object where a yes/no belongs, an explicit null inside the
ICE or the CAPD...) is left out and counted.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pyarrow as pa
import pytest

from astct_grading.frame import grade_icans_table
from astct_grading.icans import IcansOptions
from tests.frame.icans_rows import SCHEMA, flatten
from tests.golden.corpus import CORPORA, read_texts

_OPTIONS = {
    None: IcansOptions(),
    "ice_from_age_8": IcansOptions(ice_min_age_years=8.0),
    "ice_from_age_11": IcansOptions(ice_min_age_years=11.0),
}


def _exact_row(record: dict[str, Any]) -> dict[str, Any] | None:
    """The record's given cells only, or None when a table cannot say exactly what it says."""
    row = flatten(record)
    if row is None:
        return None
    given = {
        name
        for name in row
        if name.partition(".")[0] in record
        and (name.partition(".")[0] not in ("ice", "capd") or row[name] is not None)
    }
    return {name: row[name] for name in given}


@pytest.mark.parametrize(
    ("file", "most_left_out"), [("icans.jsonl.gz", 1_768), ("icans_boundary.jsonl.gz", 0)]
)
def test_icans_golden_corpus_graded_column_wise(file: str, most_left_out: int) -> None:
    corpus = next(c for c in CORPORA if c.file == file)
    groups: dict[tuple[Any, tuple[str, ...]], list[tuple[dict[str, Any], dict[str, Any]]]] = (
        defaultdict(list)
    )
    left_out = 0
    lines = read_texts(corpus)
    for line in lines:
        frozen = json.loads(line)
        row = _exact_row(frozen["input"])
        if row is None:
            left_out += 1
            continue
        groups[frozen.get("options"), tuple(sorted(row))].append((row, frozen))
    # icans: 1,768 of 24,000 (891 unknown keys, 454 yes/no given as other types, 142 numbers
    # as other types, 123 lists or texts as other types...; 127 valid records give the ICE or
    # the CAPD with every field null, which a table gives as no ICE or CAPD).
    assert left_out <= most_left_out, left_out
    compared = 0
    for (options, names), members in groups.items():
        schema = pa.schema([SCHEMA.field(name) for name in names])
        out = grade_icans_table(
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
                assert graded["error_message"] == first["msg"]
                assert graded["grade_min"] is None
            compared += 1
    assert compared + left_out == len(lines)
