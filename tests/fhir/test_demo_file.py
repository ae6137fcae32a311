"""The shipped demo Bundle (astct_grading/fhir/data/demo_bundle.json) is what demo_bundle()
generates now, so the file and the code cannot drift apart (docs/fhir.md, "The demo Bundle")."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from astct_grading.fhir import demo_bundle, load_demo_bundle
from astct_grading.fhir.demo import DEMO_BUNDLE_FILE, demo_bundle_text, render_demo_bundle

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "astct_grading" / "fhir" / "data" / DEMO_BUNDLE_FILE


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_fhir_demo_bundle", ROOT / "scripts" / "make_fhir_demo_bundle.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_the_shipped_demo_bundle_is_what_demo_bundle_generates() -> None:
    text = demo_bundle_text()
    assert text == render_demo_bundle(), "out of date: run scripts/make_fhir_demo_bundle.py"
    assert SHIPPED.read_bytes() == text.encode("utf-8")  # the package's file, byte for byte
    assert load_demo_bundle() == demo_bundle()


def test_the_shipped_demo_bundle_has_one_entry_per_line() -> None:
    lines = demo_bundle_text().splitlines()
    bundle = load_demo_bundle()
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    assert len(lines) == len(bundle["entry"]) + 2
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == bundle["entry"]
    patients = [
        e["resource"]["id"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert patients == [f"DEMO-0{n}" for n in range(1, 7)]


def test_the_generator_script_writes_the_file_and_checks_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script()
    assert script.OUTPUT == SHIPPED
    assert script.main(["--check"]) == 0
    target = tmp_path / "data" / DEMO_BUNDLE_FILE
    monkeypatch.setattr(script, "OUTPUT", target)
    assert script.main(["--check"]) == 1  # no file yet
    assert "out of date" in capsys.readouterr().err
    assert script.main([]) == 0
    assert target.read_bytes() == SHIPPED.read_bytes()
    assert script.main(["--check"]) == 0
    target.write_text("{}\n", encoding="utf-8")
    assert script.main(["--check"]) == 1
