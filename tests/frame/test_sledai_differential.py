"""SLEDAI-2K scored column-wise equals SLEDAI-2K scored record by record, row by row."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from astct_grading.frame import grade_sledai2k_table
from astct_grading.frame._table import Columns
from astct_grading.frame.sledai import _COLUMNS, _levels
from astct_grading.sle import SledaiVisit, score_sledai2k
from astct_grading.sle.options import Sledai2kOptions
from astct_grading.strategies import records
from tests.frame.expected import answer_row, error_row
from tests.frame.sledai_rows import SCHEMA, expected_record, flatten, rows, table

_OPTIONS = st.sampled_from(
    [Sledai2kOptions(), Sledai2kOptions(arthritis_threshold="more_than_two")]
)
#: Any subset of the columns: a column left out is a key left out of every record.
_NAMES = st.sets(st.sampled_from(SCHEMA.names[1:])).map(
    lambda left_out: [name for name in SCHEMA.names[1:] if name not in left_out]
)


#: The value columns (value, lowest, highest, drivers) of the output (docs/frame.md).
_SCORE = ("score", "score_min", "score_max", "counted")


def _expected(record: dict[str, Any], options: Sledai2kOptions) -> dict[str, Any]:
    try:
        result = score_sledai2k(record, options=options)
    except ValidationError as error:
        return error_row(_SCORE, error)
    counted = [item.name for item in result.items if item.points_min > 0]
    return answer_row(
        _SCORE,
        (result.score, result.score_min, result.score_max, counted, result.missing),
        result.criteria_version,
    )


def assert_same(
    batch: list[dict[str, Any]], options: Sledai2kOptions, names: list[str] | None = None
) -> None:
    data = table(batch, names)
    out = grade_sledai2k_table(data, options=options)
    assert out.num_rows == len(batch)
    assert out.column("id").to_pylist() == list(range(len(batch)))
    got = out.drop_columns(["id"]).to_pylist()
    for row, graded in zip(batch, got, strict=True):
        assert graded == _expected(expected_record(row, names), options), row
    # The vectorised checks agree with the per-record path on every row (none left to the
    # fallback).
    _, valid = _levels(Columns(data, _COLUMNS), options)
    assert valid.tolist() == [graded["error_type"] is None for graded in got]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), max_size=40), _OPTIONS, _NAMES)
def test_sledai_table_equals_per_record_on_any_rows(
    batch: list[dict[str, Any]], options: Sledai2kOptions, names: list[str]
) -> None:
    assert_same(batch, options, names)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(invalid=False), max_size=40), _OPTIONS)
def test_sledai_table_equals_per_record_on_plausible_rows(
    batch: list[dict[str, Any]], options: Sledai2kOptions
) -> None:
    assert_same(batch, options)


_RECORD = st.one_of(records(SledaiVisit), records(SledaiVisit, valid=False))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_RECORD.map(flatten).filter(lambda row: row is not None), max_size=30), _OPTIONS)
def test_sledai_table_equals_per_record_on_library_records(
    batch: list[dict[str, Any]], options: Sledai2kOptions
) -> None:
    # Every column a record gives is in the table; a key no record of the batch gives is a
    # column left out.
    names = [name for name in SCHEMA.names[1:] if any(name in row for row in batch)]
    assert_same(batch, options, names)
