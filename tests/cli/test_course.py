"""The ``course``, ``report`` and ``demo`` subcommands, in process and through a subprocess.

The cohort numbers are checked against counts made here from the raw demo cohort file with the
standard library only (patients, products, treatments, deaths, visits), never read back from the
report code.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from astct_grading.cli import (
    COURSE,
    SCHEMA_MODELS,
    commands,
    inputs,
    main,
    output,
)
from astct_grading.cli import jsonl as jsonl_input
from astct_grading.course import Course, CourseResult, grade_course
from astct_grading.report import demo_report, render_text
from tests.cli import harness
from tests.cli.harness import Run, Runner

ROOT = Path(__file__).parent.parent.parent
DEMO_FILE = ROOT / "astct_grading" / "data" / "demo_cohort.json"
DEMO_DOCUMENT: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
DEMO_COURSES: list[dict[str, Any]] = DEMO_DOCUMENT["courses"]

FEVER = {
    "temperature": {"value": 38.6, "unit": "C"},
    "hypotension": False,
    "oxygen": {"device": "room_air"},
}
SMALL: dict[str, Any] = {
    "patient_id": "P1",
    "infusion_at": "2024-03-04T10:00:00+01:00",
    "crs_assessments": [{"at": "2024-03-05T09:00:00+01:00", "assessment": FEVER}],
}
#: Invalid courses, each with the field and error type its error line must name.
INVALID: list[tuple[dict[str, Any], str, str]] = [
    (
        {**SMALL, "patient_id": "naive", "infusion_at": "2024-03-04T10:00:00"},
        "infusion_at",
        "timezone_aware",
    ),
    ({key: value for key, value in SMALL.items() if key != "patient_id"}, "patient_id", "missing"),
    ({**SMALL, "patient_id": "typo", "crs_assesments": []}, "crs_assesments", "extra_forbidden"),
    (
        {
            **SMALL,
            "patient_id": "order",
            "crs_assessments": [
                {"at": "2024-03-06T09:00:00+01:00", "assessment": FEVER},
                {"at": "2024-03-05T09:00:00+01:00", "assessment": FEVER},
            ],
        },
        "",
        "out_of_order",
    ),
    (
        {
            **SMALL,
            "patient_id": "waiver",
            "crs_assessments": [
                {"at": "2024-03-05T09:00:00+01:00", "assessment": {**FEVER, "fever_waiver": True}}
            ],
        },
        "crs_assessments.0",
        "waiver_derived",
    ),
]


def jsonl(courses: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(course).encode() + b"\n" for course in courses)


def invalid_courses() -> list[dict[str, Any]]:
    return [course for course, _, _ in INVALID]


def graded(course: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(grade_course(course).to_json())
    return loaded


# --- Running the tool ---------------------------------------------------------------------------


def tool(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> Run:
    """``python -m astct_grading`` in a subprocess."""
    completed = harness.tool(*args, stdin=stdin, cwd=cwd)
    return Run(completed.returncode, completed.stdout.decode(), completed.stderr.decode())


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# --- course -------------------------------------------------------------------------------------


def test_course_grades_the_demo_cohort_end_to_end(tmp_path: Path) -> None:
    path = write(tmp_path, "courses.jsonl", jsonl(DEMO_COURSES))
    result = tool("course", path)
    assert (result.code, result.stderr) == (0, "")
    out = result.lines
    assert len(out) == len(DEMO_COURSES)
    assert [line["id"] for line in out] == [course["patient_id"] for course in DEMO_COURSES]
    assert [line["line"] for line in out] == list(range(1, len(DEMO_COURSES) + 1))
    assert [line["result"] for line in out] == [graded(course) for course in DEMO_COURSES]


def test_course_result_is_the_results_own_json(run: Runner) -> None:
    result = run("course", stdin=jsonl([SMALL]))
    assert result.code == 0
    expected = grade_course(SMALL).to_json()
    assert result.stdout == f'{{"id":"P1","line":1,"result":{expected}}}\n'


def test_course_result_times_keep_their_offset(run: Runner) -> None:
    # pydantic-core would write UTC as "Z"; the result's own JSON writes "+00:00".
    course = {**SMALL, "infusion_at": "2024-03-04T10:00:00Z"}
    out = run("course", stdin=jsonl([course])).lines
    assert out[0]["result"]["infusion_at"] == "2024-03-04T10:00:00+00:00"
    line = output._result_line(None, 1, grade_course(course))
    assert line == b'{"id":null,"line":1,"result":%b}\n' % grade_course(course).to_json().encode()


def test_course_invalid_records_name_the_field_and_reason(run: Runner) -> None:
    result = run("course", stdin=jsonl(invalid_courses()))
    assert result.code == 1
    out = result.lines
    assert len(out) == len(INVALID)
    for line, (course, loc, type_) in zip(out, INVALID, strict=True):
        assert "result" not in line
        assert line["error"]["type"] == "validation"
        assert {"loc": loc, "type": type_} in [
            {"loc": e["loc"], "type": e["type"]} for e in line["error"]["errors"]
        ], line
        assert all(e["msg"] for e in line["error"]["errors"])
        assert line["id"] == course.get("patient_id")


def test_course_mixed_input_keeps_order_and_goes_on(tmp_path: Path) -> None:
    body = (
        jsonl(DEMO_COURSES[:2])
        + b"\n"
        + jsonl(invalid_courses()[:1])
        + b"not json\n"
        + b"[1, 2]\n"
        + jsonl(DEMO_COURSES[2:3])
    )
    path = write(tmp_path, "mixed.ndjson", body)
    result = tool("course", path)
    assert result.code == 1
    out = result.lines
    assert len(out) == body.count(b"\n") == 7
    assert [line["line"] for line in out] == list(range(1, 8))
    assert ["result" in line for line in out] == [True, True, False, False, False, False, True]
    assert [line.get("error", {}).get("type") for line in out] == [
        None,
        None,
        "parse",
        "validation",
        "parse",
        "parse",
        None,
    ]
    assert out[2]["error"]["errors"][0]["type"] == "blank_line"
    assert out[4]["error"]["errors"][0]["type"] == "json_invalid"
    assert out[5]["error"]["errors"][0]["type"] == "model_type"
    assert [line["id"] for line in out] == [
        "DEMO-01",
        "DEMO-02",
        None,
        "naive",
        None,
        None,
        "DEMO-03",
    ]


def test_course_output_line_count_equals_input_line_count() -> None:
    courses = [*DEMO_COURSES[:1], SMALL, *invalid_courses()] * 5
    body = jsonl(courses) + b"\n{}\n}{\n"
    result = tool("course", stdin=body)
    assert result.code == 1
    assert len(result.lines) == len(courses) + 3 == body.count(b"\n")


@pytest.mark.parametrize("args", [(), ("-",), ("-", "--format", "jsonl")])
def test_course_from_stdin(args: tuple[str, ...]) -> None:
    result = tool("course", *args, stdin=jsonl([SMALL, DEMO_COURSES[0]]))
    assert result.code == 0
    assert [line["id"] for line in result.lines] == ["P1", "DEMO-01"]


def test_course_empty_input(run: Runner, tmp_path: Path) -> None:
    assert (run("course").code, run("course").stdout) == (0, "")
    result = tool("course", write(tmp_path, "empty.jsonl", b""))
    assert (result.code, result.stdout, result.stderr) == (0, "", "")


def test_course_ids(run: Runner) -> None:
    courses: list[dict[str, Any]] = [
        {**SMALL, "id": "record-1"},  # the record's id wins over the patient_id
        {**SMALL, "id": 7},
        {**SMALL, "id": None},  # no id: the patient_id
        {**SMALL, "id": "bad", "infusion_at": "no date"},
        {**SMALL, "patient_id": 12, "infusion_at": "no date"},  # echoed as given
        {**SMALL, "patient_id": ["x"]},  # not an id
        {**SMALL, "id": True},  # a bad id is an error, and no id is echoed
    ]
    out = run("course", stdin=jsonl(courses)).lines
    assert [line["id"] for line in out] == ["record-1", 7, "P1", "bad", 12, None, None]
    assert out[6]["error"]["errors"][0]["loc"] == "id"
    assert "id" not in out[0]["result"]


def test_course_grading_is_streamed_one_course_at_a_time(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[str] = []

    def lines() -> Iterator[bytes]:
        for number, course in enumerate(DEMO_COURSES[:3], 1):
            events.append(f"read {number}")
            yield json.dumps(course).encode() + b"\n"

    def spy(course: Course) -> CourseResult:
        events.append(f"grade {course.patient_id}")
        return grade_course(course)

    monkeypatch.setattr(commands, "COURSE", dataclasses.replace(COURSE, grade=spy))
    monkeypatch.setattr(inputs, "_stdin_lines", lines)
    for command in ("course", "report"):
        events.clear()
        assert main([command]) == 0
        assert events == [
            "read 1",
            "grade DEMO-01",
            "read 2",
            "grade DEMO-02",
            "read 3",
            "grade DEMO-03",
        ]
    capsys.readouterr()


@pytest.mark.parametrize("command", ["course", "report"])
def test_csv_is_refused_for_courses(run: Runner, tmp_path: Path, command: str) -> None:
    for args in (
        ("--format", "csv"),
        (write(tmp_path, "courses.csv", b"patient_id\nP1\n"),),
        (write(tmp_path, "COURSES.CSV", b"patient_id\nP1\n"),),
    ):
        result = run(command, *args, stdin=jsonl([SMALL]))
        assert (result.code, result.stdout) == (2, "")
        assert "courses are read from JSON Lines only" in result.stderr
        assert "CSV row cannot hold" in result.stderr
    completed = tool(command, "--format", "csv", stdin=jsonl([SMALL]))
    assert completed.code == 2
    assert "JSON Lines only" in completed.stderr


@pytest.mark.parametrize("command", ["course", "report"])
def test_course_input_usage_and_io_errors(run: Runner, tmp_path: Path, command: str) -> None:
    unknown = write(tmp_path, "courses.txt", jsonl([SMALL]))
    result = run(command, unknown)
    assert result.code == 2
    assert "cannot tell the format of" in result.stderr
    assert "give --format jsonl" in result.stderr
    assert run(command, unknown, "--format", "jsonl").code == 0
    assert run(command, "--format", "xml").code == 2
    missing = run(command, str(tmp_path / "absent.jsonl"))
    assert missing.code == 2
    assert "No such file or directory" in missing.stderr


def test_every_exit_code_of_course_and_report(tmp_path: Path) -> None:
    good = write(tmp_path, "good.jsonl", jsonl([SMALL]))
    mixed = write(tmp_path, "mixed.jsonl", jsonl([SMALL, *invalid_courses()]))
    for command in ("course", "report"):
        assert tool(command, good).code == 0
        assert tool(command, mixed).code == 1
        assert tool(command, str(tmp_path / "absent.jsonl")).code == 2


# --- report -------------------------------------------------------------------------------------


def raw_counts(courses: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts made from the raw course objects with the standard library only."""
    visits: Counter[str] = Counter()
    for course in courses:
        visits.update({visit["label"] for visit in course.get("sledai_visits", [])})
    return {
        "patients": len(courses),
        "products": Counter(course.get("product") or "unspecified" for course in courses),
        "treatments": Counter(
            therapy
            for course in courses
            for therapy in {t["therapy"] for t in course.get("treatments", [])}
        ),
        "deaths": sum(1 for course in courses if course.get("death") is not None),
        "visits": visits,
    }


