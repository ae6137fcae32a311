"""CRS on Dask: partitions graded on a local 2-worker cluster equal the one-table path."""

from __future__ import annotations

from collections.abc import Iterator

import dask.dataframe as dd
import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa
import pytest
from distributed import Client, LocalCluster

from astct_grading.frame import FrameError, grade_crs_table, grade_table
from astct_grading.frame.dask import (
    crs_meta,
    grade_crs_dask,
    grade_crs_pandas_partition,
    grade_dask,
)
from benchmarks.frame import crs_table
from tests.frame.scale_tables import GENERATORS, scale_table
from tests.frame.test_parquet import ROWS


def _typed(table: pa.Table) -> pd.DataFrame:
    """The table as pandas with Arrow-backed columns (what Dask keeps as they are)."""
    frame: pd.DataFrame = table.to_pandas(types_mapper=pd.ArrowDtype)
    return frame


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # Two worker processes, one thread each: the partition function is pickled and sent.
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit="1GiB",
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _rows(out: pd.DataFrame) -> list[dict[str, object]]:
    table = pa.Table.from_pandas(out, preserve_index=False)
    rows: list[dict[str, object]] = table.to_pylist()
    return rows


def test_dask_on_a_local_cluster_equals_the_table_path(client: Client) -> None:
    table = crs_table(20_000, seed=3)
    table = table.add_column(0, "id", pa.array(range(table.num_rows)))
    invalid = pa.table({**ROWS, "id": [-1, -2, -3, -4, -5, -6]})
    table = pa.concat_tables([table, invalid], promote_options="permissive")
    frame = dd.from_pandas(_typed(table), npartitions=8)
    graded = grade_crs_dask(frame)
    out = client.compute(graded).result()
    assert len(client.scheduler_info()["workers"]) == 2
    assert list(out.index) == list(range(table.num_rows))  # order and index kept
    expected = grade_crs_table(table).to_pylist()
    assert _rows(out) == expected
    assert dict(out.dtypes) == dict(graded.dtypes)  # meta declared = what the workers give
    assert out["error_type"].notna().sum() == 3


def test_dask_keeps_chosen_columns_and_the_index(client: Client) -> None:
    frame = pd.DataFrame(
        {
            "patient": ["P1", "P1", "P2"],
            "fever": pd.array([True, None, False], "boolean"),
            "vasopressors": pd.Series(
                [["vasopressin"], None, []], dtype=pd.ArrowDtype(pa.list_(pa.string()))
            ),
        },
        index=[10, 11, 12],
    )
    graded = grade_crs_dask(dd.from_pandas(frame, npartitions=2), keep=["patient"])
    out = client.compute(graded).result()
    assert list(out.columns[:2]) == ["patient", "grade"]
    assert list(out.index) == [10, 11, 12]
    assert out["patient"].tolist() == ["P1", "P1", "P2"]
    expected = grade_crs_table(frame.drop(columns=["patient"]))
    assert out["grade_min"].tolist() == expected["grade_min"].tolist() == [1, 0, 0]


def test_dask_refuses_a_column_turned_into_text_at_once() -> None:
    # Dask turns an object column (Python lists) into strings: refused, never read as text.
    frame = dd.from_pandas(pd.DataFrame({"vasopressors": [["vasopressin"], None]}), npartitions=1)
    with pytest.raises(FrameError, match="vasopressors"):
        grade_crs_dask(frame)
    with pytest.raises(FrameError, match="did you mean"):
        grade_crs_dask(dd.from_pandas(pd.DataFrame({"fevr": [True]}), npartitions=1))


def test_dask_meta_matches_a_graded_partition() -> None:
    frame = _typed(pa.table(ROWS))
    meta = crs_meta(frame.iloc[:0])
    graded = grade_crs_pandas_partition(frame)
    assert dict(meta.dtypes) == dict(graded.dtypes)
    assert graded["grade"].isna().tolist() == [False, False, True, True, True, True]


@pytest.mark.parametrize("scale", sorted(GENERATORS))
def test_dask_grades_every_scale_with_a_table_path(client: Client, scale: str) -> None:
    table = scale_table(scale, 4_000)
    graded = grade_dask(dd.from_pandas(_typed(table), npartitions=4), scale)
    out = client.compute(graded).result()
    assert _rows(out) == grade_table(table, scale).to_pylist()
    assert dict(out.dtypes) == dict(graded.dtypes)
