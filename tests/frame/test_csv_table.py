"""CSV graded through the columnar engine: row by row the per-record command line's output."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from astct_grading.cli import main
from astct_grading.cli.csv_input import _grade_csv
from astct_grading.cli.output import _Counts
from astct_grading.cli.scales import SCALES, Scale
from astct_grading.criteria.crs import OxygenDevice
from astct_grading.crs.grading import grade_crs
from astct_grading.frame import TABLE_SCALES, FrameError, csvfile
from astct_grading.frame.csvfile import (
    WHITESPACE,
    CsvReadError,
    CsvSummary,
    CsvTableReader,
    grade_csv,
    grade_parquet_to_csv,
    output_format,
)
from astct_grading.frame.stream import ParquetSummary
from benchmarks.csv_table import run_cli, write_crs_csv

_ERRORS = ("error_field", "error_type", "error_message")


def _per_record(scale: str, data: bytes) -> list[dict[str, Any]]:
    """The per-record command line's output lines for a CSV (its own CSV reading and grading)."""
    written: list[bytes] = []
    _grade_csv(SCALES[scale], io.BytesIO(data), written.append, _Counts())
    return [json.loads(line) for line in b"".join(written).splitlines()]


def _columnar(data: bytes, folder: Path, batch_size: int, scale: str = "crs") -> list[Any]:
    out = folder / "out.parquet"
    summary = grade_csv(io.BytesIO(data), out, scale, batch_size=batch_size)
    rows: list[dict[str, Any]] = pq.read_table(out).to_pylist()
    assert summary.rows == len(rows)
    assert summary.invalid == sum(row["error_type"] is not None for row in rows)
    return rows


def _compare(lines: list[dict[str, Any]], rows: list[dict[str, Any]], has_id: bool) -> None:
    """Each columnar row holds what the per-record line says: values, bounds, errors."""
    assert len(rows) == len(lines)
    for index, (line, got) in enumerate(zip(lines, rows, strict=True)):
        want: dict[str, Any] = dict.fromkeys(got)
        if has_id:
            want["id"] = line["id"]
        if "error" in line:
            first = line["error"]["errors"][0]
            want.update(zip(_ERRORS, (first["loc"], first["type"], first["msg"]), strict=True))
        else:
            result = line["result"]
            # SLEDAI-2K's counted descriptors: those that add points for certain (docs/frame.md).
            counted = [i["name"] for i in result.get("items", ()) if i["points_min"] > 0]
            for name in got:
                if name not in _ERRORS and name != "id":
                    want[name] = counted if name == "counted" else result[name]
        assert got == want, (index, got, want)


# Cells on and beside the rules' bounds, and beside the cell rules themselves.
_NUMBERS = [
    "38", "38.0", "1e1", "3_8", " 38", "38 ", "37.995", "37.9949999", "37.99", "100.4", "100.3",
    "-1", "0", "-0", "01", "+1", "nan", "inf", "1e400", "38,5", "6", "6.005", "6.0049", "6.01",
    "25", "24.994", "45.005", "45.01", "0.21", "0.2", "1.0", "1", "90", "89.9", "60", "70", "2",
    "0.5", "17", "130", "131", "300", "20", "19", "1E1", "1e-1", "9" * 30, "null", "", "",
]  # fmt: skip
_BOOLEANS = ["true", "false", "TRUE", "FALSE", "True", "yes", "1", " true", "null", "", ""]
_UNITS = ["C", "F", "K", "c", " C", "null", "", ""]
_DEVICES = [device.value for device in OxygenDevice] + ["nasal cannula", "null", "", ""]
_COUNTS = ["multiple", "0", "2", "7", "two", "null", "", ""]
_LISTS = [
    "[]", " [] ", "[ ]", "norepinephrine", "noradrenaline; vasopressin", " epinephrine ",
    "norepinephrine;", ";", "a;;b", "dobutamine", "phenylephrine;dopamine;vasopressin",
    "\u00a0vasopressin\u2003", "null", "", "",
]  # fmt: skip
_OBJECTS = ["{}", "x", "null", "", "", ""]
_IDS = ["a", "r-1", "null", "", " x "]

