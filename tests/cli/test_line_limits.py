"""However deep or long a line, or however large a number in it, it is one record.

A line nested 100,000 deep (of any shape, finished or not), a multi-megabyte line or a list of
300,000 items gets exactly one output line, and the next line is read, in process as through a
subprocess; a line nested deeper than the JSON reader goes is a ``json_invalid`` error line that
still echoes the ``id`` given before the deep part (``jsonl._leading_members``), and ``report``
leaves it out and counts it. A huge finite number (``1e308``) is a validation error naming the
field, in JSON Lines as in CSV. Decision D15 (a bad record is an error for that record, every other
record is still graded); docs/cli.md, "JSON Lines".
"""

from __future__ import annotations

import json

import pytest

from astct_grading.cli import jsonl
from tests.cli.harness import COURSE_LINE, GOOD, GOOD_RESULT, VALID_LINE, Runner, tool

DEEP = 100_000


def deep_line(depth: int = DEEP) -> bytes:
    return b'{"id":"A","x":' + b"[" * depth + b"]" * depth + b"}\n"


@pytest.mark.parametrize("command", ["crs", "icans", "sledai", "course"])
def test_a_line_nested_100000_deep_is_one_error_line_and_the_rest_go_on(
    run: Runner, command: str
) -> None:
    valid = VALID_LINE[command]
    result = run(command, "-", "--format", "jsonl", stdin=valid + deep_line() + valid)
    assert result.code == 1
    first, deep, last = result.lines
    assert "result" in first
    assert "result" in last
    assert deep["line"] == 2
    assert deep["id"] == "A"  # the members before the deep one are still read
    assert deep["error"]["type"] == "parse"
    assert deep["error"]["errors"][0]["type"] == "json_invalid"


def test_the_report_excludes_a_deep_line_and_counts_the_others(run: Runner) -> None:
    result = run("report", stdin=COURSE_LINE + deep_line() + COURSE_LINE.replace(b"P1", b"P2"))
    assert result.code == 1
    assert "3 course records read, 2 graded, 1 excluded" in " ".join(result.stdout.split())
    assert 'line 2 (id "A") excluded as invalid (parse)' in result.stderr


@pytest.mark.parametrize(
    "line",
    [
        deep_line(1_500),  # deeper than json.loads reads, less than the interpreter's stack
        b'{"x":' + b"[" * DEEP + b"]" * DEEP + b',"id":"late"}\n',  # the id after: not read
        b'{"x":' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}\n",
        b"[" * DEEP + b"\n",
        b'{"id":"A","x":' + b"[" * DEEP + b"\n",  # deep and unfinished
    ],
)
def test_deep_lines_of_every_shape(run: Runner, line: bytes) -> None:
    result = run("crs", stdin=GOOD + line + GOOD)
    assert result.code == 1
    first, deep, last = result.lines
    assert ("result" in first, "result" in last) == (True, True)
    assert deep["error"]["type"] in {"parse", "validation"}
    assert deep["id"] in {"A", None}


def test_a_multi_megabyte_line_is_one_record(run: Runner) -> None:
    big = {"id": "big", "hypotension": False, "notes": "x" * 5_000_000}
    many = {"id": "many", "vasopressors": ["norepinephrine"] * 300_000}
    stdin = GOOD + json.dumps(big).encode() + b"\n" + json.dumps(many).encode() + b"\n" + GOOD
    result = run("crs", stdin=stdin)
    assert result.code == 1
    first, huge, long_list, last = result.lines
    assert huge["id"] == "big"
    assert huge["error"]["errors"][0]["loc"] == "notes"
    assert long_list["id"] == "many"
    assert [first["result"], last["result"]] == [GOOD_RESULT, GOOD_RESULT]


def test_a_deep_line_through_a_subprocess() -> None:
    completed = tool("crs", stdin=GOOD + deep_line() + GOOD)
    assert completed.returncode == 1
    assert b"Traceback" not in completed.stderr
    assert [json.loads(line)["line"] for line in completed.stdout.splitlines()] == [1, 2, 3]


@pytest.mark.parametrize(
    ("raw", "members"),
    [
        (b' { "id" : "A" , "x" : ' + b"[" * DEEP, {"id": "A"}),
        (b'{"id": "A" "x": 1}', {"id": "A"}),
        (b'{"id" "A"}', {}),
        (b'{"id": "A"}', {"id": "A"}),
        (b"[1]", {}),
        (b"", {}),
        (b'{"\xff": 1}', {}),
        (b"{1: 2}", {}),
    ],
)
def test_the_members_before_a_deep_one(raw: bytes, members: dict[str, object]) -> None:
    assert jsonl._leading_members(raw) == members


def test_a_huge_number_is_a_validation_error_in_json_and_csv(run: Runner) -> None:
    # Depends on the validation layer rejecting 1e308 itself (it overflowed converting it).
    stdin = b'{"id":"h","temperature":{"value":1e308,"unit":"C"}}\n' + GOOD
    result = run("crs", stdin=stdin)
    csv_result = run(
        "crs", "-", "--format", "csv", stdin=b"id,temperature.value,temperature.unit\nh,1e308,C\n"
    )
    for lines in (result.lines, csv_result.lines):
        assert lines[0]["id"] == "h"
        assert lines[0]["error"]["type"] == "validation"
        assert lines[0]["error"]["errors"][0]["loc"].startswith("temperature")
    assert (result.code, csv_result.code) == (1, 1)
