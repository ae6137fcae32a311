"""The ICANS table: every cut-off on both sides, nulls, frames in and out (docs/frame.md)."""

from __future__ import annotations

from typing import Any

import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pyarrow as pa
import pytest

from astct_grading import IcansAssessment, grade_icans
from astct_grading.frame import FrameError, grade_icans_table
from astct_grading.frame import icans as frame_icans
from astct_grading.icans import IcansOptions
from astct_grading.icans.models import DEFAULT_OPTIONS
from tests.frame.icans_rows import SCHEMA, flatten

#: An adult with every domain known and normal: grade 0.
ADULT: dict[str, Any] = {
    "age_years": 40.0,
    "ice": {"total": 10},
    "consciousness": "alert",
    "seizure": False,
    "motor": "none",
    "icp": [],
}
#: A child (CAPD, D7) with every other domain known and normal.
CHILD: dict[str, Any] = {**ADULT, "age_years": 8.0, "ice": None, "capd": {"total": 0}}


def _table(records: list[dict[str, Any]]) -> pa.Table:
    """The records as a typed table, with the columns any of them gives (an explicit null too)."""
    fields = IcansAssessment.model_fields
    # A key a record leaves out is its default: a null cell would be "not known" (D13).
    filled = [
        {**{name: fields[name].default for name in fields if name not in ("ice", "capd")}, **r}
        for r in records
    ]
    flat = [flatten(record) for record in filled]
    assert all(row is not None for row in flat)
    names = [
        name
        for name in SCHEMA.names
        if (name != "id" and "." not in name)
        or any(row is not None and row[name] is not None for row in flat)
    ]
    schema = pa.schema([SCHEMA.field(name) for name in names])
    return pa.Table.from_pylist(
        [{name: row[name] for name in names} for row in flat if row is not None], schema=schema
    )


def _grade(
    records: list[dict[str, Any]], options: IcansOptions = DEFAULT_OPTIONS
) -> list[dict[str, Any]]:
    """The table's rows, each checked against grade_icans on its record first."""
    out: list[dict[str, Any]] = grade_icans_table(_table(records), options=options).to_pylist()
    for record, graded in zip(records, out, strict=True):
        if graded["error_type"] is None:
            result = grade_icans(record, options=options)
            assert (graded["grade_min"], graded["grade_max"]) == (
                result.grade_min,
                result.grade_max,
            )
            assert graded["drivers"] == list(result.drivers)
            assert graded["missing"] == list(result.missing)
    return out


def _grades(records: list[dict[str, Any]], options: IcansOptions = DEFAULT_OPTIONS) -> list[Any]:
    return [row["grade"] for row in _grade(records, options)]


def test_ice_bands_on_both_sides_of_every_cut_off() -> None:
    # Adult table, ICE row (D10): 10 none, 7-9 grade 1, 3-6 grade 2, 0-2 grade 3.
    scores = [10, 9, 7, 6, 3, 2, 0]
    records = [{**ADULT, "ice": {"total": score}} for score in scores]
    assert _grades(records) == [0, 1, 1, 2, 2, 3, 3]


def test_ice_from_items_subtotals_and_reasons() -> None:
    items = {
        "orientation_year": 1,
        "orientation_month": 1,
        "orientation_city": 1,
        "orientation_hospital": 0,
        "naming_object_1": 1,
        "naming_object_2": 1,
        "naming_object_3": 1,
        "follows_commands": 1,
        "writes_sentence": 1,
    }
    records = [
        {**ADULT, "ice": {**items, "counts_back_by_ten": 1}},  # 9: grade 1
        {**ADULT, "ice": items},  # 8-9: grade 1 either way, nothing open
        {**ADULT, "ice": {**items, "orientation_city": 0, "naming_object_3": 0}},  # 6-7: open
        {**ADULT, "ice": {"orientation": 2, "naming": 3, "commands": 1}},  # 6-8: grade 1-2
        {**ADULT, "ice": {"total": 0}, "consciousness": "unarousable"},  # ICE 0, unarousable: 4
        {**ADULT, "ice": {"not_performed": "unarousable"}, "consciousness": "unarousable"},
        {**ADULT, "ice": {"not_performed": "sedated_or_intubated"}},  # not assessable: adds 0
        {**ADULT, "ice": {"total": 0}, "global_aphasia": True},  # awake, aphasic: 3
    ]
    out = _grade(records)
    assert [row["grade"] for row in out] == [1, 1, None, None, 4, 4, 0, 3]
    assert out[1]["missing"] == []
    assert out[2]["missing"] == ["ice.counts_back_by_ten"]
    assert (out[3]["grade_min"], out[3]["grade_max"]) == (1, 2)


