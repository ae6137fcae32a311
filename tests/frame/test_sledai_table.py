"""The SLEDAI-2K table API: every cut-off on both sides, frames in and out, columns checked."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pyarrow as pa
import pytest
from pydantic import ValidationError

from astct_grading.criteria.sledai2k import DESCRIPTORS, Descriptor
from astct_grading.frame import FrameError, grade_sledai2k_table
from astct_grading.frame import sledai as frame_sledai
from astct_grading.frame._table import Columns
from astct_grading.sle import score_sledai2k
from astct_grading.sle.options import Sledai2kOptions

DEFAULT = Sledai2kOptions()
MORE_THAN_TWO = Sledai2kOptions(arthritis_threshold="more_than_two")


def _form_without(name: str) -> dict[str, Any]:
    """Every descriptor called absent but ``name``, left to its raw values."""
    return {d.value: None if d.value == name else False for d in Descriptor}


def _per_record(record: dict[str, Any], options: Sledai2kOptions) -> dict[str, Any]:
    """What the per-record path gives a record, in the output's columns."""
    try:
        result = score_sledai2k(record, options=options)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        return {
            "error_field": ".".join(str(part) for part in first["loc"]),
            "error_type": first["type"],
            "error_message": first["msg"],
        }
    return {
        "score": result.score,
        "score_min": result.score_min,
        "score_max": result.score_max,
        "counted": [item.name for item in result.items if item.points_min > 0],
        "missing": list(result.missing),
        "criteria_version": result.criteria_version,
    }


