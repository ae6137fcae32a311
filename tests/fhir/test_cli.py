"""``astct-grading fhir``: output, NDJSON, the report and the exit codes (docs/cli.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from astct_grading.cli import main
from astct_grading.fhir import demo_bundle
from astct_grading.fhir.demo import demo_bundle_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fhir_bundle.json"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo_bundle()), encoding="utf-8")
    return path


def test_demo_bundle_exits_0_and_writes_a_bundle(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "graded.json"
    assert main(["fhir", str(demo), "-o", str(out)]) == 0
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle"
    assert "6 patients read, 6 graded" in capsys.readouterr().err


def test_example_lists_problems_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fhir", str(EXAMPLE)]) == 1
    captured = capsys.readouterr()
    bundle = json.loads(captured.out)
    issues = [
        issue["diagnostics"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "OperationOutcome"
        for issue in entry["resource"]["issue"]
    ]
    assert any("Observation/t-bad" in issue for issue in issues)
    assert "3 resources not used" in captured.err


def test_ndjson_and_report(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fhir", str(demo), "--ndjson"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(json.loads(line)["resourceType"] for line in lines)
    assert main(["fhir", str(demo), "--report", "--time-zone", "Europe/Berlin"]) == 0
    assert capsys.readouterr().out.startswith("Cohort report")


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fhir", str(tmp_path / "missing.json")]) == 2
    assert main(["fhir", str(EXAMPLE), "--time-zone", "Mars/Base"]) == 2
    assert "--time-zone" in capsys.readouterr().err


def test_internal_error_exits_3(
    demo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import astct_grading.cli.fhir as command

    def broken(course: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "grade_course", broken)
    assert main(["fhir", str(demo), "-o", str(demo.with_suffix(".out"))]) == 3
    assert "internal error on patient DEMO-01" in capsys.readouterr().err


def test_a_patient_without_infusion_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.ndjson"
    path.write_text(json.dumps({"resourceType": "Patient", "id": "P1"}) + "\n", encoding="utf-8")
    assert main(["fhir", str(path)]) == 1
    assert "1 patient read, 0 graded, 1 without a course" in capsys.readouterr().err


def test_write_demo_writes_the_shipped_bundle_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo-bundle.json"
    assert main(["fhir", "--write-demo", str(out)]) == 0
    assert out.read_bytes() == demo_bundle_text().encode("utf-8")
    assert json.loads(out.read_text(encoding="utf-8")) == demo_bundle()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "illustrative synthetic data" in captured.err
    assert main(["fhir", str(out)]) == 0  # and it grades, every resource used


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["examples/fhir_bundle.json"], "INPUT"),
        (["-o", "x.json"], "-o"),
        (["--ndjson"], "--ndjson"),
        (["--report"], "--report"),
        (["--time-zone", "UTC"], "--time-zone"),
        (["--medication-record-complete"], "--medication-record-complete"),
    ],
)
def test_write_demo_with_anything_else_is_a_usage_error_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], named: str
) -> None:
    out = tmp_path / "demo-bundle.json"
    assert main(["fhir", "--write-demo", str(out), *extra]) == 2
    assert not out.exists()
    assert f"not with {named}" in capsys.readouterr().err


def test_write_demo_to_a_missing_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fhir", "--write-demo", str(tmp_path / "no" / "demo.json")]) == 2
    assert "error" in capsys.readouterr().err


def test_no_input_is_a_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fhir"]) == 2
    assert "INPUT is required" in capsys.readouterr().err
