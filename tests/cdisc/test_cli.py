"""``astct-grading sdtm``: the example study, its outputs and the exit-code contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from astct_grading.cli import main
from tests.cdisc.build_example import FOLDER


def test_the_example_study_prints_the_report_and_writes_the_datasets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two records of the example cannot be used (a day-only date, a kelvin unit): exit status 1.
    # The example declares its CM complete (tests/cdisc/build_example.py, MAPPING).
    assert main(["sdtm", str(FOLDER), "--cm-complete", "-o", str(tmp_path / "adam")]) == 1
    out = capsys.readouterr().out
    # The cohort report (as `astct-grading report` prints it), then the concordance section.
    assert out.index("Maximum CRS grade (N=6)") < out.index("Concordance, derived vs reported")
    assert "Patients (CRS and ICANS: maximum grade, onset day, duration in days)" in out
    assert "DEMO-01: CRS 2, ICANS 0 (reported: CRS 3)" in out
    assert "discordant: DEMO-01 CRS AESEQ 1" in out
    names = sorted(p.name for p in (tmp_path / "adam").iterdir())
    assert names == sorted(
        [f"{d}.{f}" for d in ("adtox", "adtoxev") for f in ("csv", "parquet", "xpt")]
        + ["define.csv", "issues.csv", "datasets.json"]
    )


def test_json_output_and_one_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "sdtm",
            str(FOLDER),
            "--cm-complete",
            "--output-format",
            "json",
            "-o",
            str(tmp_path),
            "--formats",
            "csv",
            "--studyid",
            "X1",
        ]
    )
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    # The cohort report's keys (as `astct-grading report --output-format json`), with the
    # concordance as a key of it.
    assert {"title", "notice", "patients", "crs", "icans", "listing", "episodes"} <= set(report)
    assert report["patients"] == 6
    assert report["input"]["cm_complete"] is True
    assert report["concordance"]["event"][0]["compared"] == 6
    discordant = [
        (p["usubjid"], p["scale"]) for p in report["concordance"]["event"][0]["discordant"]
    ]
    assert discordant == [("DEMO-01", "CRS"), ("DEMO-06", "ICANS")]
    assert (tmp_path / "adtox.csv").read_text("utf-8").splitlines()[1].startswith("X1,")
    assert not (tmp_path / "adtox.xpt").exists()


def _hypotension_without_cm_records(folder: Path) -> Path:
    # A fever and hypotension (85 mmHg at 40 years, D5) on room air; CM holds no record then.
    (folder / "dm.csv").write_text(
        "USUBJID,AGE,AGEU,RFXSTDTC\nP1,40,YEARS,2024-01-01T10:00\n", encoding="utf-8"
    )
    (folder / "vs.csv").write_text(
        "USUBJID,VSSEQ,VSTESTCD,VSORRES,VSORRESU,VSDTC\n"
        "P1,1,TEMP,38.5,C,2024-01-02T10:00\nP1,2,SYSBP,85,mmHg,2024-01-02T10:00\n",
        encoding="utf-8",
    )
    (folder / "xo.csv").write_text(
        "USUBJID,XOTESTCD,XOORRES,XODTC\nP1,O2DEV,ROOM AIR,2024-01-02T10:00\n", encoding="utf-8"
    )
    (folder / "cm.csv").write_text(
        "USUBJID,CMSEQ,CMDECOD,CMSTDTC\nP1,1,ONDANSETRON,2024-01-01T09:00\n", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize(("flags", "grade"), [([], "2-4"), (["--cm-complete"], "2")])
def test_cm_complete_decides_whether_no_cm_record_means_no_vasopressor(
    flags: list[str], grade: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # By default no CM record at a time leaves vasopressors unknown (D13): CRS 2-4. A study that
    # declares its CM complete reads it as none given: CRS 2.
    folder = _hypotension_without_cm_records(tmp_path)
    assert main(["sdtm", str(folder), *flags, "--output-format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (patient,) = report["listing"]
    assert patient["crs"] == grade


def test_a_clean_study_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "dm.csv").write_text("USUBJID,RFXSTDTC\nP1,2024-01-01T10:00\n", encoding="utf-8")
    (tmp_path / "vs.csv").write_text(
        "USUBJID,VSSEQ,VSTESTCD,VSORRES,VSORRESU,VSDTC\nP1,1,OXYSAT,97,%,2024-01-01T12:00\n",
        encoding="utf-8",
    )
    assert main(["sdtm", str(tmp_path)]) == 0
    assert "not_used in VS: 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["sdtm", "no-such-folder"], "not a folder"),
        (["sdtm", str(FOLDER), "--time-zone", "Nowhere/Else"], "IANA"),
        (["sdtm", str(FOLDER), "-o", "OUT", "--formats", "csv,sas7bdat"], "unknown output format"),
    ],
)
def test_usage_errors_exit_2(
    arguments: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(arguments) == 2
    assert message in capsys.readouterr().err