def _record(cells: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name, value in cells.items():
        parent, _, child = name.rpartition(".")
        if parent:
            record.setdefault(parent, {})[child] = value
        else:
            record[name] = value
    return record


def _graded(table: pa.Table, options: Sledai2kOptions = DEFAULT) -> list[dict[str, Any]]:
    """The output's rows: the error columns of a refused row, the others of a scored one."""
    errors = ("error_field", "error_type", "error_message")
    return [
        {
            key: value
            for key, value in row.items()
            if key != "id" and (key in errors) == (row["error_type"] is not None)
        }
        for row in grade_sledai2k_table(table, options=options).to_pylist()
    ]


#: (descriptor, its raw cells, present): both sides of every cut-off (the SLEDAI-2K form; D14
#: rounds a reading to 0.01 of its unit, half up, before the strict comparison; D16, D17).
CUT_OFFS = [
    ("fever", {"temperature.value": 38.0, "temperature.unit": "C"}, False),  # > 38 °C
    ("fever", {"temperature.value": 38.01, "temperature.unit": "C"}, True),
    ("fever", {"temperature.value": 38.004, "temperature.unit": "C"}, False),  # 38.00
    ("fever", {"temperature.value": 38.005, "temperature.unit": "C"}, True),  # 38.01
    ("fever", {"temperature.value": 100.4, "temperature.unit": "F"}, False),  # 38.00 °C
    ("fever", {"temperature.value": 100.42, "temperature.unit": "F"}, True),  # 38.01 °C
    ("thrombocytopenia", {"platelets_10e9_l": 100.0}, False),  # < 100 x10^9/L
    ("thrombocytopenia", {"platelets_10e9_l": 99.99}, True),
    ("thrombocytopenia", {"platelets_10e9_l": 99.995}, False),  # 100.00
    ("thrombocytopenia", {"platelets_10e9_l": 99.994}, True),  # 99.99
    ("leukopenia", {"wbc_10e9_l": 3.0}, False),  # < 3.0 x10^9/L
    ("leukopenia", {"wbc_10e9_l": 2.99}, True),
    ("leukopenia", {"wbc_10e9_l": 2.995}, False),  # 3.00
    ("proteinuria", {"proteinuria_g_24h": 0.5}, False),  # > 0.5 g/24 h
    ("proteinuria", {"proteinuria_g_24h": 0.51}, True),
    ("proteinuria", {"proteinuria_g_24h": 0.504}, False),  # 0.50
    ("proteinuria", {"proteinuria_g_24h": 0.505}, True),  # 0.51
    ("haematuria", {"urine_rbc_per_hpf": 5.0}, False),  # > 5 RBC/hpf
    ("haematuria", {"urine_rbc_per_hpf": 5.01}, True),
    ("haematuria", {"urine_rbc_per_hpf": 6.0}, True),
    ("pyuria", {"urine_wbc_per_hpf": 5.0}, False),  # > 5 WBC/hpf
    ("pyuria", {"urine_wbc_per_hpf": 5.01}, True),
    # Complement: strictly below the testing laboratory's lower limit, as given (D17).
    (
        "low_complement",
        {
            "c3.value": 0.9,
            "c3.lower_limit": 0.9,
            "c4.value": 0.1,
            "c4.lower_limit": 0.1,
            "ch50.value": 30.0,
            "ch50.lower_limit": 30.0,
        },
        False,
    ),
    ("low_complement", {"c3.value": 0.89, "c3.lower_limit": 0.9}, True),
    ("low_complement", {"c4.value": 0.0999, "c4.lower_limit": 0.1, "c4.unit": "g/L"}, True),
    ("low_complement", {"ch50.value": 29.0, "ch50.lower_limit": 30.0}, True),
    # Anti-dsDNA: strictly above the testing laboratory's upper limit (D17).
    ("increased_dna_binding", {"anti_dsdna.value": 30.0, "anti_dsdna.upper_limit": 30.0}, False),
    ("increased_dna_binding", {"anti_dsdna.value": 30.01, "anti_dsdna.upper_limit": 30.0}, True),
    # Arthritis: at least 2 inflamed joints (D16).
    ("arthritis", {"arthritis_joint_count": 1}, False),
    ("arthritis", {"arthritis_joint_count": 2}, True),
]


@pytest.mark.parametrize(("name", "cells", "present"), CUT_OFFS)
def test_sledai_table_cut_offs_on_both_sides(
    name: str, cells: dict[str, Any], present: bool
) -> None:
    form = _form_without(name)
    table = pa.table({**{k: [v] for k, v in form.items()}, **{k: [v] for k, v in cells.items()}})
    [graded] = _graded(table)
    weight = DESCRIPTORS[Descriptor(name)].weight
    assert (graded["score"], graded["counted"]) == ((weight, [name]) if present else (0, []))
    assert graded == _per_record({**form, **_record(cells)}, Sledai2kOptions())


@pytest.mark.parametrize(
    ("count", "two_or_more", "more_than_two"), [(1, 0, 0), (2, 4, 0), (3, 4, 4)]
)
def test_sledai_table_arthritis_under_both_readings(
    count: int, two_or_more: int, more_than_two: int
) -> None:
    form = _form_without("arthritis")
    table = pa.table({**{k: [v] for k, v in form.items()}, "arthritis_joint_count": [count]})
    assert _graded(table)[0]["score"] == two_or_more
    assert _graded(table, MORE_THAN_TWO)[0]["score"] == more_than_two


def test_sledai_table_call_against_the_reading_at_two_joints_is_the_per_record_error() -> None:
    # The model accepts arthritis=True with 2 joints (one reading agrees); scoring under "more
    # than 2" refuses it (D16), and so does the table, with the same error.
    cells = {"arthritis": [True, False], "arthritis_joint_count": [2, 2]}
    out = _graded(pa.table(cells), MORE_THAN_TWO)
    assert out[0] == _per_record({"arthritis": True, "arthritis_joint_count": 2}, MORE_THAN_TWO)
    assert out[0]["error_type"] == "sledai_descriptor_conflict"
    assert out[1]["score_max"] == 101  # arthritis absent, as the call says
    default = _graded(pa.table(cells))
    assert default[1] == _per_record(
        {"arthritis": False, "arthritis_joint_count": 2}, Sledai2kOptions()
    )
    assert default[1]["error_field"] == "arthritis"


@pytest.mark.parametrize(
    ("cells", "error_type"),
    [
        (
            {"fever": False, "temperature.value": 38.5, "temperature.unit": "C"},
            "sledai_descriptor_conflict",
        ),
        ({"thrombocytopenia": False, "platelets_10e9_l": 99.0}, "sledai_descriptor_conflict"),
        (
            {"low_complement": False, "c3.value": 0.8, "c3.lower_limit": 0.9},
            "sledai_descriptor_conflict",
        ),
        (
            {
                "increased_dna_binding": True,
                "anti_dsdna.value": 10.0,
                "anti_dsdna.upper_limit": 30.0,
            },
            "sledai_descriptor_conflict",
        ),
        ({"arthritis": True, "arthritis_joint_count": 1}, "sledai_descriptor_conflict"),
        ({"platelets_10e9_l": 5000.01}, "less_than_equal"),
        ({"wbc_10e9_l": -0.01}, "greater_than_equal"),
        ({"proteinuria_g_24h": math.nan}, "finite_number"),
        ({"urine_rbc_per_hpf": math.inf}, "finite_number"),
        ({"arthritis_joint_count": 69}, "less_than_equal"),
        ({"arthritis_joint_count": 2.5}, "int_from_float"),
        ({"c3.value": 0.5}, "missing"),
        ({"c4.value": 0.5, "c4.lower_limit": 0.0}, "greater_than"),
        ({"ch50.value": 1.0, "ch50.lower_limit": 1.0, "ch50.unit": ""}, "string_too_short"),
        (
            {"anti_dsdna.value": 1.0, "anti_dsdna.upper_limit": 1.0, "anti_dsdna.unit": "x" * 33},
            "string_too_long",
        ),
        ({"temperature.value": 38.5}, "missing"),
        ({"temperature.value": 46.0, "temperature.unit": "C"}, "temperature_out_of_range"),
        ({"temperature.value": 38.5, "temperature.unit": "K"}, "enum"),
        ({"window_days": 28.0}, "sledai_window"),
        ({"window_days": None}, "sledai_window"),
        ({"visit_date": "2024-02-30"}, "date_from_datetime_parsing"),
    ],
)
def test_sledai_table_refuses_what_the_model_refuses(
    cells: dict[str, Any], error_type: str
) -> None:
    table = (
        pa.Table.from_pylist([cells])
        if None not in cells.values()
        else pa.table({name: pa.array([value], pa.float64()) for name, value in cells.items()})
    )
    [graded] = _graded(table)
    assert graded["error_type"] == error_type
    assert graded == _per_record(_record(cells), Sledai2kOptions())


@pytest.mark.parametrize(
    ("cells", "record"),
    [
        # A null cause is not known: the bounds stay open, the cause is missing (D13).
        (
            {"seizure": [True], "seizure_other_cause": pa.array([None], pa.bool_())},
            {"seizure": True, "seizure_other_cause": None},
        ),
        # A cause left out is the model's default: no other cause recorded.
        ({"seizure": [True]}, {"seizure": True}),
        # A null call with no raw value: not assessed; the raw field is missing too.
        ({"proteinuria": pa.array([None], pa.bool_())}, {"proteinuria": None}),
        # One complement measured and normal: the others are missing.
        ({"c3.value": [1.0], "c3.lower_limit": [0.9]}, {"c3": {"value": 1.0, "lower_limit": 0.9}}),
        (
            {
                "c3.value": [1.0],
                "c3.lower_limit": [0.9],
                "ch50.value": [40.0],
                "ch50.lower_limit": [30.0],
            },
            {
                "c3": {"value": 1.0, "lower_limit": 0.9},
                "ch50": {"value": 40.0, "lower_limit": 30.0},
            },
        ),
        # Nothing given: 0 to 105.
        ({"id": ["v1"]}, {}),
    ],
)
def test_sledai_table_nulls_give_the_per_record_bounds(
    cells: dict[str, Any], record: dict[str, Any]
) -> None:
    [graded] = _graded(pa.table(cells))
    assert graded == _per_record(record, Sledai2kOptions())


def test_sledai_table_empty_table_has_every_input_missing() -> None:
    out = grade_sledai2k_table(pa.table({"id": pa.array([], pa.string())}))
    assert out.num_rows == 0
    [graded] = _graded(pa.table({"id": ["v1"]}))
    assert (graded["score_min"], graded["score_max"], graded["score"]) == (0, 105, None)


RECORDS = {
    "id": ["a", "b", "c"],
    "seizure": [True, False, None],
    "rash": [True, False, False],
    "platelets_10e9_l": [80.0, 150.0, math.nan],
    "window_days": [10, 30, 10],
}


def test_sledai_table_from_pandas_gives_pandas() -> None:
    frame = pd.DataFrame(RECORDS, index=[5, 6, 7])
    out = grade_sledai2k_table(frame)
    assert isinstance(out, pd.DataFrame)
    assert list(out.index) == [5, 6, 7]
    assert out["score_min"].tolist() == [11, 0, 0]
    # pandas writes a missing float as NaN; as Arrow it is null: not known.
    assert list(out["missing"].tolist()[2][-2:]) == ["leukopenia", "wbc_10e9_l"]
    assert "platelets_10e9_l" in out["missing"].tolist()[2]


def test_sledai_table_from_polars_gives_polars() -> None:
    out = grade_sledai2k_table(pl.DataFrame(RECORDS))
    assert isinstance(out, pl.DataFrame)
    assert out["counted"].to_list()[0] == ["seizure", "rash", "thrombocytopenia"]
    # polars keeps NaN apart from null: a number that is not finite.
    assert out["error_type"].to_list() == [None, None, "finite_number"]


def test_sledai_table_from_a_record_batch_gives_a_record_batch() -> None:
    out = grade_sledai2k_table(pa.RecordBatch.from_pydict({"rash": [True]}))
    assert isinstance(out, pa.RecordBatch)
    assert out.column_names == [
        "score",
        "score_min",
        "score_max",
        "counted",
        "missing",
        "criteria_version",
        "error_field",
        "error_type",
        "error_message",
    ]
    assert out.column("criteria_version").to_pylist() == ["SLEDAI-2K-2002"]


def test_sledai_table_keeps_id_and_chosen_columns_in_order() -> None:
    table = pa.table({"id": [1, 2], "site": ["x", "y"], "rash": [True, None]})
    out = grade_sledai2k_table(table, keep=["site"])
    assert out.column_names[:3] == ["id", "site", "score"]
    assert out.column("site").to_pylist() == ["x", "y"]


def test_sledai_table_unknown_column_is_refused_with_the_nearest_name() -> None:
    with pytest.raises(FrameError, match=r"did you mean .platelets_10e9_l.") as raised:
        grade_sledai2k_table(pa.table({"platelets_10e9": [80.0]}))
    assert raised.value.type == "frame_column"


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("rash", ["true"], "'rash' is string; it must be boolean"),
        ("platelets_10e9_l", ["80"], "must be a number type"),
        ("c3.unit", [1], "must be string"),
        ("visit_date", [20240301], "must be a date, a timestamp or string"),
    ],
)
def test_sledai_table_column_of_the_wrong_type_is_refused(
    column: str, values: list[Any], message: str
) -> None:
    with pytest.raises(FrameError, match=message):
        grade_sledai2k_table(pa.table({column: values}))


