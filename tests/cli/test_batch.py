"""The command-line tool in process (``cli.main(argv)``): every branch of the streaming code."""

from __future__ import annotations

import dataclasses
import importlib
import io
import json
import os
import runpy
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from astct_grading import AstctGradingError, CrsAssessment, grade_crs
from astct_grading.cli import (
    SCALES,
    Scale,
    csv_input,
    inputs,
    jsonl,
    main,
    output,
    scales,
)
from astct_grading.core.results import ScoreItem
from astct_grading.sle.sledai import SledaiVisit, score_sledai2k
from tests.cli.harness import Run, Runner

GOOD = b'{"id":"a","temperature":{"value":38.4,"unit":"C"},"hypotension":false}\n'
BAD = b'{"id":"b","temperature":{"value":38.4,"unit":"X"}}\n'


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# --- JSON Lines ---------------------------------------------------------------------------------


def test_result_line_is_the_results_own_json(run: Runner) -> None:
    result = run("crs", stdin=GOOD)
    assert result.code == 0
    # The result object is byte for byte what GradeResult.to_json() writes.
    body = json.loads(GOOD)
    del body["id"]
    expected = grade_crs(body)
    assert result.stdout == f'{{"id":"a","line":1,"result":{expected.to_json()}}}\n'


@pytest.mark.parametrize(
    "line",
    [
        # A negative zero: the quick reading hands it back, the full validation makes it 0.0.
        b'{"id":"z","oxygen":{"device":"nasal_cannula","flow_l_min":-0.0}}\n',
        # A vasopressor given as an object: its keys are not counted, so the text is scanned.
        b'{"id":"v","hypotension":true,"vasopressors":[{"agent":"dopamine"}]}\n',
    ],
)
def test_a_record_the_quick_reading_hands_back_is_graded_as_any_other(
    run: Runner, line: bytes
) -> None:
    result = run("crs", stdin=line)
    assert result.code == 0
    body = json.loads(line)
    record_id = body.pop("id")
    expected = grade_crs(body)
    assert result.stdout == f'{{"id":"{record_id}","line":1,"result":{expected.to_json()}}}\n'
    assert "-0" not in result.stdout


def test_error_line_shape(run: Runner) -> None:
    result = run("crs", stdin=BAD)
    assert result.code == 1
    assert result.lines == [
        {
            "id": "b",
            "line": 1,
            "error": {
                "type": "validation",
                "errors": [
                    {"loc": "temperature.unit", "type": "enum", "msg": "Input should be 'C' or 'F'"}
                ],
            },
        }
    ]


@pytest.mark.parametrize(
    ("line", "kind", "type_"),
    [
        (b"\n", "parse", "blank_line"),
        (b"   \r\n", "parse", "blank_line"),
        (b"not json\n", "parse", "json_invalid"),
        (b'{"id": 1} trailing\n', "parse", "json_invalid"),
        (b'{"id": "\xff"}\n', "parse", "json_invalid"),
        (b"[1, 2]\n", "parse", "model_type"),
        (b"42\n", "parse", "model_type"),
        (b'"text"\n', "parse", "model_type"),
        (b"null\n", "parse", "model_type"),
        (b'{"id": true}\n', "validation", "id_type"),
        (b'{"id": 1.5}\n', "validation", "id_type"),
        (b'{"id": {"a": 1}}\n', "validation", "id_type"),
        (b'{"id": [1]}\n', "validation", "id_type"),
        (b'{"hypotension": "perhaps"}\n', "validation", "bool_type"),
        (b'{"temperature": {"value": 38, "unit": "C", "site": "oral"}}\n', "validation", "extra"),
    ],
)
def test_lines_that_are_not_valid_records(run: Runner, line: bytes, kind: str, type_: str) -> None:
    result = run("crs", stdin=GOOD + line + GOOD)
    assert result.code == 1
    first, error, last = result.lines
    assert [first["line"], last["line"]] == [1, 3]
    assert "result" in first
    assert "result" in last
    assert error["line"] == 2
    assert error["id"] is None
    assert error["error"]["type"] == kind
    assert error["error"]["errors"][0]["type"].startswith(type_)