def test_capd_bands_on_both_sides_of_every_cut_off() -> None:
    # Paediatric table, CAPD row (D8): 0 none, 1-8 grade 1, 9 or more grade 3; unable 4.
    totals = [0, 1, 8, 9, 32]
    records = [{**CHILD, "capd": {"total": total}} for total in totals]
    records += [
        {**CHILD, "capd": {"not_performed": "unable"}},
        {**CHILD, "capd": {"not_performed": "deep_sedation", "rass": -4}},
        {**CHILD, "capd": {"rass": -5}},
        {**CHILD, "capd": {"eye_contact_points": 4, "restless": "always"}},  # 8 to 32
    ]
    out = _grade(records)
    assert [row["grade"] for row in out] == [0, 1, 1, 3, 3, 4, 0, 0, None]
    assert (out[-1]["grade_min"], out[-1]["grade_max"]) == (1, 3)


@pytest.mark.parametrize(
    ("age", "instrument_grade"),
    [(11.99, 3), (11.994, 3), (11.995, 2), (12.0, 2), (12.01, 2), (0.0, 3), (130.0, 2)],
)
def test_age_at_the_ice_capd_boundary(age: float, instrument_grade: int) -> None:
    # ICE from 12.0 years, compared at 0.01 year (D7, D14): ICE 5 is grade 2, CAPD 12 grade 3.
    record = {**ADULT, "age_years": age, "ice": {"total": 5}, "capd": {"total": 12}}
    assert _grades([record]) == [instrument_grade]


def test_age_boundary_follows_the_option() -> None:
    options = IcansOptions(ice_min_age_years=8.0)
    ages = [7.99, 7.994, 7.995, 8.0]
    records = [{**ADULT, "age_years": a, "ice": {"total": 5}, "capd": {"total": 12}} for a in ages]
    assert _grades(records, options) == [3, 3, 2, 2]
    delayed = {**records[-1], "developmental_delay": True}  # CAPD at any age (D7)
    assert _grades([delayed], options) == [3]
    unknown = {**records[-1], "developmental_delay": None}
    assert _grade([unknown], options)[0]["missing"] == ["developmental_delay"]


@pytest.mark.parametrize(
    ("minutes", "grade"), [(4.99, 3), (5.0, 3), (5.004, 3), (5.005, 4), (5.01, 4), (10080.0, 4)]
)
def test_seizure_duration_at_5_minutes(minutes: float, grade: int) -> None:
    # More than 5 minutes, strictly, compared at 0.01 min (D11, D14).
    record = {
        **ADULT,
        "seizure": True,
        "seizure_duration_min": minutes,
        "seizure_without_return_to_baseline": False,
    }
    over = {**record, "seizure_over_5_min": grade == 4}
    assert _grades([record, over]) == [grade, grade]


def test_seizure_motor_icp_consciousness_and_death() -> None:
    records = [
        {**ADULT, "seizure": True, "seizure_over_5_min": False, "seizure_duration_min": None},
        {**ADULT, "seizure": True, "seizure_over_5_min": True},
        {**ADULT, "seizure": True, "seizure_other_cause": True},
        {**ADULT, "motor": "hemiparesis"},
        {**ADULT, "motor": "paraparesis", "motor_other_cause": True},
        {**ADULT, "icp": ["focal_edema"]},  # the US spelling, as written (D11)
        {**ADULT, "icp": ["focal_oedema", "papilledema"]},
        {**ADULT, "icp": ["diffuse_oedema"], "icp_other_cause": True},
        {**ADULT, "consciousness": "awakens_to_tactile_stimulus"},
        {**ADULT, "consciousness": "unarousable", "consciousness_other_cause": True},
        {**ADULT, "death_due_to_icans": True},
        {**ADULT, "tremor": True, "myoclonus": True, "intracranial_haemorrhage": True},
    ]
    out = _grade(records)
    assert [row["grade"] for row in out] == [None, 4, 0, 4, 0, 3, 4, 0, 3, 0, 5, 0]
    assert out[0]["missing"] == ["seizure_without_return_to_baseline"]
    assert out[10]["drivers"] == ["death"]