@pytest.mark.parametrize(
    "dates",
    [
        pa.array([datetime.date(2024, 3, 1), None, datetime.date(2024, 3, 2)], pa.date32()),
        pa.array([datetime.date(2024, 3, 1), None, datetime.date(2024, 3, 2)], pa.date64()),
        pa.array(
            [datetime.datetime(2024, 3, 1), None, datetime.datetime(2024, 3, 2, 10)],
            pa.timestamp("us"),
        ),
        pa.array(["2024-03-01", None, "2024-03-01T10:00"]).dictionary_encode(),
        pa.chunked_array([["2024-03-01"], [None, "1 March 2024"]], pa.large_string()),
        pa.nulls(3),
    ],
)
def test_sledai_table_visit_dates_are_read_by_the_model(dates: pa.Array) -> None:
    table = pa.table({"visit_date": dates, "rash": [True, True, True]})
    expected = [
        _per_record({"visit_date": value, "rash": True}, Sledai2kOptions())
        for value in table.column("visit_date").to_pylist()
    ]
    assert _graded(table) == expected


def test_sledai_table_reads_null_typed_dictionary_and_chunked_columns() -> None:
    table = pa.table(
        {
            "temperature.value": pa.chunked_array([[38], [39]], pa.int32()),
            "temperature.unit": pa.array(["C", "C"]).dictionary_encode(),
            "c3.value": pa.array([0.5, 1.0]),
            "c3.lower_limit": pa.array([0.9, 0.9]),
            "c3.unit": pa.array(["g/L", None]).dictionary_encode(),
            "c4.unit": pa.nulls(2),
            "anti_dsdna.unit": pa.nulls(2, pa.string()),
            "rash": pa.nulls(2),
        }
    )
    out = _graded(table)
    assert out[0] == _per_record(
        {
            "temperature": {"value": 38.0, "unit": "C"},
            "c3": {"value": 0.5, "lower_limit": 0.9, "unit": "g/L"},
            "rash": None,
        },
        Sledai2kOptions(),
    )
    assert out[1]["counted"] == ["fever"]


