"""Properties of the command-line tool: one output line per input record, in order, always."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from astct_grading import grade_crs
from astct_grading.cli import main

AGENTS = ["norepinephrine", "epinephrine", "phenylephrine", "dopamine", "vasopressin"]
DEVICES = ["room_air", "blow_by", "nasal_cannula", "simple_facemask", "cpap"]

ids = st.one_of(st.text(st.characters(exclude_categories=["Cs"]), max_size=8), st.integers())


@st.composite
def valid_records(draw: st.DrawFn) -> dict[str, Any]:
    """Valid CRS records (id optional), every clinical input possibly missing."""
    record: dict[str, Any] = {}
    if draw(st.booleans()):
        record["id"] = draw(ids)
    if draw(st.booleans()):
        value = draw(st.floats(min_value=35.0, max_value=41.0).map(lambda t: round(t, 1)))
        record["temperature"] = {"value": value, "unit": "C"}
    hypotension = draw(st.none() | st.booleans())
    if hypotension is not None:
        record["hypotension"] = hypotension
        if hypotension:
            record["vasopressors"] = draw(st.lists(st.sampled_from(AGENTS), max_size=3))
    if draw(st.booleans()):
        record["oxygen"] = {"device": draw(st.sampled_from(DEVICES))}
    return record


#: Lines that are not valid records: any text, JSON that is not an object, unknown fields.
junk_lines = st.one_of(
    st.text(st.characters(exclude_characters="\n", exclude_categories=["Cs"]), max_size=30),
    st.one_of(st.integers(), st.none(), st.lists(st.integers(), max_size=3), st.text()).map(
        json.dumps
    ),
    st.dictionaries(st.sampled_from(["colour", "temp", "Fever", "oxygen_device"]), st.integers())
    .filter(bool)
    .map(json.dumps),
)

Item = tuple[str, Any]


@contextmanager
def std_streams(stdin: bytes) -> Iterator[io.BytesIO]:
    """Put bytes on stdin and collect stdout as bytes (no pytest fixture: Hypothesis reruns)."""
    saved = sys.stdin, sys.stdout
    out = io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8")
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout = stdout
    try:
        yield out
    finally:
        sys.stdin, sys.stdout = saved
        stdout.flush()
        stdout.detach()  # leave ``out`` open for the test to read


def output_lines(data: bytes) -> list[dict[str, Any]]:
    # Lines end with "\n" only; a JSON string may hold U+2028 and the like, so no splitlines().
    assert data == b"" or data.endswith(b"\n")
    return [json.loads(line) for line in data.split(b"\n")[:-1]]


def expected(record: dict[str, Any]) -> Any:
    return json.loads(grade_crs({k: v for k, v in record.items() if k != "id"}).to_json())


@given(
    st.lists(
        st.one_of(
            valid_records().map(lambda r: ("valid", r)), junk_lines.map(lambda j: ("junk", j))
        ),
        max_size=25,
    )
)
def test_json_lines_one_output_line_per_record_in_order(items: list[Item]) -> None:
    stdin = "".join(
        (json.dumps(value, ensure_ascii=False) if kind == "valid" else value) + "\n"
        for kind, value in items
    )
    # --format jsonl: without it, standard input whose first line is a CSV header of the scale
    # (junk such as "hypotension" is one) is refused as a whole (see the property below).
    with std_streams(stdin.encode("utf-8")) as out:
        code = main(["crs", "-", "--format", "jsonl"])
    lines = output_lines(out.getvalue())
    assert len(lines) == len(items)
    assert [line["line"] for line in lines] == list(range(1, len(items) + 1))
    for (kind, value), line in zip(items, lines, strict=True):
        if kind == "valid":
            assert line["id"] == value.get("id")
            assert line["result"] == expected(value)
        elif value.startswith("{") and any(key in value for key in ('"colour"', '"temp"')):
            assert line["error"]["type"] == "validation"
            assert {e["type"] for e in line["error"]["errors"]} == {"extra_forbidden"}
    assert code == (1 if any("error" in line for line in lines) else 0)


@given(
    valid_records(),
    st.lists(
        st.one_of(
            valid_records().map(lambda r: json.dumps(r, ensure_ascii=False)),
            junk_lines,
        ),
        max_size=10,
    ),
)
def test_json_lines_from_stdin_without_format_starting_with_a_record(
    first: dict[str, Any], rest: list[str]
) -> None:
    # Standard input is JSON Lines by default: once its first line is a JSON object, every line
    # after it is a record, whatever it holds.
    stdin = "".join(line + "\n" for line in [json.dumps(first, ensure_ascii=False), *rest])
    with std_streams(stdin.encode("utf-8")) as out:
        code = main(["crs"])
    lines = output_lines(out.getvalue())
    assert [line["line"] for line in lines] == list(range(1, len(rest) + 2))
    assert lines[0]["result"] == expected(first)
    assert code == (1 if any("error" in line for line in lines) else 0)


COLUMNS = ["id", "temperature.value", "temperature.unit", "hypotension", "vasopressors"]


def csv_row(record: dict[str, Any]) -> list[str]:
    temperature = record.get("temperature")
    hypotension = record.get("hypotension")
    pressors = record.get("vasopressors")
    return [
        str(record.get("id", "")),
        "" if temperature is None else repr(temperature["value"]),
        "" if temperature is None else temperature["unit"],
        "" if hypotension is None else str(hypotension).lower(),
        "" if pressors is None else (";".join(pressors) if pressors else "[]"),
    ]


@given(
    st.lists(
        st.one_of(
            valid_records().map(lambda r: ("valid", r)),
            st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=6), max_size=7).map(
                lambda cells: ("junk", cells)
            ),
        ),
        max_size=25,
    )
)
def test_csv_one_output_line_per_row_in_order(items: list[Item]) -> None:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    for kind, value in items:
        record = {k: v for k, v in value.items() if k != "oxygen"} if kind == "valid" else None
        writer.writerow(csv_row(record) if record is not None else value)
    with std_streams(text.getvalue().encode("utf-8")) as out:
        code = main(["crs", "-", "--format", "csv"])
    lines = output_lines(out.getvalue())
    assert len(lines) == len(items)
    for (kind, value), line in zip(items, lines, strict=True):
        if kind == "valid":
            record = {k: v for k, v in value.items() if k != "oxygen"}
            assert line["id"] == (str(record["id"]) if record.get("id", "") != "" else None)
            assert line["result"] == expected(record)
    assert code == (1 if any("error" in line for line in lines) else 0)