def check_counts(report: dict[str, Any], courses: list[dict[str, Any]]) -> None:
    counts = raw_counts(courses)
    patients = counts["patients"]
    assert report["patients"] == patients
    assert Counter(dict(report["products"])) == counts["products"]
    assert {row["label"]: row["n"] for row in report["treatments"]} == dict(counts["treatments"])
    assert report["deaths"]["n"] == counts["deaths"]
    assert {row["label"]: row["patients"] for row in report["sledai"]} == dict(counts["visits"])
    for scale in ("crs", "icans"):
        # Every patient is in exactly one row: a grade or undetermined.
        assert sum(row["n"] for row in report[scale]["by_grade"]) == patients
    assert [line["patient_id"] for line in report["listing"]] == [
        course["patient_id"] for course in courses
    ]


def test_report_json_numbers_match_a_count_from_the_raw_cohort(tmp_path: Path) -> None:
    # The demo cohort plus two invalid records and a duplicate patient.
    body = jsonl(DEMO_COURSES[:4] + invalid_courses()[:2] + DEMO_COURSES[4:] + DEMO_COURSES[:1])
    path = write(tmp_path, "courses.jsonl", body)
    result = tool("report", path, "--output-format", "json")
    assert result.code == 1
    report = json.loads(result.stdout)
    records = body.count(b"\n")
    excluded = 2 + 1
    assert report["input"] == {
        "source": path,
        "records": records,
        "graded": records - excluded,
        "excluded": excluded,
    }
    assert report["patients"] == len(DEMO_COURSES) == records - excluded
    check_counts(report, DEMO_COURSES)
    assert f"{excluded} excluded as invalid" in report["notice"]
    # One stderr line per problem, each naming the line, the field and the reason.
    assert len(result.stderr.splitlines()) == excluded
    assert 'line 5 (id "naive") excluded as invalid (validation): infusion_at: ' in result.stderr
    assert "line 6 excluded as invalid (validation): patient_id: Field required [missing]" in (
        result.stderr
    )
    assert (
        'line 9 (id "DEMO-01") excluded as invalid (validation): patient_id: patient '
        "'DEMO-01' already has a course on line 1; the report counts each patient once "
        "[duplicate_patient]"
    ) in result.stderr


