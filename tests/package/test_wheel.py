"""The built wheel works on its own: installed into a clean virtual environment, used from outside
the repository.

The package sits at the repository root, so every other test could import the checkout rather than
what users install. This test builds the wheel, installs it (with its dependencies from the
package index) into a new virtual environment and, from a temporary directory, runs the demo
report through the console script and ``python -m``, reads the packaged demo cohort (and its
FHIR Bundle), grades a record, and checks ``py.typed`` and that no test or tool code was packaged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SMOKE = """
import json, sys
from importlib.resources import files
import astct_grading
from astct_grading import grade_crs, load_demo_cohort
from astct_grading.fhir import load_demo_bundle
package = files("astct_grading")
print(json.dumps({
    "file": astct_grading.__file__,
    "version": astct_grading.__version__,
    "typed": package.joinpath("py.typed").is_file(),
    "courses": len(load_demo_cohort()),
    "fhir_patients": sum(e["resource"]["resourceType"] == "Patient"
                         for e in load_demo_bundle()["entry"]),
    "grade": grade_crs({"temperature": {"value": 38.5, "unit": "C"}, "hypotension": False,
                        "oxygen": {"device": "room_air"}, "death_due_to_crs": False}).grade,
    "optional": sorted(m for m in ("hypothesis", "pytest") if m in sys.modules),
}))
"""


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=environment, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the clean environment's bin folder) with the wheel installed."""
    folder = tmp_path_factory.mktemp("wheel")
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(folder), "."],
        ROOT,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = folder.glob("astct_grading-*.whl")
    environment = folder / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(environment)
    bin_folder = environment / ("Scripts" if os.name == "nt" else "bin")
    pip = [str(bin_folder / "python"), "-m", "pip", "install", "--quiet"]
    done = _run([*pip, "--disable-pip-version-check", str(wheel)], folder)
    assert done.returncode == 0, done.stderr
    return wheel, bin_folder


def test_the_wheel_holds_the_package_and_its_data_only(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "astct_grading/py.typed" in names
    assert "astct_grading/data/demo_cohort.json" in names
    assert "astct_grading/fhir/data/demo_bundle.json" in names
    assert "astct_grading/core/bounds.py" in names
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"astct_grading"}


def test_the_installed_package_runs_from_outside_the_checkout(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_folder = installed
    done = _run([str(bin_folder / "python"), "-c", SMOKE], tmp_path)
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    assert Path(facts["file"]).is_relative_to(bin_folder.parent)  # not the checkout
    assert facts["typed"] is True
    assert facts["courses"] > 0
    assert facts["fhir_patients"] == facts["courses"]  # the shipped demo FHIR Bundle
    assert facts["grade"] == 1
    assert facts["optional"] == []  # `import astct_grading` imports no optional dependency


@pytest.mark.parametrize("command", [["astct-grading", "demo"], ["python", "-m", "astct_grading"]])
def test_the_demo_report_runs_from_the_installed_wheel(
    installed: tuple[Path, Path], tmp_path: Path, command: list[str]
) -> None:
    _, bin_folder = installed
    program = [str(bin_folder / command[0]), *command[1:]]
    if command[0] == "python":
        program.append("demo")
    done = _run(program, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "CRS" in done.stdout
    assert "ICANS" in done.stdout