def test_nulls_give_the_per_record_bounds() -> None:
    nulls = dict.fromkeys(ADULT)
    records: list[dict[str, Any]] = [
        nulls,
        {**ADULT, "consciousness": None},
        {**ADULT, "age_years": None, "capd": {"total": 12}},
        {**CHILD, "capd": {"restless": "often"}},
        {**ADULT, "encephalopathy_other_cause": None, "ice": {"total": 3}},
        {**ADULT, "death_due_to_icans": None},
    ]
    out = _grade(records)  # each checked against grade_icans
    assert out[0]["grade_min"] == 0
    assert out[0]["grade_max"] == 4
    assert out[-1]["grade_max"] == 5


@pytest.mark.parametrize(
    ("record", "field", "type_"),
    [
        ({**ADULT, "ice": {"not_performed": "unarousable"}}, "consciousness", "arousal_conflict"),
        (
            {**ADULT, "ice": {"total": 0}, "consciousness": "unarousable", "global_aphasia": True},
            "global_aphasia",
            "arousal_conflict",
        ),
        (
            {
                **ADULT,
                "ice": {"total": 0},
                "consciousness": "unarousable",
                "consciousness_other_cause": True,
            },
            "consciousness_other_cause",
            "ice_zero_from_sedation",
        ),
        (
            {
                **ADULT,
                "ice": {"not_performed": "unarousable"},
                "consciousness": None,
                "consciousness_other_cause": True,
            },
            "consciousness_other_cause",
            "ice_zero_from_sedation",
        ),
        ({**ADULT, "seizure_duration_min": 2.0}, "seizure_duration_min", "seizure_conflict"),
        ({**ADULT, "seizure_over_5_min": True}, "seizure_over_5_min", "seizure_conflict"),
        (
            {**ADULT, "seizure_without_return_to_baseline": True},
            "seizure_without_return_to_baseline",
            "seizure_conflict",
        ),
        (
            {**ADULT, "seizure": None, "seizure_duration_min": 5.005, "seizure_over_5_min": False},
            "seizure_over_5_min",
            "seizure_conflict",
        ),
        (
            {**ADULT, "seizure_duration_min": 0.0, "seizure": True},
            "seizure_duration_min",
            "greater_than",
        ),
        ({**ADULT, "age_years": 130.01}, "age_years", "less_than_equal"),
        ({**ADULT, "ice": {"total": 11}}, "ice.total", "less_than_equal"),
        ({**ADULT, "ice": {"total": 9.5}}, "ice.total", "int_from_float"),
        ({**ADULT, "ice": {"orientation": 4, "orientation_year": 0}}, "ice.orientation", ""),
        ({**ADULT, "ice": {"total": 5, "not_performed": "unarousable"}}, "ice.not_performed", ""),
        ({**CHILD, "capd": {"eye_contact": "never", "eye_contact_points": 0}}, "capd", "points"),
        ({**CHILD, "capd": {"total": 33}}, "capd.total", "less_than_equal"),
        ({**CHILD, "capd": {"rass": -6}}, "capd.rass", "greater_than_equal"),
        ({**CHILD, "capd": {"total": 3, "rass": -4}}, "capd.rass", "capd_sedation_conflict"),
        ({**CHILD, "capd": {"restless": "always", "total": 3}}, "capd.total", "capd_total"),
        ({**ADULT, "consciousness": "Alert"}, "consciousness", "enum"),
        ({**ADULT, "motor": "tremor"}, "motor", "enum"),
        ({**ADULT, "icp": ["edema"]}, "icp.0", "enum"),
    ],
)
def test_each_refusal_names_the_models_field_and_type(
    record: dict[str, Any], field: str, type_: str
) -> None:
    out = grade_icans_table(_table([record, ADULT])).to_pylist()
    assert out[0]["error_field"].startswith(field)
    assert type_ in out[0]["error_type"] or type_ in out[0]["error_message"]
    assert out[0]["grade_min"] is None
    assert out[1]["grade"] == 0  # a bad row never stops the others