def test_a_null_id_is_no_id(run: Runner) -> None:
    (line,) = run("crs", stdin=b'{"id": null, "hypotension": false}\n').lines
    assert line["id"] is None
    assert "result" in line


def test_id_is_echoed_on_a_validation_error(run: Runner) -> None:
    lines = run("crs", stdin=b'{"id": 7, "fever": "x"}\n{"id": "q", "fever": "x"}\n').lines
    assert [line["id"] for line in lines] == [7, "q"]
    assert [line["error"]["errors"][0]["loc"] for line in lines] == ["fever", "fever"]


def test_model_level_errors_have_an_empty_loc(run: Runner) -> None:
    line = b'{"fever": true, "temperature": {"value": 37.0, "unit": "C"}}\n'
    (out,) = run("crs", stdin=line).lines
    assert out["error"]["errors"][0]["loc"] == ""
    assert out["error"]["errors"][0]["type"] == "fever_conflict"


def test_every_line_is_a_record_including_the_last_without_newline(run: Runner) -> None:
    result = run("crs", stdin=GOOD + b"\n" + GOOD.rstrip(b"\n"))
    assert [line["line"] for line in result.lines] == [1, 2, 3]
    assert ["result" in line for line in result.lines] == [True, False, True]


def test_a_byte_order_mark_on_the_first_line_is_not_data(run: Runner) -> None:
    result = run("crs", stdin=b"\xef\xbb\xbf" + GOOD + b"\xef\xbb\xbf" + GOOD)
    first, second = result.lines
    assert "result" in first
    assert second["error"]["errors"][0]["type"] == "json_invalid"


def test_crlf_line_endings(run: Runner) -> None:
    result = run("crs", stdin=GOOD.replace(b"\n", b"\r\n") * 2)
    assert result.code == 0
    assert len(result.lines) == 2


def test_json_lines_file_by_suffix(run: Runner, tmp_path: Path) -> None:
    for name in ("r.jsonl", "r.ndjson", "R.JSONL"):
        result = run("crs", write(tmp_path, name, GOOD * 2))
        assert (result.code, len(result.lines)) == (0, 2)


def test_format_option_overrides_the_suffix(run: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "records.csv", GOOD)
    assert run("crs", path, "--format", "jsonl").code == 0
    assert run("crs", write(tmp_path, "records.txt", GOOD), "--format", "jsonl").code == 0


def test_no_input_is_no_output(run: Runner) -> None:
    assert run("crs").stdout == ""
    assert run("crs").code == 0


#: Valid records for every scale: each scale's output must be its results' own JSON.
SAMPLES: dict[str, list[dict[str, Any]]] = {
    "crs": [
        {"temperature": {"value": 38.4, "unit": "C"}, "hypotension": False},
        {"id": "é", "hypotension": True, "vasopressors": ["vasopressin", "epinephrine"]},
        {"temperature": {"value": 101.2, "unit": "F"}, "oxygen": {"device": "bipap"}},
    ],
    "icans": [
        {
            "id": "i1",
            "age_years": 54.2,
            "ice": {"total": 5},
            "consciousness": "awakens_to_voice",
            "seizure": False,
            "motor": "none",
            "icp": [],
            "tremor": True,
        },
        {"age_years": 8.5, "capd": {"total": 12}, "seizure": True, "seizure_duration_min": 6},
        {"ice": {"orientation_year": 1, "orientation_month": 0}, "icp": ["focal_oedema"]},
    ],
    "sledai": [
        {"id": 1, "visit_date": "2024-03-01", "seizure": True, "rash": True},
        {"c3": {"value": 0.7, "lower_limit": 0.9, "unit": "g/L"}, "low_complement": True},
        {**{name: False for name in SledaiVisit.model_fields if name.endswith("_other_cause")}},
        {"window_days": 30, "platelets_10e9_l": 85, "thrombocytopenia_other_cause": None},
    ],
}


