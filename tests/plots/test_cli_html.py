"""``report --html FILE`` and ``demo --html FILE``: the page is written, the rest is unchanged,
the exit codes are those of docs/cli.md."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from astct_grading.report import load_demo_cohort
from tests.cli.harness import Runner

ROOT = Path(__file__).resolve().parents[2]


def _courses_file(tmp_path: Path, extra: tuple[str, ...] = ()) -> str:
    lines = [c.model_dump_json(exclude_unset=True) for c in load_demo_cohort()]
    path = tmp_path / "courses.jsonl"
    path.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    return str(path)


def test_demo_html_writes_the_page_and_prints_the_usual_report(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    plain = run("demo")
    result = run("demo", "--html", str(target))
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == plain.stdout
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "ILLUSTRATIVE SYNTHETIC DATA - NOT TRIAL DATA." in page
    assert page.count('id="swimmer-bar-') == 7
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode & stat.S_IRUSR
    assert mode & stat.S_IWUSR
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_report_html_of_a_file_of_courses(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = run(
        "report", _courses_file(tmp_path), "--html", str(target), "--output-format", "json"
    )
    assert (result.code, result.stderr) == (0, "")
    assert json.loads(result.stdout)["patients"] == 6
    page = target.read_text(encoding="utf-8")
    assert "Input: 6 course records read, 6 graded, 0 excluded as invalid." in page
    assert page.count('id="swimmer-lane-') == 6
    # Treatments come from the courses: the marks are there.
    assert "<title>DEMO-04: tocilizumab 8 mg/kg, day 1.2</title>" in page


def test_report_html_with_an_invalid_and_a_repeated_course_exits_1(
    run: Runner, tmp_path: Path
) -> None:
    repeated = load_demo_cohort()[0].model_dump_json(exclude_unset=True)
    source = _courses_file(tmp_path, ('{"patient_id": "X"}', repeated))
    target = tmp_path / "report.html"
    result = run("report", source, "--html", str(target))
    assert result.code == 1
    assert "excluded as invalid" in result.stderr
    page = target.read_text(encoding="utf-8")
    assert "8 course records read, 6 graded, 2 excluded as invalid" in page
    assert page.count('id="swimmer-lane-') == 6


@pytest.mark.parametrize("command", ["demo", "report"])
def test_without_matplotlib_html_is_a_usage_error_before_any_work(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    target = tmp_path / "report.html"
    args = [command] if command == "demo" else [command, _courses_file(tmp_path)]
    result = run(*args, "--html", str(target))
    assert result.code == 2
    assert result.stdout == ""
    assert "--html: the figures and the HTML report need Matplotlib" in result.stderr
    assert not target.exists()


def test_html_into_a_missing_folder_is_a_usage_error(run: Runner, tmp_path: Path) -> None:
    result = run("demo", "--html", str(tmp_path / "no" / "report.html"))
    assert (result.code, result.stdout) == (2, "")
    assert "--html: no such folder" in result.stderr


def test_html_onto_a_folder_is_an_io_error_and_leaves_nothing(run: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    result = run("demo", "--html", str(folder))
    assert result.code == 2
    assert "error" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", ["demo", "report"])
def test_help_names_the_html_option(run: Runner, command: str) -> None:
    result = run(command, "--help")
    assert result.code == 0
    assert "--html FILE" in result.stdout
