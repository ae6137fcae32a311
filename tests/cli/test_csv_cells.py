"""CSV cells are read by a small, documented vocabulary, by their column's kind, and never guessed.

``true``, ``TRUE``, ``false``, ``FALSE`` in a boolean column; a plain number in a number column
(``3_8``, ``nan``, a leading space... are given to the model as written, which refuses them,
naming the field); ``[]`` and ``a;b`` in a list column; a text column is never converted. A
column's kind comes from the model's annotation, for every annotation a model may use.
``vasopressor_count`` reads ``0``-``6`` and ``multiple`` and refuses any other cell. An unquoted
carriage return ends that record only. Decisions D3 (vasopressors are counted, never dosed) and
D15 (nothing is coerced); docs/cli.md, "CSV" and "CSV cells".
"""

from __future__ import annotations

import datetime
import json
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict

from astct_grading import grade_crs
from astct_grading.cli import SCALES, Scale
from astct_grading.criteria.crs import VasopressorAgent
from tests.cli.harness import Runner, grade_probe


@pytest.mark.usefixtures("probe")
def test_csv_boolean_words_are_read_by_the_cli_for_strict_models(run: Runner) -> None:
    stdin = (
        b"id,name,flag,flags\n"
        b"1,a,true,true;FALSE\n"
        b"2,b,TRUE,[]\n"
        b"3,c,false,null\n"
        b"4,d,null,\n"
        b"5,e,yes,\n"
        b"6,f,True,\n"
        b"7,g,1,\n"
        b"8,h,,true;no\n"
    )
    result = run("probe", "-", "--format", "csv", stdin=stdin)
    assert result.code == 1
    lines = result.lines
    results = [line["result"] for line in lines[:4]]
    assert [(r["flag"], r["flags"]) for r in results] == [
        (True, [True, False]),
        (True, []),
        (False, None),
        (None, None),
    ]
    # Any other word is never guessed: the model rejects it, naming the field.
    assert [line["error"]["errors"][0]["loc"] for line in lines[4:]] == [
        "flag",
        "flag",
        "flag",
        "flags.1",
    ]
    assert {line["error"]["errors"][0]["type"] for line in lines[4:]} == {"bool_type"}


@pytest.mark.usefixtures("probe")
def test_csv_text_columns_are_never_converted(run: Runner) -> None:
    (line,) = run("probe", "-", "--format", "csv", stdin=b"name,label\nTRUE,false\n").lines
    assert (line["result"]["name"], line["result"]["label"]) == ("TRUE", "false")


@pytest.mark.usefixtures("probe")
def test_csv_number_cells_are_read_as_numbers_by_the_cli(run: Runner) -> None:
    stdin = (
        b"id,name,amount,amounts,mixed,code\n"
        b"1,a,38.5,1;-2;30,TRUE,007\n"
        b"2,b,-1,[],12,x\n"
        b"3,c,1e3,,,\n"
        b"4,d,0,,false,\n"
    )
    result = run("probe", "-", "--format", "csv", stdin=stdin)
    assert result.code == 0, result.stdout
    rows = [line["result"] for line in result.lines]
    assert [(r["amount"], r["amounts"], r["mixed"], r["code"]) for r in rows] == [
        (38.5, [1, -2, 30], True, "007"),  # a column that may hold text keeps its text
        (-1.0, [], 12, "x"),
        (1000.0, None, None, None),
        (0.0, None, False, None),
    ]


@pytest.mark.usefixtures("probe")
@pytest.mark.parametrize("cell", ["3_8", " 38.5", "nan", "inf", "+1", "01", "1.", ".5", "0x10"])
def test_csv_cells_that_are_not_plain_numbers_are_never_read_as_numbers(
    run: Runner, cell: str
) -> None:
    stdin = f"name,amount\na,{cell}\n".encode()
    (line,) = run("probe", "-", "--format", "csv", stdin=stdin).lines
    assert line["error"]["errors"][0]["loc"] == "amount"
    assert line["error"]["errors"][0]["type"] == "float_type"  # the text, as written


@pytest.mark.parametrize(
    ("cell", "type_"),
    [("3_8", "number_format"), ("nan", "number_format"), ("1e400", "finite_number")],
)
def test_csv_numbers_the_models_refuse_name_the_field(run: Runner, cell: str, type_: str) -> None:
    stdin = f"id,temperature.value,temperature.unit\na,{cell},C\n".encode()
    (line,) = run("crs", "-", "--format", "csv", stdin=stdin).lines
    assert line["error"]["errors"][0]["loc"] == "temperature.value"
    assert line["error"]["errors"][0]["type"] == type_