def test_report_on_the_demo_cohort_has_the_demos_tables(tmp_path: Path) -> None:
    path = write(tmp_path, "demo.jsonl", jsonl(DEMO_COURSES))
    result = tool("report", path, "--output-format", "json")
    assert (result.code, result.stderr) == (0, "")
    report = json.loads(result.stdout)
    demo = json.loads(tool("demo", "--output-format", "json").stdout)
    assert report.pop("input") == {
        "source": path,
        "records": len(DEMO_COURSES),
        "graded": len(DEMO_COURSES),
        "excluded": 0,
    }
    for key in ("title", "notice"):
        del report[key], demo[key]
    assert report == demo
    check_counts(report, DEMO_COURSES)


def test_report_text_says_what_was_read_and_excluded(run: Runner) -> None:
    result = run("report", stdin=jsonl([SMALL, *invalid_courses(), DEMO_COURSES[2]]) + b"\n")
    assert result.code == 1
    text = result.stdout
    assert text.startswith(
        "Input: 8 course records read, 2 graded, 6 excluded as invalid (each named on standard "
        "error with its\nline, field and reason); the tables below count the 2 graded courses "
        "only.\n\nCohort report\nPatients: 2 (unspecified 1, BCMA 1)\n"
    )
    stderr = result.stderr.splitlines()
    assert len(stderr) == len(INVALID) + 1
    assert all(line.startswith("astct-grading report: line ") for line in stderr)
    for number, ((course, loc, type_), line) in enumerate(
        zip(INVALID, stderr[:-1], strict=True), 2
    ):
        where = f"line {number}"
        if "patient_id" in course:
            where += f' (id "{course["patient_id"]}")'
        field_ = loc or "the record as a whole"
        assert line.startswith(f"astct-grading report: {where} excluded as invalid (validation): ")
        assert f": {field_}: " in line, line
        assert line.endswith(f"[{type_}]"), line
    assert stderr[-1] == (
        "astct-grading report: line 8 excluded as invalid (parse): the record as a whole: "
        "a blank line is not a JSON object [blank_line]"
    )