def test_every_scale_has_samples() -> None:
    assert set(SAMPLES) == set(SCALES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_results_are_written_as_their_own_json(run: Runner, name: str) -> None:
    records = SAMPLES[name]
    result = run(name, stdin=b"".join(json.dumps(r).encode() + b"\n" for r in records))
    assert result.code == 0, result.stdout
    scale = SCALES[name]
    lines = result.stdout.split("\n")[:-1]
    assert len(lines) == len(records)
    for number, (record, line) in enumerate(zip(records, lines, strict=True), 1):
        fields = {key: value for key, value in record.items() if key != "id"}
        own: Any = scale.grade(scale.model.model_validate(fields))
        id_json = json.dumps(record.get("id"), ensure_ascii=False)
        assert line == f'{{"id":{id_json},"line":{number},"result":{own.to_json()}}}'


def test_icans_csv_with_ice_items_and_a_list_column(run: Runner) -> None:
    stdin = (
        b"id,age_years,ice.orientation_year,ice.orientation_month,ice.total,icp,motor\n"
        b"i1,54.2,1,0,,diffuse_oedema;papilloedema,none\n"
        b"i2,54.2,1,1,11,[],\n"
    )
    first, second = run("icans", "-", "--format", "csv", stdin=stdin).lines
    expected: Any = SCALES["icans"].grade(
        SCALES["icans"].model.model_validate(
            {
                "age_years": 54.2,
                "ice": {"orientation_year": 1, "orientation_month": 0},
                "icp": ["diffuse_oedema", "papilloedema"],
                "motor": "none",
            }
        )
    )
    assert first == {"id": "i1", "line": 2, "result": json.loads(expected.to_json())}
    assert second["error"]["type"] == "validation"
    assert second["error"]["errors"][0]["loc"] == "ice.total"


def test_sledai_csv_with_nested_laboratory_columns(run: Runner) -> None:
    stdin = (
        b"id,visit_date,seizure,c3.value,c3.lower_limit,c3.unit,anti_dsdna.value,anti_dsdna.upper_limit\n"
        b"v1,2024-03-01,true,0.7,0.9,g/L,45,30\n"
        b"v2,2024-03-01,false,0.7,,g/L,,\n"
    )
    first, second = run("sledai", "-", "--format", "csv", stdin=stdin).lines
    expected = score_sledai2k(
        {
            "visit_date": "2024-03-01",
            "seizure": True,
            "c3": {"value": 0.7, "lower_limit": 0.9, "unit": "g/L"},
            "anti_dsdna": {"value": 45, "upper_limit": 30},
        }
    )
    assert first == {"id": "v1", "line": 2, "result": json.loads(expected.to_json())}
    assert second["error"]["errors"] == [
        {"loc": "c3.lower_limit", "type": "missing", "msg": "Field required"}
    ]


# --- CSV ----------------------------------------------------------------------------------------

HEADER = b"id,temperature.value,temperature.unit,hypotension,vasopressors,oxygen.device\n"


def csv_run(run: Runner, body: bytes, header: bytes = HEADER) -> Run:
    return run("crs", "-", "--format", "csv", stdin=header + body)


def test_csv_cells_map_to_nested_fields_and_lists(run: Runner) -> None:
    result = csv_run(run, b"r1,38.5,C,true, vasopressin ; norepinephrine ,cpap\n")
    (line,) = result.lines
    expected = grade_crs(
        {
            "temperature": {"value": 38.5, "unit": "C"},
            "hypotension": True,
            "vasopressors": ["vasopressin", "norepinephrine"],
            "oxygen": {"device": "cpap"},
        }
    )
    assert line == {"id": "r1", "line": 2, "result": json.loads(expected.to_json())}


def test_csv_empty_cell_is_not_given_and_never_normal(run: Runner) -> None:
    (line,) = csv_run(run, b",38.5,C,,,\n").lines
    assert line["id"] is None
    assert line["result"]["grade"] is None
    assert set(line["result"]["missing"]) >= {"hypotension", "oxygen"}


def test_csv_empty_list_and_null(run: Runner) -> None:
    header = b"id,temperature.value,temperature.unit,hypotension,vasopressors,fever_other_cause\n"
    lines = csv_run(run, b"a,38.5,C,true,[],null\nb,38.5,C,true,[],\n", header).lines
    # [] is "no vasopressors": hypotension without vasopressors is grade 2 (D3).
    none_given = lines[1]["result"]["findings"][1]
    assert none_given["grade_min"] == none_given["grade_max"] == 2
    # null is "unknown": whether the fever has another cause is then open.
    assert lines[0]["result"]["findings"][0]["attributed_to_other_cause"] is None
    assert lines[1]["result"]["findings"][0]["attributed_to_other_cause"] is False


def test_csv_list_items_are_never_guessed(run: Runner) -> None:
    (line,) = csv_run(run, b"a,38.5,C,true,norepinephrine;,room_air\n").lines
    assert line["error"]["type"] == "validation"
    assert line["error"]["errors"][0]["loc"].startswith("vasopressors.1")


def test_csv_null_in_a_required_nested_field(run: Runner) -> None:
    (line,) = csv_run(run, b"a,null,C,,,\n").lines
    assert line["error"]["errors"][0]["loc"] == "temperature.value"


def test_csv_numbers_are_parsed_by_the_model(run: Runner) -> None:
    lines = csv_run(run, b"a,38.0,C,,,\nb,nan,C,,,\nc,1e400,C,,,\nd,true,C,,,\n").lines
    assert lines[0]["result"]["findings"][0]["present"] is True
    assert [line["error"]["errors"][0]["loc"] for line in lines[1:]] == ["temperature.value"] * 3


def test_csv_rows_that_cannot_be_read(run: Runner) -> None:
    body = (
        b"a,38.5,C,,,\n"
        b"\n"
        b"b,38.5\n"
        b"c,38.5,C,,,,extra\n"
        b"d,38.5,C,,,\xff\n"
        b'e,38.5,C,,,"cpap"x\n'
        b"f,38.5,C,,,\n"
    )
    result = csv_run(run, body)
    assert result.code == 1
    kinds = [
        line["error"]["errors"][0]["type"] if "error" in line else "ok" for line in result.lines
    ]
    assert kinds == [
        "ok",
        "blank_line",
        "csv_row_length",
        "csv_row_length",
        "unicode_decode",
        "csv",
        "ok",
    ]
    assert [line["line"] for line in result.lines] == [2, 3, 4, 5, 6, 7, 8]
    assert all(line["error"]["type"] == "parse" for line in result.lines[1:-1])
    assert result.lines[-1]["id"] == "f"


def test_csv_quoted_newlines_and_line_numbers(run: Runner) -> None:
    body = b'"a\nb",38.5,C,,,\nc,38.5,C,,,\nd,38.5,C,,,"cpap\n'
    result = csv_run(run, body)
    first, second, third = result.lines
    assert (first["id"], first["line"]) == ("a\nb", 2)
    assert (second["id"], second["line"]) == ("c", 4)
    assert third["line"] == 5
    assert third["error"] == {
        "type": "parse",
        "errors": [{"loc": "", "type": "csv", "msg": "unexpected end of data"}],
    }


def test_csv_bom_and_crlf(run: Runner) -> None:
    result = csv_run(
        run, b"a,38.5,C,,,\r\n", header=b"\xef\xbb\xbf" + HEADER.replace(b"\n", b"\r\n")
    )
    assert result.code == 0
    assert result.lines[0]["id"] == "a"


def test_csv_header_only_and_empty(run: Runner) -> None:
    assert (csv_run(run, b"").code, csv_run(run, b"").stdout) == (0, "")
    assert (csv_run(run, b"", header=b"").code, csv_run(run, b"", header=b"").stdout) == (0, "")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (b"id,temperature.value,id\n", "repeats the column 'id'"),
        (b"id,temperature\n", "unknown CSV column 'temperature'"),
        (b"id,oxygen.device.kind\n", "unknown CSV column 'oxygen.device.kind'"),
        (b"id, hypotension\n", "unknown CSV column ' hypotension'"),
        (b"id,\xff\n", "the CSV header is not valid UTF-8"),
        (b'id,"hypotension\n', "unreadable CSV header: unexpected end of data"),
    ],
)
def test_csv_header_errors_exit_2(run: Runner, header: bytes, message: str) -> None:
    result = csv_run(run, b"a,1\n", header=header)
    assert result.code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_csv_unknown_column_lists_the_known_ones(run: Runner) -> None:
    result = csv_run(run, b"", header=b"colour\n")
    assert "temperature.value, temperature.unit" in result.stderr
    assert "oxygen.flow_l_min" in result.stderr