def test_csv_a_number_past_pythons_digit_limit(run: Runner) -> None:
    stdin = b"id,age_years,ice.total\na," + b"9" * 5000 + b",6\n"
    (line,) = run("icans", "-", "--format", "csv", stdin=stdin).lines
    assert [(e["loc"], e["type"]) for e in line["error"]["errors"]] == [
        ("age_years", "finite_number")
    ]


def test_csv_true_in_capitals_grades_as_true(run: Runner) -> None:
    stdin = b"id,temperature.value,temperature.unit,hypotension,vasopressors\na,38.5,C,TRUE,[]\n"
    (line,) = run("crs", "-", "--format", "csv", stdin=stdin).lines
    expected = grade_crs(
        {"temperature": {"value": 38.5, "unit": "C"}, "hypotension": True, "vasopressors": []}
    )
    assert line["result"] == json.loads(expected.to_json())


@pytest.mark.parametrize("cell", ["yes", "no", "True", "1", "0", "t", "on", " true"])
def test_csv_other_boolean_words_are_errors_naming_the_field(run: Runner, cell: str) -> None:
    # Depends on the input models taking strict booleans (a string is never a boolean).
    stdin = f"id,hypotension\na,{cell}\n".encode()
    (line,) = run("crs", "-", "--format", "csv", stdin=stdin).lines
    assert line["error"]["type"] == "validation"
    assert line["error"]["errors"][0]["loc"] == "hypotension"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # D3: vasopressor_count is 0-6 or "multiple"; a plain number in its cell is that number.
        ("2", (3, 4)),
        ("1", (3, 3)),
        ("0", (2, 2)),
        ("multiple", (3, 4)),
    ],
)
def test_csv_vasopressor_count_reads_numbers_and_its_word(
    run: Runner, cell: str, expected: tuple[int, int]
) -> None:
    stdin = f"fever,hypotension,vasopressor_count,oxygen.device\ntrue,true,{cell},room_air\n"
    (line,) = run("crs", "-", "--format", "csv", stdin=stdin.encode()).lines
    assert (line["result"]["grade_min"], line["result"]["grade_max"]) == expected


@pytest.mark.parametrize(
    ("cell", "error"),
    [("7", "vasopressor_count"), ("2.0", "vasopressor_count"), ("Multiple", "vasopressor_count")],
)
def test_csv_vasopressor_count_refuses_other_cells_naming_the_field(
    run: Runner, cell: str, error: str
) -> None:
    stdin = f"hypotension,vasopressor_count\ntrue,{cell}\n"
    (line,) = run("crs", "-", "--format", "csv", stdin=stdin.encode()).lines
    first = line["error"]["errors"][0]
    assert (first["loc"], first["type"]) == ("vasopressor_count", error)


def test_a_carriage_return_in_an_unquoted_cell_ends_that_record_only(run: Runner) -> None:
    # Found by the fuzz run: unquoted, a lone CR is a CSV error (RFC 4180 wants it quoted); the
    # rest of the physical line goes with that record, and reading goes on at the next line.
    stdin = b'id,hypotension\nr1,tr\rue,"open\nr2,true\n"r3\r",false\n'
    lines = run("crs", "-", "--format", "csv", stdin=stdin).lines
    assert [(line["id"], line["line"]) for line in lines] == [(None, 2), ("r2", 3), ("r3\r", 4)]
    assert lines[0]["error"]["errors"][0]["type"] == "csv"
    assert lines[1]["result"]["findings"][1]["present"] is True


def test_csv_column_kinds_come_from_the_model() -> None:
    crs = SCALES["crs"].csv_columns
    assert crs["hypotension"].is_boolean
    assert not crs["temperature.value"].is_boolean
    assert crs["temperature.value"].is_numeric
    assert not crs["hypotension"].is_numeric
    assert not crs["temperature.unit"].is_numeric
    assert crs["temperature.value"].kinds == ("number",)
    assert crs["vasopressors"].type == "list of text"
    assert crs["vasopressors"].values == tuple(agent.value for agent in VasopressorAgent)
    sledai = SCALES["sledai"].csv_columns
    assert (sledai["window_days"].type, sledai["window_days"].values) == ("integer", ("10", "30"))
    assert sledai["visit_date"].type == "date"
    assert SCALES["icans"].csv_columns["ice.total"].type == "integer"


class Corners(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    when: datetime.datetime | None = None
    day: datetime.date | None = None
    table: dict[str, int] | None = None
    nothing: None = None
    level: Literal[1, 2] | None = None


def test_column_kinds_of_every_annotation() -> None:
    columns = Scale("corners", "corners", Corners, grade_probe).csv_columns
    assert {path: column.type for path, column in columns.items()} == {
        "name": "text",
        "when": "date and time",
        "day": "date",
        "table": "text",
        "nothing": "text",
        "level": "integer",
    }
    assert columns["level"].values == ("1", "2")