def test_report_valid_input_exits_0_and_excludes_nothing(run: Runner) -> None:
    result = run("report", stdin=jsonl(DEMO_COURSES))
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith(
        "Input: 6 course records read, 6 graded, 0 excluded as invalid.\n\n"
        "Cohort report\nPatients: 6 (CD19 3, BCMA 3)\n"
    )


def test_report_counts_each_patient_once(run: Runner) -> None:
    again = {**SMALL, "infusion_at": "2024-05-01T10:00:00+02:00", "crs_assessments": []}
    result = run("report", "--output-format", "json", stdin=jsonl([SMALL, DEMO_COURSES[0], again]))
    assert result.code == 1
    report = json.loads(result.stdout)
    assert report["input"] == {"source": "-", "records": 3, "graded": 2, "excluded": 1}
    assert [line["patient_id"] for line in report["listing"]] == ["P1", "DEMO-01"]
    assert result.stderr == (
        'astct-grading report: line 3 (id "P1") excluded as invalid (validation): patient_id: '
        "patient 'P1' already has a course on line 1; the report counts each patient once "
        "[duplicate_patient]\n"
    )
    # course grades each line on its own: the same patient twice is two results.
    assert run("course", stdin=jsonl([SMALL, again])).code == 0


def test_report_of_one_course(run: Runner) -> None:
    result = run("report", "--output-format", "json", stdin=jsonl([SMALL]))
    report = json.loads(result.stdout)
    assert report["notice"] == ("Input: 1 course record read, 1 graded, 0 excluded as invalid.")
    assert (report["patients"], report["crs"]["any_grade"]["n"]) == (1, 1)


