"""ICANS graded column-wise equals ICANS graded record by record, row by row (docs/frame.md)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from astct_grading import IcansAssessment, grade_icans
from astct_grading.frame import grade_icans_table
from astct_grading.frame._table import Columns
from astct_grading.frame.icans import _COLUMNS, _levels
from astct_grading.icans import IcansOptions
from astct_grading.strategies import records
from tests.frame.expected import answer_row, error_row
from tests.frame.icans_rows import SCHEMA, expected_record, flatten, rows, table

_OPTIONS = st.sampled_from(
    [IcansOptions(), IcansOptions(ice_min_age_years=8.0), IcansOptions(ice_min_age_years=11.0)]
)
#: Columns a batch may leave out (their keys are then absent: the model's default applies).
_LEFT_OUT = st.sets(st.sampled_from([name for name in SCHEMA.names if name != "id"]), max_size=6)


#: The value columns (value, lowest, highest, drivers) of the output (docs/frame.md).
_GRADE = ("grade", "grade_min", "grade_max", "drivers")


def expected(
    row: dict[str, Any], options: IcansOptions, left_out: Collection[str] = ()
) -> dict[str, Any]:
    """What the per-record path gives the row's record, as the table's columns."""
    record = expected_record(row, left_out)
    try:
        result = grade_icans(record, options=options)
    except ValidationError as error:
        return error_row(_GRADE, error)
    return answer_row(
        _GRADE,
        (result.grade, result.grade_min, result.grade_max, result.drivers, result.missing),
        result.criteria_version,
    )


def assert_same(
    batch: list[dict[str, Any]], options: IcansOptions, left_out: Collection[str] = ()
) -> None:
    data = table(batch, left_out)
    out = grade_icans_table(data, options=options)
    assert out.num_rows == len(batch)
    assert out.column("id").to_pylist() == list(range(len(batch)))
    got = out.drop_columns(["id"]).to_pylist()
    for row, graded in zip(batch, got, strict=True):
        assert graded == expected(row, options, left_out), row
    # The vectorised checks agree with the model on every row (none left to the fallback).
    _, valid = _levels(Columns(data, _COLUMNS), options)
    assert valid.tolist() == [graded["error_type"] is None for graded in got]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), max_size=30), _OPTIONS, _LEFT_OUT)
def test_icans_table_equals_per_record_on_any_rows(
    batch: list[dict[str, Any]], options: IcansOptions, left_out: set[str]
) -> None:
    assert_same(batch, options, left_out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(invalid=False), max_size=30), _OPTIONS, _LEFT_OUT)
def test_icans_table_equals_per_record_on_plausible_rows(
    batch: list[dict[str, Any]], options: IcansOptions, left_out: set[str]
) -> None:
    assert_same(batch, options, left_out)


_RECORD = st.one_of(records(IcansAssessment), records(IcansAssessment, valid=False))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_RECORD.map(flatten).filter(lambda row: row is not None), max_size=30), _OPTIONS)
def test_icans_table_equals_per_record_on_library_records(
    batch: list[dict[str, Any]], options: IcansOptions
) -> None:
    assert_same(batch, options)