def test_csv_file_by_suffix(run: Runner, tmp_path: Path) -> None:
    result = run("crs", write(tmp_path, "r.CSV", HEADER + b"a,38.5,C,,,\n"))
    assert (result.code, result.lines[0]["id"]) == (0, "a")


# --- The registry -------------------------------------------------------------------------------


class Loop(BaseModel):
    model_config = ConfigDict(extra="forbid")

    depth: int = 0
    back: Node | None = None


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: int
    tags: list[str] | None = None


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1)]
    inner: Inner | None = None
    loop: Loop | None = None
    either: Inner | str | None = None
    codes: frozenset[int] | None = None
    child: Node | None = None
    aliased: int | None = Field(default=None, alias="Aliased")


def test_csv_columns_follow_the_model() -> None:
    scale = Scale("node", "grade nodes", Node, grade_node)
    assert dict(scale.columns) == {
        "name": False,
        "inner.level": False,
        "inner.tags": True,
        "loop.depth": False,
        "either.level": False,
        "either.tags": True,
        "either": False,
        "codes": True,
        "Aliased": False,
    }


def test_a_list_of_models_with_several_required_fields_is_an_object_column() -> None:
    # A course's assessments: no bare value can stand for an assessment in a cell.
    column = scales.COURSE.csv_columns["crs_assessments"]
    assert (column.kinds, column.is_list, column.values) == (("object",), True, ())
    assert scales.COURSE.columns["crs_assessments"] is True