def test_report_of_invalid_courses_only(run: Runner) -> None:
    result = run("report", "--output-format", "json", stdin=jsonl(invalid_courses()[:1]))
    assert result.code == 1
    report = json.loads(result.stdout)
    assert report["input"]["excluded"] == 1
    assert report["patients"] == 0
    assert "the tables below count the 0 graded courses only" in report["notice"]


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_report_empty_input(tmp_path: Path, output_format: str) -> None:
    path = write(tmp_path, "empty.jsonl", b"")
    result = tool("report", path, "--output-format", output_format)
    assert (result.code, result.stderr) == (0, "")
    if output_format == "json":
        report = json.loads(result.stdout)
        assert report["input"] == {"source": path, "records": 0, "graded": 0, "excluded": 0}
        assert report["patients"] == 0
    else:
        assert result.stdout.startswith(
            "Input: 0 course records read, 0 graded, 0 excluded as invalid.\n"
        )
        assert "Patients: 0 (none)" in result.stdout


def test_report_from_stdin_through_a_subprocess() -> None:
    result = tool("report", "-", stdin=jsonl(DEMO_COURSES[:2]))
    assert result.code == 0
    assert "Input: 2 course records read, 2 graded, 0 excluded as invalid." in result.stdout
    assert "Patients: 2 (CD19 2)" in result.stdout


def test_report_stderr_lines_stay_one_per_problem(run: Runner) -> None:
    # A key with a newline in it cannot split a message in two.
    course = {**SMALL, "bad\nkey": 1, "id": "é"}
    result = run("report", stdin=jsonl([course]))
    assert result.stderr == (
        'astct-grading report: line 1 (id "é") excluded as invalid (validation): bad\\nkey: '
        "Extra inputs are not permitted [extra_forbidden]\n"
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_report_messages_start_over_a_progress_line_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, run: Runner
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(jsonl_input, "_PROGRESS_EVERY", 1)
    monkeypatch.setattr(output, "_PROGRESS_SECONDS", 0.0)
    assert run("report", stdin=jsonl([SMALL, *invalid_courses()[:1]])).code == 1
    shown = terminal.getvalue()
    assert "\rcourse: 1 records (" in shown
    assert '\rastct-grading report: line 2 (id "naive") excluded as invalid' in shown


def test_report_without_a_standard_error(monkeypatch: pytest.MonkeyPatch, run: Runner) -> None:
    monkeypatch.setattr(sys, "stderr", None)
    result = run("report", stdin=jsonl(invalid_courses()[:1]))
    assert result.code == 1
    assert "1 excluded as invalid" in result.stdout


# --- demo ---------------------------------------------------------------------------------------


def test_demo_text_is_the_demo_cohort_report_with_its_notice() -> None:
    result = tool("demo")
    assert (result.code, result.stderr) == (0, "")
    notice = DEMO_DOCUMENT["notice"]
    assert notice.startswith("ILLUSTRATIVE SYNTHETIC DATA - NOT TRIAL DATA.")
    assert " ".join(result.stdout.split("\n\n")[0].split()) == notice
    assert DEMO_DOCUMENT["title"] in result.stdout
    assert f"Patients: {len(DEMO_COURSES)} (CD19 3, BCMA 3)" in result.stdout
    assert result.stdout == render_text(demo_report())
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_demo_json_numbers_match_a_count_from_the_raw_cohort(run: Runner) -> None:
    result = run("demo", "--output-format", "json")
    assert (result.code, result.stderr) == (0, "")
    report = json.loads(result.stdout)
    assert report["notice"] == DEMO_DOCUMENT["notice"]
    assert report["title"] == DEMO_DOCUMENT["title"]
    check_counts(report, DEMO_COURSES)


def test_demo_stops_quietly_when_the_reader_goes_away(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Gone(io.StringIO):
        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Gone())
    assert main(["demo"]) == 2
    assert capsys.readouterr().err == ""


# --- schema, help, docs -------------------------------------------------------------------------


def test_schema_course(run: Runner) -> None:
    assert SCHEMA_MODELS["course"] is Course
    result = run("schema", "course")
    assert result.code == 0
    schema = json.loads(result.stdout)
    assert schema == Course.model_json_schema()
    assert {"patient_id", "infusion_at", "crs_assessments"} <= set(schema["properties"])
    assert json.loads(tool("schema", "course").stdout) == schema


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("course", ["JSON Lines", "CSV is refused", '"result"', '"error"', "exit status"]),
        ("report", ["--output-format", "standard", "excluded", "exit status"]),
        ("demo", ["--output-format", "illustrative, not trial data"]),
    ],
)
def test_help(run: Runner, command: str, words: list[str]) -> None:
    result = run(command, "--help")
    assert result.code == 0
    assert result.stdout.startswith(f"usage: astct-grading {command}")
    text = " ".join(result.stdout.split())
    for word in words:
        assert word in text, word


