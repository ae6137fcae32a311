"""CRS on Spark (``local[2]``): ``mapInArrow`` on the workers equals the one-table path.

Skipped, with the reason, where Java cannot be run (Spark runs on the JVM).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from astct_grading.frame import FrameError, grade_crs_table, grade_table
from astct_grading.frame.spark import grade_crs_arrow_partition, grade_crs_spark, grade_spark
from benchmarks.frame import crs_table
from tests.frame.scale_tables import GENERATORS, scale_table
from tests.frame.test_parquet import ROWS


def _java_missing() -> str | None:
    """Why Spark cannot start here, or None."""
    java = shutil.which("java")
    if java is None and not os.environ.get("JAVA_HOME"):
        return "Java is not installed (no java on PATH, no JAVA_HOME): Spark runs on the JVM"
    if java is not None:
        done = subprocess.run([java, "-version"], capture_output=True, check=False)
        if done.returncode:
            return f"'java -version' failed: {done.stderr.decode(errors='replace').strip()}"
    return None


# pyspark 4.3 warns that it does not fully support pandas 3 yet (pandas is in the test extra);
# mapInArrow and Arrow tables do not go through pandas.
pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

needs_java = pytest.mark.skipif(_java_missing() is not None, reason=str(_java_missing()))


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    # The Python workers must be this interpreter (with astct_grading and pyarrow installed).
    previous = {name: os.environ.get(name) for name in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("astct-grading-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "1000")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _spark_rows(table: pa.Table) -> list[tuple[Any, ...]]:
    return [tuple(row.values()) for row in table.to_pylist()]


@needs_java
def test_spark_map_in_arrow_equals_the_table_path(spark: Any) -> None:
    table = crs_table(5_000, seed=5)
    table = table.add_column(0, "id", pa.array([f"R{i}" for i in range(table.num_rows)]))
    invalid = pa.table({**ROWS, "id": [f"X{i}" for i in range(6)]})
    table = pa.concat_tables([table, invalid], promote_options="permissive")
    frame = spark.createDataFrame(table).repartition(3)
    graded = grade_crs_spark(frame)
    assert graded.columns == grade_crs_table(table.slice(0, 0)).column_names
    out = {row["id"]: row.asDict() for row in graded.collect()}
    expected = grade_crs_table(table).to_pylist()
    assert len(out) == table.num_rows
    for row in expected:
        assert out[row["id"]] == row
    assert sum(row["error_type"] is not None for row in out.values()) == 3


@needs_java
def test_spark_keeps_order_within_a_partition_and_chosen_columns(spark: Any) -> None:
    table = pa.table({**ROWS, "site": ["a", "b", "c", "d", "e", "f"]})
    frame = spark.createDataFrame(table).coalesce(1)
    graded = grade_crs_spark(frame, keep=["site"])
    rows = graded.collect()
    assert [row["id"] for row in rows] == ROWS["id"]
    assert [row["site"] for row in rows] == ["a", "b", "c", "d", "e", "f"]
    assert [row["grade"] for row in rows] == grade_crs_table(table, keep=["site"]).column(
        "grade"
    ).to_pylist()


@needs_java
def test_spark_refuses_an_unknown_column_at_once(spark: Any) -> None:
    frame = spark.createDataFrame([(True,)], "fevr boolean")
    with pytest.raises(FrameError, match="did you mean"):
        grade_crs_spark(frame)


def test_spark_partition_function_renames_by_position() -> None:
    # The function shipped to the workers, without Spark: columns by position in and out.
    batch = pa.record_batch({"_c0": ["r1", "r2"], "_c1": [True, None]})
    [out] = grade_crs_arrow_partition([batch], names=["id", "fever"])
    expected = grade_crs_table(pa.table({"id": ["r1", "r2"], "fever": [True, None]}))
    assert out.column_names == [f"_c{i}" for i in range(expected.num_columns)]
    assert pa.Table.from_batches([out]).rename_columns(expected.column_names) == expected


@needs_java
@pytest.mark.parametrize("scale", sorted(GENERATORS))
def test_spark_grades_every_scale_with_a_table_path(spark: Any, scale: str) -> None:
    table = scale_table(scale, 2_000)
    graded = grade_spark(spark.createDataFrame(table).repartition(2), scale)
    out = {row["id"]: row.asDict() for row in graded.collect()}
    expected = grade_table(table, scale).to_pylist()
    assert len(out) == table.num_rows
    for row in expected:
        assert out[row["id"]] == row
