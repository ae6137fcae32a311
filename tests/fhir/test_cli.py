"""``astct-grading fhir``: output, NDJSON, the report and the exit codes (docs/cli.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from astct_grading.cli import main
from astct_grading.fhir import demo_bundle

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
