"""Organ toxicity never changes the CRS grade (Lee 2019, CRS table footnote; D2): the same
record with any organ toxicity added has the same grade, bounds, findings, drivers and missing
inputs, reports the organs in ``excluded``, and adds only D2 and the organs' clause to the
decisions and the explanation."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from astct_grading import grade_crs
from astct_grading.strategies import crs_records
from tests.crs_inputs import crs_records as sparse_crs_records

organs = st.dictionaries(
    st.text(min_size=1, max_size=20), st.integers(1, 5), min_size=1, max_size=4
)


def _same_grade(record: dict[str, Any], toxicity: dict[str, int]) -> None:
    plain = grade_crs(record)
    recorded = grade_crs({**record, "organ_toxicity": toxicity})
    assert recorded.grade == plain.grade
    assert (recorded.grade_min, recorded.grade_max) == (plain.grade_min, plain.grade_max)
    assert recorded.findings == plain.findings
    assert recorded.drivers == plain.drivers
    assert recorded.missing == plain.missing
    assert recorded.excluded == tuple(f"organ_toxicity.{organ}" for organ in toxicity)
    # The decisions gain D2 and keep every other; the explanation gains one clause, the organs,
    # before what is missing (the rest of it is the record's without them).
    assert set(recorded.decisions) == {*plain.decisions, "D2"}
    organs = ", ".join(f"{organ} CTCAE grade {grade}" for organ, grade in toxicity.items())
    head, open_part, tail = plain.explanation.removesuffix(".").partition("; open until given: ")
    clause = f"; organ toxicity recorded, not graded (D2): {organs}"
    assert recorded.explanation == f"{head}{clause}{open_part}{tail}."


@given(sparse_crs_records(), organs)
def test_organ_toxicity_never_changes_the_grade(record: dict[str, Any], toxicity: Any) -> None:
    _same_grade(record, toxicity)


@given(crs_records(), organs)
def test_organ_toxicity_never_changes_the_grade_of_drawn_records(
    record: dict[str, Any], toxicity: Any
) -> None:
    record.pop("organ_toxicity", None)
    _same_grade(record, toxicity)