def test_top_level_help_lists_course_report_and_demo() -> None:
    result = tool("--help")
    assert result.code == 0
    listed = re.findall(r"^    (\w+)", result.stdout, re.M)
    assert listed == [
        "crs",
        "icans",
        "sledai",
        "course",
        "report",
        "schema",
        "demo",
        "fhir",
        "sdtm",
    ]


def test_console_script_runs_the_demo() -> None:
    script = shutil.which("astct-grading", path=str(Path(sys.executable).parent))
    assert script is not None
    completed = subprocess.run([script, "demo"], capture_output=True, check=False, timeout=120)
    assert completed.returncode == 0
    assert completed.stdout.startswith(b"ILLUSTRATIVE SYNTHETIC DATA")


def console_examples(page: Path) -> list[tuple[str, str]]:
    """(commands, expected output) of each ``console`` block of a page."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
        commands: list[str] = []
        output: list[str] = []
        for line in block.splitlines(keepends=True):
            if line.startswith("$ "):
                if output:
                    examples.append(("".join(commands), "".join(output)))
                    commands, output = [], []
                commands.append(line[2:])
            else:
                output.append(line)
        examples.append(("".join(commands), "".join(output)))
    return examples


#: ``# exit status N`` ending a command: the status it is expected to exit with (else 0).
EXIT_COMMENT = re.compile(r"#\s*exit status (\d+)\s*$")
#: ``# not run by the docs test: <reason>`` ending a command: it is not run.
NOT_RUN = re.compile(r"#\s*not run by the docs test:")


def test_the_examples_in_docs_cli_md_really_run(tmp_path: Path) -> None:
    examples = console_examples(ROOT / "docs" / "cli.md")
    assert any("astct-grading report" in commands for commands, _ in examples)
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    # The commands are written to run from the repository root and read examples/: they run in
    # a copy of it, so that no command can change the repository.
    if (ROOT / "examples").is_dir():
        shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for written, expected in examples:
        # A command marked as not run (an install, say) is left out; the page says why.
        commands = "".join(
            line for line in written.splitlines(keepends=True) if not NOT_RUN.search(line)
        )
        completed = subprocess.run(
            ["bash", "-c", commands],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            check=False,
            timeout=120,
        )
        assert completed.stdout.decode() == expected, commands
        status = EXIT_COMMENT.search(commands.rstrip("\n").rsplit("\n", 1)[-1])
        assert completed.returncode == (int(status[1]) if status else 0), commands