def test_a_model_with_an_id_field_cannot_be_a_scale() -> None:
    class WithId(BaseModel):
        id: int

    with pytest.raises(ValueError, match="has a field 'id'"):
        Scale("bad", "no", WithId, lambda record: record)


@dataclass(frozen=True)
class Echo:
    name: str
    level: int | None

    def to_json(self) -> str:  # a scale's result writes itself, as the library's results do
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))


def grade_node(node: Node) -> Echo:
    if node.name == "raise-library":
        raise AstctGradingError("input_type", "cannot grade this node")
    if node.name == "raise-value":
        raise ValueError("plain value error")
    if node.name == "raise-validation":
        Inner.model_validate({"level": "high"})
    return Echo(node.name, node.inner.level if node.inner else None)


@pytest.fixture
def node_scale(monkeypatch: pytest.MonkeyPatch) -> Scale:
    scale = Scale("node", "grade nodes", Node, grade_node)
    monkeypatch.setitem(SCALES, "node", scale)
    monkeypatch.setitem(scales.SCHEMA_MODELS, "node", Node)
    return scale


@pytest.mark.usefixtures("node_scale")
def test_a_new_scale_plugs_in_with_one_entry(run: Runner) -> None:
    result = run("node", stdin=b'{"id": 1, "name": "n", "inner": {"level": 3}}\n')
    assert result.lines == [{"id": 1, "line": 1, "result": {"name": "n", "level": 3}}]
    assert json.loads(run("schema", "node").stdout) == Node.model_json_schema()


@pytest.mark.usefixtures("node_scale")
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_errors_raised_by_the_grading_function(run: Runner, fmt: str) -> None:
    names = ["raise-library", "raise-value", "raise-validation", "fine"]
    if fmt == "jsonl":
        stdin = b"".join(b'{"id": "%s", "name": "%s"}\n' % (n.encode(), n.encode()) for n in names)
    else:
        stdin = b"id,name\n" + b"".join(b"%s,%s\n" % (n.encode(), n.encode()) for n in names)
    result = run("node", "-", "--format", fmt, stdin=stdin)
    assert result.code == 1
    errors = [line.get("error") for line in result.lines]
    assert [line["id"] for line in result.lines] == names
    assert errors[0] == {
        "type": "grading",
        "errors": [{"loc": "", "type": "input_type", "msg": "cannot grade this node"}],
    }
    assert errors[1] == {
        "type": "grading",
        "errors": [{"loc": "", "type": "ValueError", "msg": "plain value error"}],
    }
    assert errors[2] is not None
    assert errors[2]["type"] == "validation"
    assert errors[2]["errors"][0]["loc"] == "level"
    assert errors[3] is None


