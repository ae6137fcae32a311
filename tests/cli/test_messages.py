"""Input that is plainly not what it claims to be is refused with a message a user can act on.

A JSON array over several lines (with the ``jq`` command that makes JSON Lines), a CSV saved with
another delimiter, CSV on standard input without ``--format csv``, a missing file, a directory, a
file that cannot be opened: each is a usage error (exit code 2) said once on standard error. An
array on one line, or a first line that is no CSV header, is one invalid record like the others.
A misspelt field or CSV column gets the nearest known name ("did you mean"). Decision D15 (a
misspelt field is never silently ignored); docs/cli.md, "Input refused as a whole" and "Output"
(an error's ``msg``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from astct_grading.cli import scales
from tests.cli.harness import COURSE_LINE, GOOD, GOOD_RESULT, Probe, Runner, write


@pytest.mark.parametrize(
    "text",
    [
        b'[\n  {"id": "a", "hypotension": false}\n]\n',
        b'[{"id": "a", "hypotension": false},\n {"id": "b"}]\n',
        b'\n  \n[ {"id": "a"},\n]\n',
    ],
)
@pytest.mark.parametrize("command", ["crs", "course", "report"])
def test_a_json_array_is_refused_with_how_to_make_json_lines(
    run: Runner, tmp_path: Path, text: bytes, command: str
) -> None:
    result = run(command, write(tmp_path, "records.jsonl", text))
    assert (result.code, result.stdout) == (2, "")
    assert "this looks like a JSON array; give one JSON object per line (JSON Lines)" in (
        result.stderr
    )
    assert "jq -c '.[]'" in result.stderr


@pytest.mark.parametrize("line", [b"[1, 2]", b'[{"id": "a", "hypotension": false}]', b"[]"])
def test_a_line_holding_a_whole_array_is_one_invalid_record(run: Runner, line: bytes) -> None:
    # Closed on its line, an array is one record (lines in = lines out); its error says what
    # JSON Lines wants.
    result = run("crs", "-", "--format", "jsonl", stdin=line + b"\n" + GOOD)
    assert result.code == 1
    (error,) = result.lines[0]["error"]["errors"]
    assert error["type"] == "model_type"
    assert error["msg"] == (
        "Input should be an object: this line is a JSON array; JSON Lines holds one JSON object "
        "per line (e.g. jq -c '.[]' records.json > records.jsonl)"
    )
    assert result.lines[1]["result"] == GOOD_RESULT


@pytest.mark.parametrize(
    ("header", "delimiter"), [(b"id;hypotension\n", "semicolon (;)"), (b"id\thypotension\n", "tab")]
)
def test_a_csv_with_another_delimiter_is_refused(
    run: Runner, header: bytes, delimiter: str
) -> None:
    result = run("crs", "-", "--format", "csv", stdin=header + b"a;true\n")
    assert (result.code, result.stdout) == (2, "")
    assert f"the delimiter must be a comma (,), not a {delimiter}" in result.stderr


@pytest.mark.parametrize(
    "header", [b"id,hypotension", b'"id","temperature.value"', b"hypotension", b"oxygen.device,id"]
)
def test_csv_on_standard_input_without_format_is_refused(run: Runner, header: bytes) -> None:
    result = run("crs", stdin=header + b"\na,true\n")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        "astct-grading crs: error: standard input is read as JSON Lines (one JSON object per "
        "line), but its first line is a CSV header; give --format csv\n"
    )
    assert run("crs", "-", "--format", "csv", stdin=b"id,hypotension\na,true\n").code == 0


@pytest.mark.parametrize("first", [b"not json", b"id,colour", b"hypotension,", b"{oops"])
def test_a_first_line_that_is_no_csv_header_is_a_record(run: Runner, first: bytes) -> None:
    result = run("crs", stdin=first + b"\n" + GOOD)
    assert result.code == 1
    assert [line["line"] for line in result.lines] == [1, 2]
    assert result.lines[0]["error"]["errors"][0]["type"] == "json_invalid"


def test_many_blank_lines_then_csv_on_standard_input_are_records(run: Runner) -> None:
    result = run("crs", stdin=b"\n" * 70 + b"id,hypotension\n")
    assert result.code == 1
    assert len(result.lines) == 71


def test_a_misspelt_field_gets_the_nearest_known_name(run: Runner) -> None:
    stdin = (
        b'{"id": 1, "temprature": {"value": 38, "unit": "C"}}\n'
        b'{"id": 2, "oxygen": {"devise": "room_air"}}\n'
        b'{"id": 3, "colour": "red"}\n'
        b'{"id": 4, "vasopressors": [{"agnet": "vasopressin"}]}\n'
        b'{"ID": 5}\n'
    )
    lines = run("crs", stdin=stdin).lines
    messages = [
        next(e["msg"] for e in line["error"]["errors"] if e["type"] == "extra_forbidden")
        for line in lines
    ]
    assert messages == [
        "Extra inputs are not permitted; did you mean 'temperature'?",
        "Extra inputs are not permitted; did you mean 'device'?",
        "Extra inputs are not permitted",
        "Extra inputs are not permitted; did you mean 'agent'?",
        "Extra inputs are not permitted; did you mean 'id'?",
    ]


def test_a_misspelt_field_in_a_course(run: Runner) -> None:
    line = COURSE_LINE.replace(b'"hypotension"', b'"hypotenson"').replace(
        b'"infusion_at"', b'"infusion_time"'
    )
    (out,) = run("course", stdin=line).lines
    messages = {e["loc"]: e["msg"] for e in out["error"]["errors"]}
    assert messages["infusion_time"].endswith("; did you mean 'infusion_at'?")
    assert messages["crs_assessments.0.assessment.hypotenson"].endswith(
        "; did you mean 'hypotension'?"
    )


def test_a_misspelt_csv_column_gets_the_nearest_known_name(run: Runner) -> None:
    result = run("crs", "-", "--format", "csv", stdin=b"id,hypotenson\na,true\n")
    assert result.code == 2
    assert "unknown CSV column 'hypotenson' for crs; did you mean 'hypotension'?" in result.stderr
    assert "astct-grading schema --columns crs describes them" in result.stderr


def test_no_suggestion_without_a_key() -> None:
    assert scales._did_you_mean(Probe, ()) == ""
    assert scales._did_you_mean(Probe, ("flags", 0)) == ""


@pytest.mark.parametrize("command", ["crs", "course", "report"])
def test_a_missing_file_and_a_directory_name_the_likely_cause(
    run: Runner, tmp_path: Path, command: str
) -> None:
    missing = run(command, str(tmp_path / "absent.jsonl"))
    assert missing.code == 2
    assert "(no such file: check the name, and the current directory" in missing.stderr
    for folder in (tmp_path / "folder.jsonl", tmp_path / "folder"):
        folder.mkdir()
        result = run(command, str(folder))
        assert result.code == 2
        assert result.stderr.lower().endswith("is a directory; give a file\n")


def test_a_file_that_cannot_be_opened(run: Runner, tmp_path: Path) -> None:
    result = run("crs", str(tmp_path / ("x" * 300 + ".jsonl")))
    assert result.code == 2
    assert "File name too long" in result.stderr
