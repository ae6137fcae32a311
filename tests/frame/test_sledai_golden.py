"""The SLEDAI-2K golden corpus (tests/golden/data/sledai*.jsonl.gz), scored column-wise, matches.

Each record a typed table can hold exactly is scored in one table per set of columns and option
set: its score, range, counted descriptors, missing inputs and criteria version equal the frozen
result, or its first error (field, type and message) the frozen errors. A number column reads an
integer as a float, so the one message that quotes its input (the window's: ``not 28.0`` for
``28``) is compared by field and type only. A record no typed column
can hold (a number written as text, a boolean in a number field, an object where a value
belongs, an explicit null inside an object...) is left out and counted.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pyarrow as pa
import pytest

from astct_grading.frame import grade_sledai2k_table
from astct_grading.sle.options import Sledai2kOptions
from tests.frame.sledai_rows import SCHEMA, flatten
from tests.golden.corpus import CORPORA, read_texts

_OPTIONS = {
    None: Sledai2kOptions(),
    "more_than_two": Sledai2kOptions(arthritis_threshold="more_than_two"),
}
#: The share of each corpus left out, at most: 2,041 of the 24,000 records of sledai.jsonl.gz
#: (a number as text, a boolean or an object in a number field...), none of the 1,600 boundary
#: records.
_LEFT_OUT_AT_MOST = {"sledai.jsonl.gz": 1 / 8, "sledai_boundary.jsonl.gz": 1 / 8}


@pytest.mark.parametrize("file", ["sledai.jsonl.gz", "sledai_boundary.jsonl.gz"])
def test_sledai_golden_corpus_scored_column_wise(file: str) -> None:
    corpus = next(c for c in CORPORA if c.file == file)
    groups: dict[tuple[Any, tuple[str, ...]], list[tuple[dict[str, Any], dict[str, Any]]]] = (
        defaultdict(list)
    )
    left_out = 0
    lines = read_texts(corpus)
    for line in lines:
        frozen = json.loads(line)
        row = flatten(frozen["input"]) if isinstance(frozen["input"], dict) else None
        if row is None:
            left_out += 1
            continue
        groups[frozen.get("options"), tuple(sorted(row))].append((row, frozen))
    assert left_out < len(lines) * _LEFT_OUT_AT_MOST[file], left_out
    compared = 0
    for (options, names), members in groups.items():
        schema = pa.schema([SCHEMA.field(name) for name in names])
        out = grade_sledai2k_table(
            pa.Table.from_pylist([row for row, _ in members], schema=schema),
            options=_OPTIONS[options],
        ).to_pylist()
        for (_, frozen), graded in zip(members, out, strict=True):
            if "result" in frozen:
                result = frozen["result"]
                assert graded["error_type"] is None, (frozen, graded)
                for key in ("score", "score_min", "score_max", "missing", "criteria_version"):
                    assert graded[key] == result[key], (key, frozen, graded)
                counted = [item["name"] for item in result["items"] if item["points_min"] > 0]
                assert graded["counted"] == counted
            else:
                first = frozen["errors"][0]
                assert graded["error_type"] == first["type"], (frozen, graded)
                assert graded["error_field"] == ".".join(str(p) for p in first["loc"])
                if first["type"] != "sledai_window":
                    # The window's message quotes the value: a number column reads 28 as 28.0.
                    assert graded["error_message"] == first["msg"]
                assert graded["score_min"] is None
            compared += 1
    assert compared + left_out == len(lines)