@pytest.mark.usefixtures("node_scale")
def test_csv_for_a_scale_with_deeper_columns(run: Runner) -> None:
    stdin = b"id,name,inner.level,inner.tags,codes,Aliased\nx,n,2,a;b,[],5\n"
    result = run("node", "-", "--format", "csv", stdin=stdin)
    assert result.lines == [{"id": "x", "line": 2, "result": {"name": "n", "level": 2}}]


# --- Streams, progress and errors ---------------------------------------------------------------


def test_stdin_and_stdout_without_a_binary_buffer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO((GOOD + BAD).decode()))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["crs"]) == 1
    lines = [json.loads(line) for line in out.getvalue().split("\n")[:-1]]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert capsys.readouterr().err == ""


def test_no_stdin_at_all(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["crs"]) == 2
    assert "no standard input" in capsys.readouterr().err


class FailingReader(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise OSError(5, "Input/output error")


def test_a_read_error_midway_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(FailingReader())))
    assert main(["crs"]) == 2
    assert "Input/output error" in capsys.readouterr().err


class BrokenBuffer(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise BrokenPipeError(32, "Broken pipe")


class BrokenStdout(io.TextIOWrapper):
    def __init__(self, fileno: int | None) -> None:
        super().__init__(io.BufferedWriter(BrokenBuffer()))
        self._fd = fileno

    def fileno(self) -> int:
        if self._fd is None:
            raise io.UnsupportedOperation("no fileno")
        return self._fd

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("with_fd", [False, True])
def test_a_closed_reader_stops_quietly(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    with_fd: bool,
) -> None:
    fd = os.open(tmp_path / "stand-in", os.O_WRONLY | os.O_CREAT) if with_fd else None
    try:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD * 3)))
        monkeypatch.setattr(sys, "stdout", BrokenStdout(fd))
        assert main(["crs"]) == 2
    finally:
        if fd is not None:
            os.close(fd)
    assert capsys.readouterr().err == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_progress_on_a_terminal_goes_to_stderr_only(
    monkeypatch: pytest.MonkeyPatch, run: Runner, fmt: str
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(jsonl, "_PROGRESS_EVERY", 2)
    monkeypatch.setattr(csv_input, "_PROGRESS_EVERY", 2)
    monkeypatch.setattr(output, "_PROGRESS_SECONDS", 0.0)
    stdin = GOOD * 5 if fmt == "jsonl" else HEADER + b"a,38.5,C,,,\n" * 5
    result = run("crs", "-", "--format", fmt, stdin=stdin)
    assert result.code == 0
    assert len(result.lines) == 5
    shown = terminal.getvalue()
    assert shown.startswith("\rcrs: 2 records (")
    assert "\rcrs: 4 records (" in shown
    assert shown.endswith("\rcrs: 5 records (" + shown.rsplit("(", 1)[1])
    assert shown.endswith("/s)\n")


def test_progress_is_not_redrawn_more_often_than_its_interval(
    monkeypatch: pytest.MonkeyPatch, run: Runner
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(jsonl, "_PROGRESS_EVERY", 1)
    monkeypatch.setattr(csv_input, "_PROGRESS_EVERY", 1)
    monkeypatch.setattr(output, "_PROGRESS_SECONDS", 3600.0)
    run("crs", stdin=GOOD * 4)
    assert terminal.getvalue().count("\r") == 1  # only the final count


def test_no_progress_without_a_terminal(monkeypatch: pytest.MonkeyPatch, run: Runner) -> None:
    monkeypatch.setattr(jsonl, "_PROGRESS_EVERY", 1)
    monkeypatch.setattr(csv_input, "_PROGRESS_EVERY", 1)
    assert run("crs", stdin=GOOD * 3).stderr == ""


# --- The parser ---------------------------------------------------------------------------------


def test_usage_errors(run: Runner) -> None:
    assert run().code == 2
    assert run("crs", "--format", "xml").code == 2
    assert run("crs", "a", "b").code == 2
    result = run("crs", "records.txt")
    assert result.code == 2
    assert "astct-grading crs: error: cannot tell the format of 'records.txt'" in result.stderr


def test_missing_file(run: Runner, tmp_path: Path) -> None:
    result = run("crs", str(tmp_path / "absent.jsonl"))
    assert result.code == 2
    assert "No such file or directory" in result.stderr


@pytest.mark.parametrize("command", [*SCALES, "schema", "demo"])
def test_help(run: Runner, command: str) -> None:
    result = run(command, "--help")
    assert result.code == 0
    assert result.stdout.startswith(f"usage: astct-grading {command}")


def test_grading_help_describes_input_output_and_exit_codes(run: Runner) -> None:
    text = run("crs", "--help").stdout
    for words in ("JSON Lines", "CSV", '"error"', '"result"', "exit status", "--format"):
        assert words in text


def test_version(run: Runner) -> None:
    from astct_grading import __version__

    result = run("--version")
    assert (result.code, result.stdout) == (0, f"astct-grading {__version__}\n")


def test_schema(run: Runner) -> None:
    result = run("schema", "crs")
    assert result.code == 0
    assert json.loads(result.stdout) == CrsAssessment.model_json_schema()


def test_demo(run: Runner) -> None:
    # The demo is the cohort report of the packaged demo cohort (tests/cli/test_course.py).
    result = run("demo")
    assert result.code == 0
    assert result.stdout.startswith("ILLUSTRATIVE SYNTHETIC DATA - NOT TRIAL DATA.")


def test_python_dash_m(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["astct_grading", "--version"])
    # runpy warns if the module was imported before (e.g. by another test): run it afresh.
    monkeypatch.delitem(sys.modules, "astct_grading.__main__", raising=False)
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("astct_grading", run_name="__main__")
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("astct-grading ")


def _result_body(result: object) -> bytes:
    line = output._result_line(None, 1, result)  # type: ignore[arg-type]
    head, tail = b'{"id":null,"line":1,"result":', b"}\n"
    assert line.startswith(head)
    assert line.endswith(tail)
    return line[len(head) : -len(tail)]


def test_a_result_line_holds_the_results_own_json() -> None:
    result = grade_crs({"hypotension": False})
    assert _result_body(result) == result.to_json().encode()


def test_a_subclass_in_a_base_class_field_is_written_in_full() -> None:
    # ScoreResult.items is declared as ScoreItem; a SLEDAI-2K result holds SledaiItem entries,
    # whose own fields must be written too.
    result = score_sledai2k({"seizure": True})
    written = json.loads(_result_body(result))
    assert written == json.loads(result.to_json())
    assert type(result.items[0]) is not ScoreItem
    assert set(written["items"][0]) == {f.name for f in dataclasses.fields(result.items[0])}


class TerminalBytes(io.BytesIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_each_line_is_written_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = TerminalBytes()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)
    seen: list[int] = []

    def lines() -> Iterator[bytes]:
        for _ in range(3):
            seen.append(raw.getvalue().count(b"\n"))
            yield GOOD

    monkeypatch.setattr(inputs, "_stdin_lines", lines)
    assert main(["crs"]) == 0
    assert seen == [0, 1, 2]  # each result was out before the next record was read
    assert raw.getvalue().count(b"\n") == 3


def test_output_is_batched_otherwise(monkeypatch: pytest.MonkeyPatch, run: Runner) -> None:
    monkeypatch.setattr(output, "_BATCH_BYTES", 1500)
    result = run("crs", stdin=GOOD * 10 + BAD)
    assert [line["line"] for line in result.lines] == list(range(1, 12))


def test_importing_dunder_main_does_not_run_the_tool(capsys: pytest.CaptureFixture[str]) -> None:
    sys.modules.pop("astct_grading.__main__", None)
    module = importlib.import_module("astct_grading.__main__")
    assert module.main is main
    assert capsys.readouterr() == ("", "")