def test_sledai_table_a_bad_row_never_stops_the_others() -> None:
    table = pa.table({"platelets_10e9_l": [80.0, -1.0, 120.0], "window_days": [10, 10, 30]})
    out = grade_sledai2k_table(table)
    assert out.column("error_type").to_pylist() == [None, "greater_than_equal", None]
    assert out.column("score_min").to_pylist() == [1, None, 0]


def test_sledai_table_check_stricter_than_the_model_costs_speed_never_a_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = pa.table(
        {
            "seizure": [True, None, False],
            "arthritis": [True, True, None],
            "arthritis_joint_count": [2, 3, 5],
            "wbc_10e9_l": [2.0, 4.0, -3.0],
        }
    )
    expected = grade_sledai2k_table(table, options=MORE_THAN_TWO)
    levels = frame_sledai._levels

    def refuse_all(*args: Any) -> Any:
        codes, valid = levels(*args)
        return codes, valid & False

    monkeypatch.setattr(frame_sledai, "_levels", refuse_all)
    assert grade_sledai2k_table(table, options=MORE_THAN_TWO).equals(expected)
    assert expected.column("error_type").to_pylist() == [
        "sledai_descriptor_conflict",
        None,
        "greater_than_equal",
    ]


def test_sledai_table_answers_are_kept_between_calls() -> None:
    table = pa.table({"pleurisy": [True, False], "pericarditis": [None, True]})
    first = grade_sledai2k_table(table)
    answers = frame_sledai._TABLES[Sledai2kOptions()]
    met = answers.patterns
    assert grade_sledai2k_table(table).equals(first)
    assert answers.patterns == met


def test_sledai_table_rows_read_in_batches_are_the_records_read_one_by_one() -> None:
    table = pa.table({"rash": [True, None, False], "c3.value": [1.0, None, 0.5]})
    rows = Columns(table, frame_sledai._COLUMNS)
    one_by_one = [Columns(table, frame_sledai._COLUMNS).record(i) for i in range(3)]
    assert [rows.record(i) for i in range(3)] == one_by_one  # none announced: read alone
    rows.prefetch([2, 0])
    assert [rows.record(2), rows.record(0), rows.record(2), rows.record(1)] == [
        one_by_one[2],
        one_by_one[0],
        one_by_one[2],
        one_by_one[1],
    ]


def test_sledai_table_every_pattern_code_fits_an_int64() -> None:
    # Each visit's pattern is one int64: the product of every descriptor's digits must stay
    # below 2**63, and each digit's radix is at least the descriptor's own readings.
    radices = [radix for _, radix in frame_sledai._DIGITS]
    assert len(radices) == len(DESCRIPTORS)
    assert all(radix >= 2 for radix in radices)
    assert frame_sledai._CODES == math.prod(radices) < 2**63
