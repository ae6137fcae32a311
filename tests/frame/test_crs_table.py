"""The CRS table API: frames in and out, columns checked, rows kept in order (docs/frame.md)."""

from __future__ import annotations

import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pyarrow as pa
import pytest

from astct_grading import grade_crs
from astct_grading.frame import FrameError, grade_crs_table
from astct_grading.frame import crs as frame_crs

RECORDS = {
    "temperature.value": [38.5, 101.0, None, 50.0],
    "temperature.unit": ["C", "F", None, "C"],
    "hypotension": [True, False, None, None],
    "vasopressors": [["noradrenaline", "vasopressin"], [], None, None],
    "oxygen.device": ["nasal_cannula", "room_air", None, None],
    "oxygen.flow_l_min": [6.01, None, None, None],
}
GRADES = [3, 1, None, None]


def test_crs_table_from_pandas_gives_pandas() -> None:
    out = grade_crs_table(pd.DataFrame(RECORDS))
    assert isinstance(out, pd.DataFrame)
    assert [None if pd.isna(g) else int(g) for g in out["grade"]] == GRADES
    assert out["error_type"].tolist()[3] == "temperature_out_of_range"


def test_crs_table_from_polars_gives_polars() -> None:
    out = grade_crs_table(pl.DataFrame(RECORDS))
    assert isinstance(out, pl.DataFrame)
    assert out["grade"].to_list() == GRADES
    assert out["drivers"].to_list()[0] == ["hypotension", "hypoxia"]


def test_crs_table_from_a_record_batch_gives_a_record_batch() -> None:
    out = grade_crs_table(pa.RecordBatch.from_pydict(RECORDS))
    assert isinstance(out, pa.RecordBatch)
    assert out.column(0).to_pylist() == GRADES
    empty = grade_crs_table(pa.RecordBatch.from_pydict(RECORDS).slice(0, 0))
    assert empty.num_rows == 0


def test_crs_table_keeps_id_and_chosen_columns_in_order() -> None:
    table = pa.table({"id": ["a", "b"], "patient": [7, 8], "fever": [True, False]})
    out = grade_crs_table(table, keep=["patient"])
    assert out.column_names[:3] == ["id", "patient", "grade"]
    assert out.column("patient").to_pylist() == [7, 8]


def test_crs_table_unknown_column_is_refused_with_the_nearest_name() -> None:
    with pytest.raises(FrameError, match=r"did you mean .oxygen\.device.") as raised:
        grade_crs_table(pa.table({"oxygen.devise": ["cpap"]}))
    assert raised.value.type == "frame_column"


def test_crs_table_column_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(FrameError, match="'fever' is string; it must be boolean"):
        grade_crs_table(pa.table({"fever": ["true"]}))


def test_crs_table_reads_null_typed_dictionary_and_chunked_columns() -> None:
    table = pa.table(
        {
            "temperature.value": pa.chunked_array([[38], [39]], pa.int32()),
            "temperature.unit": pa.array(["C", "C"]).dictionary_encode(),
            "fever_waiver": pa.nulls(2),
            "hypotension": pa.nulls(2),
            "vasopressors": pa.nulls(2),
            "oxygen.device": pa.nulls(2),
            "oxygen.flow_l_min": pa.nulls(2),
            "death_due_to_crs": pa.array([False, False]),
        }
    )
    expected = grade_crs(
        {"temperature": {"value": 38.0, "unit": "C"}, "fever_waiver": None, "hypotension": None}
    )
    out = grade_crs_table(table)
    assert out.column("grade_max").to_pylist() == [expected.grade_max] * 2
    assert out.column("missing").to_pylist()[0] == list(expected.missing)


def test_crs_table_reads_large_lists_and_null_lists_that_span_items() -> None:
    items = pa.array(["dopamine", "epinephrine", "dobutamine", "vasopressin"])
    lists = pa.LargeListArray.from_arrays(
        pa.array([0, 2, 3, 4], pa.int64()), items, mask=pa.array([False, True, False])
    )
    out = grade_crs_table(pa.table({"hypotension": [True, True, True], "vasopressors": lists}))
    assert out.column("grade_max").to_pylist()[0] == 4  # two agents: up to grade 4
    assert out.column("error_type").to_pylist() == [None, None, None]
    null_items = pa.array([[None], []], pa.list_(pa.null()))
    out = grade_crs_table(pa.table({"vasopressors": null_items}))
    assert out.column("error_type").to_pylist() == ["model_type", None]


def test_crs_table_check_stricter_than_the_model_costs_speed_never_a_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = pa.table(RECORDS)
    expected = grade_crs_table(table)
    levels = frame_crs._levels

    def refuse_all(*args: object) -> object:
        codes, valid = levels(*args)  # type: ignore[arg-type]
        return codes, valid & False

    monkeypatch.setattr(frame_crs, "_levels", refuse_all)
    assert grade_crs_table(table).equals(expected)


def test_crs_table_from_pandas_keeps_its_index() -> None:
    frame = pd.DataFrame(RECORDS, index=[30, 10, 20, 40])
    out = grade_crs_table(frame)
    assert list(out.index) == [30, 10, 20, 40]
    assert [None if pd.isna(g) else int(g) for g in out["grade"]] == GRADES


@pytest.mark.parametrize(
    ("column", "values"),
    [("vasopressor_count", [1]), ("vasopressor_count", ["multiple"]), ("organ_toxicity", ["x"])],
)
def test_an_input_the_table_path_does_not_read_yet_is_refused_as_a_whole(
    column: str, values: list[object]
) -> None:
    # Never graded as if the input were absent (docs/frame.md, "Not done yet").
    with pytest.raises(FrameError) as raised:
        grade_crs_table(pa.table({"hypotension": [True], column: values}))
    assert raised.value.type == "frame_column"
    assert "does not read yet" in str(raised.value)
