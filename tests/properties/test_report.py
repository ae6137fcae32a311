"""The cohort report's grade tables against counts computed independently from generated cohorts
(Hypothesis).
"""

from __future__ import annotations

import json
import statistics
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from astct_grading.core.results import GradeResult
from astct_grading.crs import grade_crs
from astct_grading.icans import grade_icans
from tests.spec.test_report import INFUSION, crs_record, icans_record, report_for

OXYGEN = [
    None,
    {"device": "room_air"},
    {"device": "nasal_cannula", "flow_l_min": 2},
    {"device": "non_rebreather_mask"},
    {"device": "cpap"},
]


@st.composite
def patients(draw: st.DrawFn) -> dict[str, Any]:
    # No treatments: without antipyretic or anti-cytokine therapy the D1 waiver never applies, so
    # each assessment's grade is grade_crs with the waiver off, and the patient's maximum is the
    # maximum of those, whatever the episodes.
    hours = sorted(draw(st.lists(st.sampled_from(range(0, 200, 3)), max_size=6, unique=True)))
    crs = [
        crs_record(h, draw(st.sampled_from([36.9, 38.0, 39.0])), draw(st.sampled_from(OXYGEN)))
        for h in hours
    ]
    ice_hours = sorted(draw(st.lists(st.sampled_from(range(0, 200, 5)), max_size=4, unique=True)))
    icans = [
        icans_record(
            h,
            draw(st.sampled_from([10, 8, 5, 1])),
            draw(st.sampled_from(["alert", "alert", "awakens_to_voice", None])),
        )
        for h in ice_hours
    ]
    return {
        "patient_id": f"P{draw(st.integers(0, 999))}",
        "product": draw(st.sampled_from(["CD19", "BCMA", None])),
        "infusion_at": INFUSION,
        "crs_assessments": crs,
        "icans_assessments": icans,
    }


def _crs_starts(result: GradeResult) -> bool:
    return result.finding("fever").grade_min >= 1  # a qualifying fever starts CRS (D20)


def _icans_starts(result: GradeResult) -> bool:
    return result.grade_min >= 1  # ICANS starts at grade >= 1 (D20)


def expected_maxima(course: dict[str, Any]) -> dict[str, tuple[int, int, int | None]]:
    """(lowest maximum, highest maximum, onset day) per scale, from the per-assessment graders."""
    out: dict[str, tuple[int, int, int | None]] = {}
    crs = [
        (r["at"], grade_crs({**r["assessment"], "fever_waiver": False}))
        for r in course["crs_assessments"]
    ]
    icans = [(r["at"], grade_icans(r["assessment"])) for r in course["icans_assessments"]]
    for scale, graded, starts in (
        ("CRS", crs, _crs_starts),
        ("ICANS", icans, _icans_starts),
    ):
        if not graded:
            out[scale] = (0, 4, None)
            continue
        low = max(g.grade_min for _, g in graded)
        high = max(g.grade_max for _, g in graded)
        onset = next((at for at, g in graded if starts(g)), None)
        day = None
        if onset is not None:
            local = onset.astimezone(INFUSION.tzinfo)
            day = (local.date() - INFUSION.date()).days
        out[scale] = (low, high, day)
    return out


@given(cohort=st.lists(patients(), max_size=7))
def test_grade_tables_match_an_independent_count(cohort: list[dict[str, Any]]) -> None:
    report = report_for(cohort)
    total = len(cohort)
    assert report.patients == total
    expected = [expected_maxima(c) for c in cohort]
    for table in (report.crs, report.icans):
        maxima = [e[table.scale] for e in expected]

        def pct(n: int) -> float:
            return round(100 * n / total, 1) if total else 0.0

        for grade in range(6):
            n = sum(1 for low, high, _ in maxima if low == high == grade)
            row = table.by_grade[grade]
            assert (row.label, row.n, row.percent) == (f"Grade {grade}", n, pct(n))
        open_ = [(low, high) for low, high, _ in maxima if low != high]
        undetermined = table.by_grade[6]
        assert (undetermined.label, undetermined.n) == ("Undetermined", len(open_))
        for low, high in set(open_):
            assert f"{low}-{high}: {open_.count((low, high))}" in undetermined.detail
        # Rows partition the cohort: every patient is in exactly one of them.
        assert sum(row.n for row in table.by_grade) == total
        assert table.any_grade.n == sum(1 for low, _, _ in maxima if low >= 1)
        assert table.any_grade.undetermined == sum(1 for low, high, _ in maxima if low < 1 <= high)
        assert table.severe.n == sum(1 for low, _, _ in maxima if low >= 3)
        assert table.severe.undetermined == sum(1 for low, high, _ in maxima if low < 3 <= high)
        assert table.severe.percent == pct(table.severe.n)
        onsets = [day for _, _, day in maxima if day is not None]
        assert table.onset_day.n == len(onsets)
        if onsets:
            assert table.onset_day.median == statistics.median(onsets)
            assert (table.onset_day.minimum, table.onset_day.maximum) == (min(onsets), max(onsets))
        else:
            assert table.onset_day.median is None
    products: dict[str, int] = {}
    for c in cohort:
        products[c["product"] or "unspecified"] = products.get(c["product"] or "unspecified", 0) + 1
    assert dict(report.products) == products
    assert json.loads(report.to_json()) == report.to_dict()
