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
            "vasopressor_count": pa.nulls(2),
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
        codes, valid, exact = levels(*args)  # type: ignore[arg-type]
        return codes, valid & False, exact

    monkeypatch.setattr(frame_crs, "_levels", refuse_all)
    assert grade_crs_table(table).equals(expected)


def test_crs_table_from_pandas_keeps_its_index() -> None:
    frame = pd.DataFrame(RECORDS, index=[30, 10, 20, 40])
    out = grade_crs_table(frame)
    assert list(out.index) == [30, 10, 20, 40]
    assert [None if pd.isna(g) else int(g) for g in out["grade"]] == GRADES


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # D3: a count of distinct agents, named or not; "multiple" is two or more (one may be
        # vasopressin: 3-4); all six agents include five besides vasopressin (4).
        ([None, 0, 1, 2, 6], [(2, 4), (2, 2), (3, 3), (3, 4), (4, 4)]),
        (["multiple", None], [(3, 4), (2, 4)]),
    ],
)
def test_vasopressor_count_column_is_read_as_the_model_reads_it(
    counts: list[object], expected: list[tuple[int, int]]
) -> None:
    out = grade_crs_table(
        pa.table(
            {
                "fever": [True] * len(counts),
                "hypotension": [True] * len(counts),
                "vasopressor_count": counts,
                "oxygen.device": ["room_air"] * len(counts),
            }
        )
    )
    low, high = out.column("grade_min").to_pylist(), out.column("grade_max").to_pylist()
    got = list(zip(low, high, strict=True))
    assert got == expected
    for count, bounds in zip(counts, expected, strict=True):
        record = {"fever": True, "hypotension": True, "oxygen": {"device": "room_air"}}
        result = grade_crs({**record, "vasopressor_count": count})
        assert (result.grade_min, result.grade_max) == bounds


@pytest.mark.parametrize(
    ("count", "named", "hypotension", "error"),
    [
        (7, None, True, "vasopressor_count"),
        (-1, None, True, "vasopressor_count"),
        ("2", None, True, "vasopressor_count"),
        (1, ["norepinephrine", "vasopressin"], True, "vasopressor_count_conflict"),
        (1, [], True, "vasopressor_count_conflict"),
        ("multiple", [], True, "vasopressor_count_conflict"),
        (1, None, False, "hypotension_conflict"),
        (0, [], False, None),
        (2, ["norepinephrine", "vasopressin"], True, None),
    ],
)
def test_vasopressor_count_conflicts_are_the_models(
    count: object, named: list[str] | None, hypotension: bool, error: str | None
) -> None:
    column = pa.array([count], pa.string() if isinstance(count, str) else pa.int64())
    table = pa.table(
        {
            "hypotension": [hypotension],
            "vasopressors": pa.array([named], pa.list_(pa.string())),
            "vasopressor_count": column,
        }
    )
    assert grade_crs_table(table).column("error_type").to_pylist() == [error]


def test_organ_toxicity_is_read_from_a_map_or_a_struct_and_never_changes_the_grade() -> None:
    # D2: organ toxicity is recorded, not graded; a bad organ entry is the model's error.
    organs = pa.array([{"liver": 3}, None, {"liver": 9}], type=pa.map_(pa.string(), pa.int64()))
    out = grade_crs_table(pa.table({"fever": [True, True, True], "organ_toxicity": organs}))
    assert out.column("grade_min").to_pylist() == [1, 1, None]
    assert out.column("error_field").to_pylist() == [None, None, "organ_toxicity.liver"]
    fields = pa.struct([("liver", pa.int64()), ("kidney", pa.int64())])
    struct = pa.array([{"liver": 4, "kidney": None}], fields)
    out = grade_crs_table(pa.table({"fever": [True], "organ_toxicity": struct}))
    expected = grade_crs({"fever": True, "organ_toxicity": {"liver": 4}})
    assert out.column("grade").to_pylist() == [expected.grade]
    with pytest.raises(FrameError, match="must be a map or a struct"):
        grade_crs_table(pa.table({"organ_toxicity": ["liver"]}))


def test_a_reading_near_a_rounding_point_is_left_to_the_exact_path() -> None:
    # D14: 37.995 °C rounds to 38.0 (fever), 37.994 does not; 6.005 L/min is high flow.
    from astct_grading.frame._table import Columns

    table = pa.table(
        {
            "temperature.value": [37.995, 37.994, 38.0, 37.99, 100.391, None],
            "temperature.unit": ["C", "C", "C", "C", "F", None],
            "oxygen.device": [None, None, None, None, None, "nasal_cannula"],
            "oxygen.flow_l_min": [None, None, None, None, None, 6.005],
        }
    )
    _, _, exact = frame_crs._levels(Columns(table, frame_crs._COLUMNS))
    assert exact.tolist() == [False, True, True, True, False, False]
    assert grade_crs_table(table).column("grade_min").to_pylist() == [1, 0, 1, 0, 1, 0]


def test_a_table_without_columns_grades_every_row_as_an_empty_record() -> None:
    # Rows but no columns: each row is the record {} (nothing assessed).
    table = pa.table({"id": [1, 2, 3]}).drop_columns(["id"])
    assert table.num_rows == 3
    out = grade_crs_table(table)
    empty = grade_crs({})
    assert out.column("grade_min").to_pylist() == [empty.grade_min] * 3
    assert out.column("grade_max").to_pylist() == [empty.grade_max] * 3