_CELLS = {
    "temperature.value": _NUMBERS,
    "temperature.unit": _UNITS,
    "fever": _BOOLEANS,
    "fever_other_cause": _BOOLEANS,
    "fever_waiver": _BOOLEANS,
    "hypotension": _BOOLEANS,
    "systolic_bp_mmhg": _NUMBERS,
    "age_years": _NUMBERS,
    "vasopressors": _LISTS,
    "vasopressor_count": _COUNTS,
    "hypotension_other_cause": _BOOLEANS,
    "oxygen.device": _DEVICES,
    "oxygen.flow_l_min": _NUMBERS,
    "oxygen.fio2": _NUMBERS,
    "hypoxia_other_cause": _BOOLEANS,
    "death_due_to_crs": _BOOLEANS,
    "organ_toxicity": _OBJECTS,
    "id": _IDS,
}


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@st.composite
def _csv_text(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A CRS CSV: a header of some columns, rows of cells from the lists above, odd rows."""
    names = draw(st.lists(st.sampled_from(sorted(_CELLS)), min_size=1, max_size=10, unique=True))
    lines = [",".join(names)]
    for _ in range(draw(st.integers(0, 12))):
        cells = [draw(st.sampled_from(_CELLS[name])) for name in names]
        shape = draw(st.sampled_from(["plain"] * 8 + ["quoted", "short", "blank", "bad", "odd"]))
        if shape == "quoted":
            cells = [_quoted(cell) if draw(st.booleans()) else cell for cell in cells]
        elif shape == "short":
            cells = cells[:-1] if len(cells) > 1 else [*cells, ""]
        elif shape == "blank":
            cells = []
        elif shape == "bad":
            cells[0] = draw(
                st.sampled_from(['a"b', '"a"b', '"multi\nline"', '"open', "\r", "\x00x", "\ufeffC"])
            )
        elif shape == "odd":
            cells[0] += draw(st.sampled_from(["\udcff", "\u2028"]))
        lines.append(",".join(cells))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(lines) + draw(st.sampled_from([ending, ""]))
    data = text.encode("utf-8", errors="surrogateescape")
    return data, "id" in names


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_csv_text(), st.integers(1, 5))
def test_csv_graded_column_wise_equals_the_per_record_command_line(
    case: tuple[bytes, bool], batch_size: int
) -> None:
    data, has_id = case
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        rows = _columnar(data, Path(folder), batch_size)
    _compare(_per_record("crs", data), rows, has_id)


def _rows_csv(count: int) -> bytes:
    """``count`` rows cycling through valid, open, invalid and per-record-only rows."""
    header = "id,temperature.value,temperature.unit,hypotension,vasopressors,oxygen.device,fever"
    kinds = [
        "{i},38.6,C,false,[],room_air,",
        "{i},101.3,F,true,noradrenaline; vasopressin,nasal_cannula,",
        "{i},,,,,,",
        "{i},3_8,C,false,[],room_air,",
        "{i},30,K,false,[],room_air,",
        '{i},"39,0",C,true,dobutamine,cpap,',
        "{i},37,C,null,norepinephrine;,room_air,yes",
        "{i},38.0,C,TRUE,,,",
    ]
    lines = [header] + [kinds[i % len(kinds)].format(i=f"r{i}") for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def test_chunk_boundaries_do_not_change_the_output(tmp_path: Path) -> None:
    data = _rows_csv(200)
    whole = _columnar(data, tmp_path, 65_536)
    assert _columnar(data, tmp_path, 3) == whole
    assert _columnar(data, tmp_path, 7) == whole
    _compare(_per_record("crs", data), whole, True)


def test_a_quoted_cell_over_a_chunk_boundary_is_one_row(tmp_path: Path) -> None:
    data = b'id,oxygen.device\na,room_air\nb,"room\n_air"\nc,cpap\n'
    rows = _columnar(data, tmp_path, 2)
    assert [row["id"] for row in rows] == ["a", "b", "c"]
    assert rows[1]["error_field"] == "oxygen.device"
    _compare(_per_record("crs", data), rows, True)


def test_an_unclosed_quote_and_a_cell_over_the_csv_limit(tmp_path: Path) -> None:
    long = b"C" * 131_073
    for data in (b'id,fever\na,true\nb,"tru\nc,false\n', b"id,temperature.unit\na," + long + b"\n"):
        rows = _columnar(data, tmp_path, 1)
        assert rows[-1]["error_type"] == "csv"
        _compare(_per_record("crs", data), rows, True)


def test_cells_read_by_the_command_lines_rules(tmp_path: Path) -> None:
    data = (
        b"id,temperature.value,temperature.unit,fever_other_cause,vasopressors,hypotension\n"
        b"a,38,C,,[],FALSE\n"  # an empty fever_other_cause: its default, false
        b"b,38,C,null,[],false\n"  # null: not known
        b"c,38.0,C,false, norepinephrine ; vasopressin ,true\n"
        b",37,C,,,\n"
    )
    reader = CsvTableReader(io.BytesIO(data), "crs")
    chunk = next(reader.chunks())
    assert chunk.batch.column("fever_other_cause").to_pylist() == [False, None, False, False]
    assert chunk.batch.column("vasopressors").to_pylist() == [
        [],
        [],
        ["norepinephrine", "vasopressin"],
        None,
    ]
    assert chunk.batch.column("id").to_pylist() == ["a", "b", "c", None]
    assert chunk.exact.tolist() == [True] * 4
    rows = _columnar(data, tmp_path, 10)
    assert [row["grade_min"] for row in rows] == [1, 0, 3, 0]
    _compare(_per_record("crs", data), rows, True)


def test_whitespace_is_what_str_strip_removes() -> None:
    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace())
    assert every == WHITESPACE


def _model_scale() -> Scale:
    class Odd(BaseModel):
        needed: bool
        counted: int = 10
        made: list[str] = Field(default_factory=list)
        numbers: list[int] | None = None
        things: dict[str, int] | None = None

    return Scale("odd", "", Odd, lambda record: record)


def test_columns_the_typed_table_cannot_hold_go_to_the_per_record_path() -> None:
    scale = _model_scale()
    plan = {name: csvfile._plan_column(scale, name) for name in scale.csv_columns}
    assert plan["needed"].empty_typed is False
    assert plan["counted"] == csvfile._Column("counted", "number", fill=10, empty_typed=False)
    assert plan["made"].empty_typed is False
    assert plan["numbers"].kind == "model"
    assert plan["things"].kind == "model"
    typed, exact = csvfile._read_column(plan["counted"], pa.array(["", "3", "x"]))
    assert typed is not None
    assert typed.to_pylist() == [10.0, 3.0, None]
    assert exact.tolist() == [False, True, False]


def test_header_errors_raise_frame_error_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        (b"id,fevr\n", "unknown CSV column 'fevr'"),
        (b"fever,fever\n", "repeats the column"),
        (b"id;fever\n", "the delimiter must be a comma"),
        (b"\xc3(,fever\nx\n", "not valid UTF-8"),
        (b'"fever\n', "unreadable CSV header"),
    ]
    for data, message in cases:
        with pytest.raises(FrameError, match=message):
            CsvTableReader(io.BytesIO(data), "crs")
        source = tmp_path / "in.csv"
        source.write_bytes(data)
        out = tmp_path / "out.parquet"
        assert main(["crs", str(source), "-o", str(out)]) == 2
        error = capsys.readouterr().err
        assert message in error
        assert "Traceback" not in error
        assert not out.exists()
    with pytest.raises(FrameError, match="no CSV columns for 'course'"):
        CsvTableReader([b"id\n"], "course")


def test_utf16_is_refused() -> None:
    data = "fever\ntrue\n".encode("utf-16")
    with pytest.raises(CsvReadError, match="UTF-16"):
        grade_csv(io.BytesIO(data), "out.parquet")


def test_output_formats(tmp_path: Path) -> None:
    assert output_format("x.Parquet") == "parquet"
    with pytest.raises(ValueError, match="suffix"):
        output_format("x.json")
    data = _rows_csv(8)
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    summary = grade_csv(source, tmp_path / "out.csv", "crs")
    assert summary == CsvSummary(rows=8, invalid=4, internal=0)
    text = pacsv.read_csv(tmp_path / "out.csv").to_pylist()
    parquet = _columnar(data, tmp_path, 3)
    assert [row["id"] for row in text] == [row["id"] for row in parquet]
    raw = (tmp_path / "out.csv").read_text().splitlines()
    assert raw[1].startswith('"r0",1,1,1,"fever","[]","ASTCT-2019"')
    assert raw[2].startswith('"r1",3,3,3,"hypotension","[]"')


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    assert grade_csv(io.BytesIO(b""), tmp_path / "a.parquet") == CsvSummary(0, 0, 0)
    assert pq.read_table(tmp_path / "a.parquet").num_rows == 0
    assert grade_csv(io.BytesIO(b"id,fever\n"), tmp_path / "b.parquet") == CsvSummary(0, 0, 0)
    assert pq.read_table(tmp_path / "b.parquet").column_names[:2] == ["id", "grade"]


def test_parquet_input_into_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = pa.table({"id": ["a", "b"], "fever": [True, None], "oxygen.device": ["cpap", "x"]})
    pq.write_table(table, tmp_path / "in.parquet")
    summary = grade_parquet_to_csv(tmp_path / "in.parquet", tmp_path / "out.csv", batch_size=1)
    assert summary == ParquetSummary(rows=2, invalid=1)
    assert main(["crs", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "o.csv")]) == 1
    assert "1 of 2 rows invalid" in capsys.readouterr().err
    rows = pacsv.read_csv(tmp_path / "o.csv").to_pylist()
    assert [row["error_field"] for row in rows] == ["", "oxygen.device"]
    assert rows[0]["grade_min"] == 4  # positive pressure


def test_cli_exit_codes_0_1_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    valid = tmp_path / "valid.csv"
    valid.write_bytes(b"id,fever\na,true\n")
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(_rows_csv(8))
    out = tmp_path / "out.parquet"
    assert main(["crs", str(valid), "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["crs", str(mixed), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert "4 of 8 rows invalid" in captured.err
    assert captured.out == ""
    assert main(["crs", str(mixed), "-o", str(tmp_path / "out.csv")]) == 1
    usage = [
        (["crs", str(mixed), "-o", str(tmp_path / "out.txt")], "from its suffix"),
        (["crs", str(mixed), "-o", str(mixed)], "is the input file"),
        (["crs", str(tmp_path / "none.csv"), "-o", str(out)], "no such file"),
        (["crs", str(tmp_path / "x.parquet")], "give -o FILE"),
        (["crs", "examples/crs.jsonl", "-o", str(out)], "JSON Lines input is graded"),
        (["crs", str(mixed), "-o", str(tmp_path / "no-dir" / "o.parquet")], "error"),
    ]
    for argv, message in usage:
        code = main(argv)
        error = capsys.readouterr().err
        assert (code, message in error, "Traceback" in error) == (2, True, False), (argv, error)


def test_cli_reads_csv_from_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(_rows_csv(4)), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    out = tmp_path / "out.parquet"
    assert main(["crs", "-", "--format", "csv", "-o", str(out)]) == 1
    assert pq.read_table(out).column("id").to_pylist() == ["r0", "r1", "r2", "r3"]


def test_cli_internal_error_exits_3_never_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"id,fever\na,true\nb,yes\nc,true\n")

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(csvfile, "_csv_outcome", broken)
    out = tmp_path / "out.parquet"
    assert main(["crs", str(source), "-o", str(out)]) == 3
    assert "1 of them met an internal error" in capsys.readouterr().err
    rows = pq.read_table(out).to_pylist()
    assert [row["error_type"] for row in rows] == [None, "internal", None]
    assert rows[1]["id"] == "b"
    source.write_bytes(b"fever\nyes\n")
    assert main(["crs", str(source), "-o", str(out)]) == 3
    assert pq.read_table(out).column("error_message").to_pylist()[0].startswith("RuntimeError")


def test_cli_without_the_frame_extra_or_a_table_path_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"fever\ntrue\n")
    out = str(tmp_path / "out.parquet")
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "astct_grading.frame.csvfile", None)
        assert main(["crs", str(source), "-o", out]) == 2
    monkeypatch.setitem(TABLE_SCALES, "crs", ("astct_grading.frame.no_such_module", "x"))
    assert main(["crs", str(source), "-o", out]) == 2
    assert "crs has no table path" in capsys.readouterr().err


def test_csv_memory_is_flat_in_the_number_of_rows(tmp_path: Path) -> None:
    # Peak resident memory of the whole command, in a fresh interpreter, for a file 5 times
    # larger: the reader holds one chunk at a time (BATCH_ROWS), so the peak hardly moves.
    # Nothing is timed.
    peaks = {}
    for rows in (200_000, 1_000_000):
        source = tmp_path / f"in-{rows}.csv"
        write_crs_csv(source, rows)
        out = tmp_path / f"out-{rows}.parquet"
        code, peak, _ = run_cli("crs", str(source), "-o", str(out))
        assert code in (0, 1)
        assert pq.ParquetFile(out).metadata.num_rows == rows
        peaks[rows] = peak
    assert peaks[1_000_000] < 1.3 * peaks[200_000], peaks


def test_crs_rows_equal_grade_crs(tmp_path: Path) -> None:
    rows = _columnar(b"temperature.value,temperature.unit,hypotension\n38.5,C,false\n", tmp_path, 1)
    expected = grade_crs({"temperature": {"value": 38.5, "unit": "C"}, "hypotension": False})
    assert (rows[0]["grade_min"], rows[0]["grade_max"]) == (expected.grade_min, expected.grade_max)


def _has_table(scale: str) -> bool:
    return importlib.util.find_spec(TABLE_SCALES[scale][0]) is not None


_OTHER = {
    "icans": (
        b"id,age_years,ice.total,consciousness,seizure,icp,motor,death_due_to_icans\n"
        b"a,40,10,awakens_spontaneously,false,[],,\n"
        b"b,40,7.0,,,,,\n"
        b"c,40,7.5,,true,,,\n"
        b"d,,x,null,TRUE, papilloedema ,,\n"
        b"e,,,,,,,\n"
    ),
    "sledai": (
        b"id,visit_date,window_days,platelets_10e9_l,fever,rash,c3.value,c3.lower_limit\n"
        b"a,2024-01-02,,99,false,true,0.8,0.9\n"
        b"b,,30,100,,null,,\n"
        b"c,2024-13-01,10,1e1,yes,,0.9,\n"
        b"d,,,,,,,\n"
    ),
}


@pytest.mark.parametrize("scale", ["icans", "sledai"])
def test_other_scales_equal_the_per_record_command_line(tmp_path: Path, scale: str) -> None:
    if not _has_table(scale):
        pytest.skip(f"{TABLE_SCALES[scale][0]} is not in this installation")
    data = _OTHER[scale]
    for batch_size in (1, 2, 100):
        _compare(_per_record(scale, data), _columnar(data, tmp_path, batch_size, scale), True)


def test_rows_left_to_the_per_record_path_are_graded_by_it() -> None:
    reader = CsvTableReader(io.BytesIO(_rows_csv(16)), "crs")
    chunk = next(reader.chunks())
    every = dataclasses.replace(chunk, exact=np.zeros_like(chunk.exact))
    by_record = csvfile._Grader(reader, "crs").grade(every).to_pylist()
    assert by_record == csvfile._Grader(reader, "crs").grade(chunk).to_pylist()
    assert by_record[0]["grade"] == 1


def test_a_csv_without_a_typed_column_is_graded_row_by_row(tmp_path: Path) -> None:
    data = b'organ_toxicity\n{}\n""\n'
    rows = _columnar(data, tmp_path, 10)
    assert [row["error_type"] for row in rows] == ["dict_type", None]
    _compare(_per_record("crs", data), rows, False)
