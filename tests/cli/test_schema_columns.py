"""``astct-grading schema --columns SCALE`` lists every CSV column with its type and allowed values.

The list is aligned and read from the scale's model; ``course`` and a model without a scale have
no CSV columns (exit code 2); ``schema SCALE`` is the model's own JSON Schema. docs/cli.md, "CSV"
(columns are model fields); docs/errors.md, "The JSON Schema".
"""

from __future__ import annotations

import json

import pytest

from astct_grading.cli import SCALES
from astct_grading.criteria.crs import OxygenDevice
from astct_grading.icans import IcpFinding
from tests.cli.harness import Runner, raw_lines


def column_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in raw_lines(text):
        name, rest = line.split(None, 1)
        rows[name] = [part.strip() for part in rest.split("  ") if part.strip()]
    return rows


@pytest.mark.parametrize("name", sorted(SCALES))
def test_schema_columns_lists_every_csv_column_with_its_type(run: Runner, name: str) -> None:
    result = run("schema", "--columns", name)
    assert result.code == 0
    rows = column_rows(result.stdout)
    assert list(rows) == ["id", *SCALES[name].columns]
    for path, column in SCALES[name].csv_columns.items():
        assert rows[path][0] == column.type
    # The columns are aligned: every type starts in the same place.
    starts = {len(line) - len(line.split(None, 1)[1]) for line in raw_lines(result.stdout)}
    assert len(starts) == 1


def test_schema_columns_shows_the_allowed_values(run: Runner) -> None:
    crs = column_rows(run("schema", "--columns", "crs").stdout)
    assert crs["temperature.unit"] == ["text", "C, F"]
    assert crs["oxygen.device"] == ["text", ", ".join(device.value for device in OxygenDevice)]
    assert crs["hypotension"] == ["boolean", "true, false (or TRUE, FALSE)"]
    assert crs["temperature.value"] == ["number"]
    assert crs["vasopressors"][0] == "list of text"
    icans = column_rows(run("schema", "--columns", "icans").stdout)
    assert icans["icp"] == ["list of text", ", ".join(finding.value for finding in IcpFinding)]
    sledai = column_rows(run("schema", "--columns", "sledai").stdout)
    assert sledai["window_days"] == ["integer", "10, 30"]


def test_schema_columns_of_a_course_is_refused(run: Runner) -> None:
    result = run("schema", "--columns", "course")
    assert (result.code, result.stdout) == (2, "")
    assert "course has no CSV columns" in result.stderr


@pytest.mark.usefixtures("probe")
def test_schema_columns_of_a_model_without_a_scale(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(SCALES, "probe")
    result = run("schema", "--columns", "probe")
    assert (result.code, result.stderr) == (
        2,
        "astct-grading schema: error: probe has no CSV columns\n",
    )


def test_schema_model_is_unchanged(run: Runner) -> None:
    assert json.loads(run("schema", "crs").stdout) == SCALES["crs"].model.model_json_schema()