def test_icans_table_from_pandas_gives_pandas() -> None:
    frame = _table([ADULT, {**ADULT, "ice": {"total": 4}}, {**ADULT, "age_years": -1.0}])
    out = grade_icans_table(frame.to_pandas())
    assert isinstance(out, pd.DataFrame)
    assert [None if pd.isna(g) else int(g) for g in out["grade"]] == [0, 2, None]
    assert out["error_type"].tolist()[2] == "greater_than_equal"


def test_icans_table_from_polars_gives_polars() -> None:
    out = grade_icans_table(pl.from_arrow(_table([ADULT, {**ADULT, "motor": "hemiparesis"}])))
    assert isinstance(out, pl.DataFrame)
    assert out["grade"].to_list() == [0, 4]
    assert out["drivers"].to_list()[1] == ["motor"]


def test_icans_table_from_a_record_batch_keeps_id_and_chosen_columns() -> None:
    batch = pa.RecordBatch.from_pydict(
        {"id": ["a", "b"], "site": [7, 8], "age_years": [40, 9], "ice.total": [10, 2]}
    )
    out = grade_icans_table(batch, keep=["site"])
    assert isinstance(out, pa.RecordBatch)
    assert out.schema.names[:3] == ["id", "site", "grade"]
    assert out.column("grade_min").to_pylist() == [0, 0]  # the child's ICE is not read (D7)


def test_integer_dictionary_chunked_and_null_typed_columns() -> None:
    table = pa.table(
        {
            "age_years": pa.chunked_array([[40], [50]], pa.int16()),
            "ice.total": pa.array([5, 10], pa.int64()),
            "ice.orientation": pa.nulls(2),
            "consciousness": pa.array(["alert", "alert"]).dictionary_encode(),
            "seizure": pa.array([False, False]),
            "motor": pa.array(["none", "none"], pa.large_string()),
            "icp": pa.array([[], ["papilloedema"]], pa.large_list(pa.string())),
            "death_due_to_icans": pa.nulls(2),
        }
    )
    out = grade_icans_table(table).to_pylist()
    expected = [
        grade_icans({**ADULT, "age_years": 40.0, "ice": {"total": 5}, "death_due_to_icans": None}),
        grade_icans(
            {**ADULT, "age_years": 50.0, "icp": ["papilloedema"], "death_due_to_icans": None}
        ),
    ]
    for graded, result in zip(out, expected, strict=True):
        assert (graded["grade_min"], graded["grade_max"]) == (result.grade_min, result.grade_max)
        assert graded["missing"] == list(result.missing)


def test_icp_null_items_and_null_lists() -> None:
    icp = pa.array([[None], None, []], pa.list_(pa.string()))
    out = grade_icans_table(pa.table({"icp": icp})).to_pylist()
    assert out[0]["error_type"] == "enum"
    assert [row["error_type"] for row in out[1:]] == [None, None]
    assert out[1]["missing"] == list(grade_icans({"icp": None}).missing)


def test_icans_unknown_column_is_refused_with_the_nearest_name() -> None:
    with pytest.raises(FrameError, match=r"did you mean .ice\.total.") as raised:
        grade_icans_table(pa.table({"ice.totl": [5]}))
    assert raised.value.type == "frame_column"


def test_icans_column_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(FrameError, match=r"'ice\.total' is string; it must be a number type"):
        grade_icans_table(pa.table({"ice.total": ["5"]}))
    with pytest.raises(FrameError, match="'seizure' is int64; it must be boolean"):
        grade_icans_table(pa.table({"seizure": [1]}))


def test_icans_empty_table() -> None:
    out = grade_icans_table(_table([ADULT]).slice(0, 0))
    assert out.num_rows == 0
    assert "error_message" in out.column_names


def test_icans_check_stricter_than_the_model_costs_speed_never_a_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = _table([ADULT, {**ADULT, "ice": {"total": 4}}, {**CHILD, "capd": {"total": 40}}])
    expected = grade_icans_table(table)
    levels = frame_icans._levels

    def refuse_all(*args: object) -> object:
        codes, valid = levels(*args)  # type: ignore[arg-type]
        return codes, valid & False

    monkeypatch.setattr(frame_icans, "_levels", refuse_all)
    assert grade_icans_table(table).equals(expected)
