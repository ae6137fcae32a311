"""Parquet in and out, batch by batch: the library and ``astct-grading crs FILE -o OUT``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from astct_grading import grade_crs
from astct_grading.cli import main
from astct_grading.cli import parquet as cli_parquet
from astct_grading.frame import FrameError, grade_crs_table, stream
from astct_grading.frame import crs as frame_crs
from astct_grading.frame.stream import (
    ParquetReadError,
    ParquetSummary,
    crs_output_schema,
    grade_crs_batches,
    grade_crs_parquet,
)
from benchmarks.parquet import run_cli, write_crs_parquet
from tests.frame.scale_tables import GENERATORS, scale_table

#: Valid, open (unknown inputs) and invalid rows, with an id.
ROWS = {
    "id": ["r0", "r1", "r2", "r3", "r4", "r5"],
    "temperature.value": [38.5, 101.0, None, 50.0, 37.0, 38.0],
    "temperature.unit": ["C", "F", None, "C", "K", "C"],
    "hypotension": [True, False, None, None, False, True],
    "vasopressors": [["noradrenaline", "vasopressin"], [], None, None, [], ["dobutamine"]],
    "oxygen.device": ["nasal_cannula", "room_air", None, None, "room_air", "cpap"],
    "oxygen.flow_l_min": [6.01, None, None, None, None, None],
}
#: The rows that fail validation, and the field each names.
INVALID = {3: "temperature", 4: "temperature.unit", 5: "vasopressors.0.agent"}


def _write(path: Path, table: pa.Table, **options: Any) -> Path:
    pq.write_table(table, path, **options)
    return path


def _graded(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def test_parquet_round_trip_equals_the_table_and_the_per_record_path(tmp_path: Path) -> None:
    table = pa.table(ROWS)
    source = _write(tmp_path / "in.parquet", table)
    summary = grade_crs_parquet(source, tmp_path / "out.parquet")
    assert summary == ParquetSummary(rows=6, invalid=3)
    out = _graded(tmp_path / "out.parquet")
    assert out == grade_crs_table(table).to_pylist()
    assert [row["id"] for row in out] == ROWS["id"]
    for index in (0, 1, 2):
        record = table.slice(index, 1).to_pylist()[0]
        flat = {k: v for k, v in record.items() if k != "id" and v is not None}
        nested: dict[str, Any] = {}
        for key, value in flat.items():
            parent, _, child = key.rpartition(".")
            if parent:
                nested.setdefault(parent, {})[child] = value
            else:
                nested[key] = value
        expected = grade_crs(nested)
        assert (out[index]["grade_min"], out[index]["grade_max"]) == (
            expected.grade_min,
            expected.grade_max,
        )
        assert out[index]["grade"] == expected.grade


def test_parquet_with_several_row_groups_keeps_every_row_in_order(tmp_path: Path) -> None:
    table = pa.concat_tables([pa.table(ROWS)] * 9)
    table = table.set_column(0, "id", pa.array([f"r{i}" for i in range(table.num_rows)]))
    source = _write(tmp_path / "in.parquet", table, row_group_size=4)
    assert pq.ParquetFile(source).metadata.num_row_groups == 14
    summary = grade_crs_parquet(source, tmp_path / "out.parquet", batch_size=5)
    assert summary == ParquetSummary(rows=54, invalid=27)
    assert _graded(tmp_path / "out.parquet") == grade_crs_table(table).to_pylist()
    assert pq.ParquetFile(tmp_path / "out.parquet").metadata.num_row_groups > 1


def test_parquet_cli_grades_into_parquet_and_exits_1_for_invalid_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "in.parquet", pa.table(ROWS))
    out = tmp_path / "graded.parquet"
    assert main(["crs", str(source), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "3 of 6 rows invalid" in captured.err
    rows = _graded(out)
    assert len(rows) == 6
    for index, field in INVALID.items():
        assert rows[index]["error_field"] == field
        assert rows[index]["grade_max"] is None
    assert [row["grade"] for row in rows[:3]] == [3, 1, None]


def test_parquet_cli_all_valid_exits_0(tmp_path: Path) -> None:
    table = pa.table(ROWS).slice(0, 3)
    source = _write(tmp_path / "in.parquet", table)
    assert main(["crs", str(source), "-o", str(tmp_path / "out.parquet")]) == 0
    assert _graded(tmp_path / "out.parquet") == grade_crs_table(table).to_pylist()


def test_parquet_cli_empty_file_gives_an_empty_table(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.parquet", pa.table(ROWS).slice(0, 0))
    assert main(["crs", str(source), "-o", str(tmp_path / "out.parquet")]) == 0
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.num_rows == 0
    assert out.schema == crs_output_schema(pa.table(ROWS).schema)


@pytest.mark.parametrize("name", ["data.bin", "data", "data.csv"])
def test_parquet_is_recognised_by_its_magic_bytes(tmp_path: Path, name: str) -> None:
    source = _write(tmp_path / name, pa.table(ROWS).slice(0, 3))
    assert main(["crs", str(source), "-o", str(tmp_path / "out.parquet")]) == 0


def test_parquet_format_option_and_suffixes() -> None:
    assert cli_parquet.is_parquet("x.jsonl", "parquet")
    assert not cli_parquet.is_parquet("x.parquet", "csv")
    assert not cli_parquet.is_parquet("-", None)
    assert cli_parquet.is_parquet("no-such-file.PQ", None)
    assert not cli_parquet.is_parquet("no-such-file.csv", None)


def _code_and_error(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,fever\nr1,true\n", "cannot read"),
        (b"", "cannot read"),
        (b"PAR1 truncated, no footer", "cannot read"),
    ],
)
def test_parquet_unreadable_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    source = tmp_path / "in.parquet"
    source.write_bytes(content)
    out = tmp_path / "out.parquet"
    code, error = _code_and_error(capsys, "crs", str(source), "-o", str(out))
    assert code == 2
    assert message in error
    assert "Traceback" not in error
    assert not out.exists()  # nothing written for a file that cannot be read at all


def test_parquet_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "in.parquet", pa.table(ROWS))
    out = str(tmp_path / "out.parquet")
    cases = [
        (["crs", str(tmp_path / "none.parquet"), "-o", out], "no such file"),
        (["crs", str(source)], "give -o FILE"),
        (["crs", "-", "--format", "parquet", "-o", out], "not stdin"),
        (["crs", str(source), "-o", str(source)], "is the input file"),
        (["crs", "examples/crs.jsonl", "-o", out], "-o writes the graded table"),
        (["crs", str(source), "-o", str(tmp_path / "no-dir" / "out.parquet")], "error"),
    ]
    for argv, message in cases:
        code, error = _code_and_error(capsys, *argv)
        assert (code, message in error) == (2, True), (argv, error)
        assert "Traceback" not in error


def test_parquet_unknown_or_mistyped_column_exits_2_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.parquet"
    for table, message in [
        (pa.table({"oxygen.devise": ["cpap"]}), "did you mean"),
        (pa.table({"fever": ["yes"]}), "must be boolean"),
    ]:
        source = _write(tmp_path / "in.parquet", table)
        code, error = _code_and_error(capsys, "crs", str(source), "-o", str(out))
        assert code == 2
        assert message in error
        assert not out.exists()
    with pytest.raises(FrameError):
        crs_output_schema(pa.schema([("fever", pa.string())]))


class _FailingFile:
    """A Parquet file whose second batch cannot be read (a damaged row group)."""

    def iter_batches(self, batch_size: int) -> Iterator[pa.RecordBatch]:
        yield pa.record_batch({"fever": [True]})
        raise pa.ArrowInvalid("corrupt page")


def test_parquet_damaged_row_group_is_a_read_error() -> None:
    batches = stream._batches("in.parquet", _FailingFile(), 10)
    assert next(batches).num_rows == 1
    with pytest.raises(ParquetReadError, match=r"cannot read .in\.parquet.: corrupt page"):
        next(batches)


def test_parquet_read_error_midway_exits_2_and_keeps_the_rows_graded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    table = pa.table(ROWS)
    source = _write(tmp_path / "in.parquet", table, row_group_size=2)

    def failing(source: Any, file: Any, batch_size: int) -> Iterator[pa.RecordBatch]:
        yield from file.iter_batches(batch_size=2)
        raise ParquetReadError("cannot read: damaged")

    monkeypatch.setattr(stream, "_batches", failing)
    out = tmp_path / "out.parquet"
    code, error = _code_and_error(capsys, "crs", str(source), "-o", str(out))
    assert code == 2
    assert "damaged" in error
    assert len(_graded(out)) == 6  # a valid file of the rows graded before the error


def test_parquet_internal_error_exits_3_never_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _write(tmp_path / "in.parquet", pa.table(ROWS), row_group_size=2)
    calls = []

    def grade(table: pa.Table, **options: Any) -> pa.Table:
        calls.append(table.num_rows)
        if len(calls) == 3:  # the schema's empty table, then the first batch, then a bug
            raise RuntimeError("a bug")
        return grade_crs_table(table, **options)

    monkeypatch.setattr(frame_crs, "grade_crs_table", grade)
    monkeypatch.setattr(stream, "BATCH_ROWS", 2)
    out = tmp_path / "out.parquet"
    code, error = _code_and_error(capsys, "crs", str(source), "-o", str(out), "--format", "parquet")
    assert code == 3
    assert "internal error: RuntimeError: a bug" in error
    assert _graded(out) == grade_crs_table(pa.table(ROWS).slice(0, 2)).to_pylist()


def test_parquet_batches_cast_to_an_engines_types() -> None:
    schema = crs_output_schema(pa.schema([("fever", pa.bool_())]))
    large = pa.schema(
        [
            field.with_type(pa.large_string()) if field.type == pa.string() else field
            for field in schema
        ]
    )
    batches = list(grade_crs_batches([pa.record_batch({"fever": [True]})], schema=large))
    assert batches[0].schema == large


def test_parquet_without_the_frame_extra_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    source = _write(tmp_path / "in.parquet", pa.table(ROWS))
    monkeypatch.setitem(sys.modules, "astct_grading.frame.stream", None)
    code, error = _code_and_error(capsys, "crs", str(source), "-o", str(tmp_path / "o.parquet"))
    assert code == 2
    assert "import" in error.lower() or "frame" in error


def test_parquet_memory_is_flat_in_the_number_of_rows(tmp_path: Path) -> None:
    # Peak resident memory of the whole command, in a fresh interpreter, for a file 5 times
    # larger: the reader holds one batch at a time (BATCH_ROWS), so the peak hardly moves.
    # Nothing is timed. About 6 s.
    peaks = {}
    for rows in (200_000, 1_000_000):
        source = tmp_path / f"in-{rows}.parquet"
        write_crs_parquet(source, rows)
        code, peak, _ = run_cli("crs", str(source), "-o", str(tmp_path / f"out-{rows}.parquet"))
        assert code in (0, 1)
        assert pq.ParquetFile(tmp_path / f"out-{rows}.parquet").metadata.num_rows == rows
        peaks[rows] = peak
    assert peaks[1_000_000] < 1.3 * peaks[200_000], peaks


def test_parquet_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        grade_crs_parquet(tmp_path / "none.parquet", tmp_path / "out.parquet")
    with pytest.raises(ParquetReadError, match="as Parquet"):
        grade_crs_parquet(_write_text(tmp_path / "x.parquet"), tmp_path / "out.parquet")


def _write_text(path: Path) -> Path:
    path.write_text("not parquet\n")
    return path


def test_every_scale_the_command_line_grades_has_a_table_path() -> None:
    from astct_grading.cli.scales import SCALES
    from astct_grading.frame import TABLE_SCALES

    assert set(SCALES) == set(TABLE_SCALES)


def test_a_scale_without_a_table_path_is_refused_by_name() -> None:
    from astct_grading.frame import grade_table

    with pytest.raises(FrameError, match="no table path for 'ice'"):
        grade_table(pa.table({"fever": [True]}), "ice")


@pytest.mark.parametrize("scale", sorted(GENERATORS))
def test_every_scale_with_a_table_path_is_graded_from_parquet_by_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scale: str
) -> None:
    from astct_grading.frame import grade_table

    table = scale_table(scale, 3_000)
    source = _write(tmp_path / "in.parquet", table, row_group_size=1_000)
    out = tmp_path / "out.parquet"
    code, _ = _code_and_error(capsys, scale, str(source), "-o", str(out))
    expected = grade_table(table, scale)
    invalid = expected.num_rows - expected.column("error_type").null_count
    assert code == (1 if invalid else 0)
    assert _graded(out) == expected.to_pylist()
