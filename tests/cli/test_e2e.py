"""The command-line tool end to end, through a subprocess (``python -m astct_grading``)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from astct_grading import CrsAssessment, grade_crs
from astct_grading.cli import SCALES, SCHEMA_MODELS
from tests.cli.harness import tool

VALID: list[dict[str, Any]] = [
    {
        "id": "p1",
        "temperature": {"value": 38.4, "unit": "C"},
        "hypotension": True,
        "vasopressors": ["norepinephrine"],
        "oxygen": {"device": "room_air"},
    },
    {
        "id": 2,
        "temperature": {"value": 100.4, "unit": "F"},
        "hypotension": False,
        "oxygen": {"device": "nasal_cannula", "flow_l_min": 6.0},
    },
    {"temperature": {"value": 37.0, "unit": "C"}, "hypotension": False},
]
INVALID: list[dict[str, Any]] = [
    {"id": "bad-temp", "temperature": {"value": 50, "unit": "C"}},
    {"id": "misspelt", "temprature": {"value": 38.5, "unit": "C"}},
    {"id": "inotrope", "hypotension": True, "vasopressors": ["dobutamine"]},
]


def run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    return tool(*args, stdin=stdin if stdin is not None else b"", cwd=cwd)


def lines_of(completed: subprocess.CompletedProcess[bytes]) -> list[dict[str, Any]]:
    data = completed.stdout
    assert data == b"" or data.endswith(b"\n")
    return [json.loads(line) for line in data.split(b"\n")[:-1]]


def jsonl(records: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(record).encode() + b"\n" for record in records)


def expected_result(record: dict[str, Any]) -> dict[str, Any]:
    fields = {key: value for key, value in record.items() if key != "id"}
    loaded: dict[str, Any] = json.loads(grade_crs(fields).to_json())
    return loaded


def test_valid_jsonl_file_grades_every_record(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(jsonl(VALID))
    completed = run("crs", str(path))
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == b""
    out = lines_of(completed)
    assert [line["id"] for line in out] == ["p1", 2, None]
    assert [line["line"] for line in out] == [1, 2, 3]
    assert [line["result"] for line in out] == [expected_result(r) for r in VALID]
    # Afebrile with the waiver (D1) not given: the grade stays open (D13).
    assert [line["result"]["grade"] for line in out] == [3, 2, None]


def test_invalid_records_give_error_lines_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(jsonl(INVALID))
    completed = run("crs", str(path))
    assert completed.returncode == 1
    out = lines_of(completed)
    assert [line["id"] for line in out] == ["bad-temp", "misspelt", "inotrope"]
    assert all("result" not in line and line["error"]["type"] == "validation" for line in out)
    firsts = [line["error"]["errors"][0] for line in out]
    assert [(e["loc"], e["type"]) for e in firsts] == [
        ("temperature", "temperature_out_of_range"),
        ("temprature", "extra_forbidden"),
        ("vasopressors.0.agent", "inotrope_not_vasopressor"),
    ]
    assert all(e["msg"] for e in firsts)


def test_mixed_input_keeps_order_and_goes_on_after_errors(tmp_path: Path) -> None:
    records = [VALID[0], INVALID[0], VALID[1], INVALID[1], VALID[2], INVALID[2]]
    path = tmp_path / "records.jsonl"
    path.write_bytes(jsonl(records) + b"not json\n\n[1, 2]\n")
    completed = run("crs", str(path))
    assert completed.returncode == 1
    out = lines_of(completed)
    assert len(out) == len(records) + 3
    assert [line["line"] for line in out] == list(range(1, 10))
    assert ["result" in line for line in out] == [True, False] * 3 + [False] * 3
    assert [line["id"] for line in out[:6]] == [r.get("id") for r in records]
    assert [line["error"]["type"] for line in out[6:]] == ["parse", "parse", "parse"]
    assert [line["error"]["errors"][0]["type"] for line in out[6:]] == [
        "json_invalid",
        "blank_line",
        "model_type",
    ]


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.csv"])
def test_empty_file_exits_0_with_no_output(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    completed = run("crs", str(path))
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, b"", b"")


@pytest.mark.parametrize("args", [("crs",), ("crs", "-"), ("crs", "-", "--format", "jsonl")])
def test_stdin_jsonl(args: tuple[str, ...]) -> None:
    completed = run(*args, stdin=jsonl([VALID[0], INVALID[1]]))
    assert completed.returncode == 1
    out = lines_of(completed)
    assert out[0]["result"] == expected_result(VALID[0])
    assert out[1]["error"]["errors"][0]["loc"] == "temprature"


def test_empty_stdin_exits_0() -> None:
    completed = run("crs", stdin=b"")
    assert (completed.returncode, completed.stdout) == (0, b"")


CSV = (
    "id,temperature.value,temperature.unit,hypotension,vasopressors,oxygen.device,"
    "oxygen.flow_l_min\n"
    "a,38.4,C,true,norepinephrine,room_air,\n"
    "b,100.4,F,false,,nasal_cannula,6\n"
    "c,39.0,C,true,vasopressin;norepinephrine,,\n"
    "d,37.0,C,false,[],room_air,\n"
)


def csv_records() -> list[dict[str, Any]]:
    return [
        {
            "id": "a",
            "temperature": {"value": 38.4, "unit": "C"},
            "hypotension": True,
            "vasopressors": ["norepinephrine"],
            "oxygen": {"device": "room_air"},
        },
        {
            "id": "b",
            "temperature": {"value": 100.4, "unit": "F"},
            "hypotension": False,
            "oxygen": {"device": "nasal_cannula", "flow_l_min": 6},
        },
        {
            "id": "c",
            "temperature": {"value": 39.0, "unit": "C"},
            "hypotension": True,
            "vasopressors": ["vasopressin", "norepinephrine"],
        },
        {
            "id": "d",
            "temperature": {"value": 37.0, "unit": "C"},
            "hypotension": False,
            "vasopressors": [],
            "oxygen": {"device": "room_air"},
        },
    ]


def test_csv_file_matches_the_same_records_as_json(tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_text(CSV, encoding="utf-8")
    completed = run("crs", str(path))
    assert completed.returncode == 0, completed.stderr
    out = lines_of(completed)
    assert [line["id"] for line in out] == ["a", "b", "c", "d"]
    assert [line["line"] for line in out] == [2, 3, 4, 5]
    assert [line["result"] for line in out] == [expected_result(r) for r in csv_records()]
    # The empty oxygen cells of row c mean "not given": the grade stays open (D13).
    assert out[2]["result"]["grade"] is None
    assert "oxygen" in out[2]["result"]["missing"]


def test_csv_from_stdin_needs_format_and_reports_bad_rows() -> None:
    text = CSV + "e,39,K,true,,room_air,\n,,,,\nf,38.5,C,maybe,,room_air,\n"
    completed = run("crs", "-", "--format", "csv", stdin=text.encode())
    assert completed.returncode == 1
    out = lines_of(completed)
    assert len(out) == 7
    assert ["result" in line for line in out] == [True] * 4 + [False] * 3
    assert out[4]["id"] == "e"
    assert out[4]["error"]["errors"][0]["loc"] == "temperature.unit"
    assert out[5]["error"]["errors"][0]["type"] == "csv_row_length"
    assert out[6]["id"] == "f"
    assert out[6]["error"]["errors"][0]["loc"] == "hypotension"


def test_unknown_fields_are_rejected_not_ignored(tmp_path: Path) -> None:
    records = [
        {"id": 1, "hypotension": False, "colour": "red"},
        {"id": 2, "oxygen": {"device": "room_air", "flow": 2}},
    ]
    completed = run("crs", stdin=jsonl(records))
    assert completed.returncode == 1
    locs = [line["error"]["errors"][0] for line in lines_of(completed)]
    assert [(e["loc"], e["type"]) for e in locs] == [
        ("colour", "extra_forbidden"),
        ("oxygen.flow", "extra_forbidden"),
    ]
    path = tmp_path / "records.csv"
    path.write_text("id,temprature.value\nx,38\n", encoding="utf-8")
    completed = run("crs", str(path))
    assert completed.returncode == 2
    assert completed.stdout == b""
    assert b"unknown CSV column 'temprature.value'" in completed.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("crs", "missing.jsonl"), b"cannot read 'missing.jsonl'"),
        (("crs", "records.txt"), b"give --format jsonl or --format csv"),
        (("crs", "folder.jsonl"), b"cannot read 'folder.jsonl': Is a directory"),
        (("crs", "-", "--format", "xml"), b"invalid choice: 'xml'"),
        ((), b"required: COMMAND"),
        (("grade",), b"invalid choice: 'grade'"),
        (("schema", "nothing"), b"invalid choice: 'nothing'"),
    ],
)
def test_usage_and_io_errors_exit_2(tmp_path: Path, args: tuple[str, ...], message: bytes) -> None:
    (tmp_path / "records.txt").write_text("{}\n", encoding="utf-8")
    (tmp_path / "folder.jsonl").mkdir()
    completed = run(*args, cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stdout == b""
    assert message in completed.stderr
    assert b"Traceback" not in completed.stderr


def test_every_exit_code_from_one_command(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(jsonl(VALID))
    assert run("crs", str(path)).returncode == 0
    path.write_bytes(jsonl(VALID + INVALID))
    assert run("crs", str(path)).returncode == 1
    assert run("crs", str(tmp_path / "absent.jsonl")).returncode == 2


def test_output_line_count_equals_input_record_count(tmp_path: Path) -> None:
    records = (VALID + INVALID) * 200
    body = jsonl(records) + b"\n" + b"{}\n" + b"}{\n"
    completed = run("crs", stdin=body)
    out = lines_of(completed)
    assert len(out) == len(records) + 3 == body.count(b"\n")
    assert [line["line"] for line in out] == list(range(1, len(out) + 1))


def test_ids_are_echoed_as_given() -> None:
    records: list[dict[str, Any]] = [
        {"id": "é-01", "hypotension": False},
        {"id": 12345678901234567890, "hypotension": False},
        {"id": "", "hypotension": False},
        {"hypotension": False},
        {"id": "x", "hypotension": "perhaps"},
    ]
    out = lines_of(run("crs", stdin=jsonl(records)))
    assert [line["id"] for line in out] == ["é-01", 12345678901234567890, "", None, "x"]


def test_broken_pipe_stops_quietly(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(jsonl(VALID) * 4000)
    process = subprocess.Popen(
        [sys.executable, "-m", "astct_grading", "crs", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=120) == 2
    assert json.loads(first)["line"] == 1
    assert stderr == b""


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_bytes(jsonl(VALID) * 3000)
    completed = run("crs", str(path))
    assert completed.returncode == 0
    assert completed.stderr == b""
    assert len(lines_of(completed)) == 9000


@pytest.mark.parametrize("command", [*SCALES, "schema", "demo"])
def test_help_for_every_subcommand(command: str) -> None:
    completed = run(command, "--help")
    assert completed.returncode == 0
    assert completed.stdout.startswith(f"usage: astct-grading {command}".encode())


def test_top_level_help_lists_every_subcommand() -> None:
    completed = run("--help")
    assert completed.returncode == 0
    for command in [*SCALES, "schema", "demo"]:
        assert f"    {command}".encode() in completed.stdout


def test_version() -> None:
    from astct_grading import __version__

    completed = run("--version")
    assert completed.returncode == 0
    assert completed.stdout.decode().strip() == f"astct-grading {__version__}"


@pytest.mark.parametrize("name", sorted(SCHEMA_MODELS))
def test_schema_prints_the_input_models_json_schema(name: str) -> None:
    completed = run("schema", name)
    assert completed.returncode == 0
    assert json.loads(completed.stdout) == SCHEMA_MODELS[name].model_json_schema()


def test_schema_crs_describes_crs_assessment() -> None:
    schema = json.loads(run("schema", "crs").stdout)
    assert schema == CrsAssessment.model_json_schema()
    assert schema["additionalProperties"] is False
    assert "temperature" in schema["properties"]


def test_demo_still_runs() -> None:
    completed = run("demo")
    assert completed.returncode == 0
    assert b"NOT TRIAL DATA" in completed.stdout


def test_console_script_is_installed() -> None:
    script = shutil.which("astct-grading", path=str(Path(sys.executable).parent))
    assert script is not None, "pip install -e . creates the astct-grading script"
    completed = subprocess.run(
        [script, "crs"], input=jsonl(VALID[:1]), capture_output=True, check=False, timeout=120
    )
    assert completed.returncode == 0
    assert json.loads(completed.stdout)["result"]["grade"] == 3


def test_sledai_jsonl_and_csv_end_to_end(tmp_path: Path) -> None:
    from astct_grading.sle.sledai import score_sledai2k

    visits: list[dict[str, Any]] = [
        {"id": "v1", "visit_date": "2024-03-01", "seizure": True, "rash": True},
        {"id": "v2", "arthritis": True, "arthritis_joint_count": 1},
        {"id": "v3", "rash": "often"},
        {"id": "v4", "rahs": True},
    ]
    completed = run("sledai", stdin=jsonl(visits))
    assert completed.returncode == 1
    out = lines_of(completed)
    assert [line["id"] for line in out] == ["v1", "v2", "v3", "v4"]
    expected = json.loads(
        score_sledai2k({"visit_date": "2024-03-01", "seizure": True, "rash": True}).to_json()
    )
    assert out[0]["result"] == expected
    assert [line["error"]["errors"][0]["loc"] for line in out[1:]] == ["arthritis", "rash", "rahs"]
    assert out[3]["error"]["errors"][0]["type"] == "extra_forbidden"

    path = tmp_path / "visits.csv"
    path.write_text(
        "id,visit_date,seizure,rash,c4.value,c4.lower_limit\n"
        "v1,2024-03-01,true,true,,\n"
        "v5,2024-04-01,false,,0.05,0.1\n",
        encoding="utf-8",
    )
    completed = run("sledai", str(path))
    assert completed.returncode == 0, completed.stdout
    first, second = lines_of(completed)
    assert first["result"] == expected
    assert second["result"]["items"][0]["present"] is False
    low_complement = [i for i in second["result"]["items"] if i["name"] == "low_complement"]
    assert low_complement[0]["present"] is True


def test_icans_jsonl_and_csv_end_to_end(tmp_path: Path) -> None:
    from astct_grading.icans import grade_icans

    adult = {
        "age_years": 54.2,
        "ice": {"total": 5},
        "consciousness": "awakens_to_voice",
        "seizure": False,
        "motor": "none",
        "icp": [],
    }
    records: list[dict[str, Any]] = [
        {"id": "a1", **adult},
        {"id": "a2", "ice": {"total": 11}},
        {"id": "a3", "consciousness": "sleepy"},
        {"id": "a4", "ice": {"totl": 5}},
    ]
    completed = run("icans", stdin=jsonl(records))
    assert completed.returncode == 1
    out = lines_of(completed)
    assert [line["id"] for line in out] == ["a1", "a2", "a3", "a4"]
    assert out[0]["result"] == json.loads(grade_icans(adult).to_json())
    assert out[0]["result"]["grade"] == 2
    errors = [line["error"]["errors"][0] for line in out[1:]]
    assert [(e["loc"], e["type"]) for e in errors] == [
        ("ice.total", "less_than_equal"),
        ("consciousness", "enum"),
        ("ice.totl", "extra_forbidden"),
    ]

    path = tmp_path / "icans.csv"
    path.write_text(
        "id,age_years,ice.total,consciousness,seizure,motor,icp\n"
        "a1,54.2,5,awakens_to_voice,false,none,[]\n",
        encoding="utf-8",
    )
    completed = run("icans", str(path))
    assert completed.returncode == 0, completed.stdout
    assert lines_of(completed)[0]["result"] == out[0]["result"]
