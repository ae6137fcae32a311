"""CRS graded column-wise equals CRS graded record by record, row by row (docs/frame.md)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from astct_grading import CrsAssessment, grade_crs
from astct_grading.crs import CrsOptions
from astct_grading.frame import grade_crs_table
from astct_grading.frame._table import Columns
from astct_grading.frame.crs import _COLUMNS, _KINDS, _levels
from astct_grading.strategies import records
from tests.frame.crs_rows import expected_record, flatten, rows, table
from tests.frame.expected import answer_row, error_row

_OPTIONS = st.sampled_from([CrsOptions(), CrsOptions(unlabelled_cannula_without_flow="unknown")])


#: The value columns (value, lowest, highest, drivers) of the output (docs/frame.md).
_GRADE = ("grade", "grade_min", "grade_max", "drivers")


def _expected(row: dict[str, Any], options: CrsOptions) -> dict[str, Any]:
    record = expected_record(row)
    try:
        result = grade_crs(record, options=options)
    except ValidationError as error:
        return error_row(_GRADE, error)
    return answer_row(
        _GRADE,
        (result.grade, result.grade_min, result.grade_max, result.drivers, result.missing),
        result.criteria_version,
    )


def assert_same(batch: list[dict[str, Any]], options: CrsOptions) -> None:
    data = table(batch)
    out = grade_crs_table(data, options=options)
    assert out.num_rows == len(batch)
    assert out.column("id").to_pylist() == list(range(len(batch)))
    got = out.drop_columns(["id"]).to_pylist()
    for row, graded in zip(batch, got, strict=True):
        assert graded == _expected(row, options), row
    # The vectorised checks agree with the model on every row they decide; the rows they leave
    # to the per-record path are near a rounding point or hold an input only the model reads.
    _, valid, exact = _levels(Columns(data, _COLUMNS, kinds=_KINDS), options)
    accepted = [graded["error_type"] is None for graded in got]
    assert [v for v, e in zip(valid, exact, strict=True) if e] == [
        a for a, e in zip(accepted, exact, strict=True) if e
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), max_size=40), _OPTIONS)
def test_crs_table_equals_per_record_on_any_rows(
    batch: list[dict[str, Any]], options: CrsOptions
) -> None:
    assert_same(batch, options)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(invalid=False), max_size=40), _OPTIONS)
def test_crs_table_equals_per_record_on_plausible_rows(
    batch: list[dict[str, Any]], options: CrsOptions
) -> None:
    assert_same(batch, options)


_RECORD = st.one_of(records(CrsAssessment), records(CrsAssessment, valid=False))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_RECORD.map(flatten).filter(lambda row: row is not None), max_size=30), _OPTIONS)
def test_crs_table_equals_per_record_on_library_records(
    batch: list[dict[str, Any]], options: CrsOptions
) -> None:
    assert_same(batch, options)


def test_crs_table_left_out_column_takes_the_models_default() -> None:
    # fever_other_cause left out: false (no other cause recorded), as for a record without it;
    # a null cell: not known.
    left_out = grade_crs_table(pa.table({"fever": [True]}))
    null = grade_crs_table(
        pa.table({"fever": [True], "fever_other_cause": pa.array([None], pa.bool_())})
    )
    assert left_out.column("grade_min").to_pylist() == [grade_crs({"fever": True}).grade_min]
    assert null.column("grade_min").to_pylist() == [
        grade_crs({"fever": True, "fever_other_cause": None}).grade_min
    ]
    assert null.column("missing").to_pylist()[0] == list(
        grade_crs({"fever": True, "fever_other_cause": None}).missing
    )
