"""The swimmer plot's data: a bar per episode the course layer reports, colours by grade, ranges
hatched, treatment and death marks, lanes by maximum grade then onset."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astct_grading.course import Course, CourseResult, grade_course
from astct_grading.plots.palette import GRADE_COLOURS
from astct_grading.plots.swimmer import DEFAULT_DAYS, aligned, swimmer_plot
from astct_grading.strategies import courses as course_strategy
from tests.plots.conftest import AFEBRILE, FEVER, at, course, graded, ice


def _results_by_id(results: list[CourseResult]) -> dict[str, CourseResult]:
    return {r.patient_id: r for r in results}


def test_demo_bars_per_lane_equal_the_episodes_the_course_layer_reports(
    demo: tuple[list[Course], list[CourseResult]],
) -> None:
    courses, results = demo
    plot = swimmer_plot(courses, results)
    by_id = _results_by_id(results)
    assert len(plot.lanes) == len(results) == 6
    for lane in plot.lanes:
        result = by_id[lane.patient_id]
        episodes = (*result.crs_episodes, *result.icans_episodes)
        assert [(b.scale, b.number) for b in lane.bars] == [(e.scale, e.number) for e in episodes]
    assert plot.bar_count == 7


def test_demo_lanes_by_maximum_grade_then_onset(
    demo: tuple[list[Course], list[CourseResult]],
) -> None:
    plot = swimmer_plot(*demo)
    lanes = [(lane.patient_id, lane.max_grade) for lane in plot.lanes]
    # DEMO-04 grade 3; DEMO-02, -06, -01 grade 2 by onset (10 h, 20 h, 30 h); DEMO-05 surely 1
    # (1-4); DEMO-03 none.
    assert lanes == [
        ("DEMO-04", "3"),
        ("DEMO-02", "2"),
        ("DEMO-06", "2"),
        ("DEMO-01", "2"),
        ("DEMO-05", "1-4"),
        ("DEMO-03", "0"),
    ]
    assert [lane.position for lane in plot.lanes] == list(range(6))


def test_demo_colours_map_to_grades_and_the_range_is_hatched(
    demo: tuple[list[Course], list[CourseResult]],
) -> None:
    plot = swimmer_plot(*demo)
    bars = {(lane.patient_id, b.scale, b.number): b for lane in plot.lanes for b in lane.bars}
    assert bars["DEMO-04", "CRS", 1].fill == GRADE_COLOURS[3]
    assert bars["DEMO-02", "ICANS", 1].fill == GRADE_COLOURS[2]
    assert bars["DEMO-06", "ICANS", 1].fill == GRADE_COLOURS[1]
    ranged = bars["DEMO-05", "CRS", 1]
    assert (ranged.grade, ranged.grade_min, ranged.grade_max) == (None, 1, 4)
    assert ranged.fill is None
    assert ranged.hatched
    assert ranged.label == "CRS 1-4"
    assert "undetermined" in ranged.description
    # The bar runs from onset to resolution, in days of 24 hours.
    first = bars["DEMO-01", "CRS", 1]
    assert (first.start_day, first.end_day, first.resolved) == (30 / 24, 90 / 24, True)


def test_demo_treatment_marks_are_the_courses_treatments(
    demo: tuple[list[Course], list[CourseResult]],
) -> None:
    courses, results = demo
    plot = swimmer_plot(courses, results)
    by_id = {c.patient_id: c for c in courses}
    for lane in plot.lanes:
        given_ = by_id[lane.patient_id].treatments
        assert sorted(m.therapy for m in lane.treatments) == sorted(t.therapy.value for t in given_)
        assert [m.day for m in lane.treatments] == sorted(m.day for m in lane.treatments)
        assert lane.death is None
    demo04 = next(lane for lane in plot.lanes if lane.patient_id == "DEMO-04")
    assert [(m.therapy, m.day * 24) for m in demo04.treatments] == [
        ("tocilizumab", 29.0),
        ("corticosteroid", 33.0),
        ("tocilizumab", 37.0),
    ]
    assert demo04.treatments[0].description == "tocilizumab 8 mg/kg, day 1.2"
    assert demo04.treatments[1].description == "corticosteroid (dexamethasone) 10 mg, day 1.4"
    # A premedication before the infusion moves the axis left of day 0; 28 days are shown.
    assert plot.start_day == pytest.approx(-0.5 / 24)
    assert plot.end_day == DEFAULT_DAYS


def test_unresolved_episode_ended_by_death_and_a_possible_one() -> None:
    c = course(
        crs_assessments=[{"at": at(24), "assessment": {}}],  # nothing known: a possible episode
        icans_assessments=[
            {"at": at(24), "assessment": ice(6)},
            {"at": at(48), "assessment": ice(7)},
        ],
        treatments=[{"at": at(30), "therapy": "corticosteroid", "agent": "corticosteroid"}],
        death={"at": at(50), "due_to_icans": True},
    )
    plot = swimmer_plot(*graded(c))
    (lane,) = plot.lanes
    crs, icans = lane.bars
    assert (crs.established, crs.fill, crs.hatched, crs.label) == (
        None,
        None,
        True,
        "CRS 0-4 possible",
    )
    assert "(possible)" in crs.description
    # Grade 5 (D6): death due to ICANS ends the episode; the bar runs to the death.
    assert (icans.grade, icans.fill, icans.resolved) == (5, GRADE_COLOURS[5], False)
    assert icans.end_day == pytest.approx(50 / 24)
    assert "not resolved at 2.1" in icans.description
    assert lane.death is not None
    assert lane.death.day == pytest.approx(50 / 24)
    assert lane.death.cause == "ICANS"
    assert lane.death.description == "died day 2.1 (cause: ICANS)"
    assert lane.follow_up_day == pytest.approx(50 / 24)
    assert lane.treatments[0].description == "corticosteroid, day 1.2"  # agent = therapy: once


def test_unresolved_episode_without_death_ends_at_its_last_assessment() -> None:
    c = course(
        crs_assessments=[{"at": at(10), "assessment": FEVER}, {"at": at(20), "assessment": FEVER}],
    )
    (lane,) = swimmer_plot(*graded(c)).lanes
    (bar,) = lane.bars
    assert (bar.start_day, bar.end_day, bar.resolved) == (10 / 24, 20 / 24, False)


@pytest.mark.parametrize(
    ("death", "cause"),
    [
        ({"due_to_crs": True}, "CRS"),
        ({"due_to_crs": None}, "unknown"),
        ({"due_to_icans": None}, "unknown"),
        ({}, "other"),
    ],
)
def test_death_cause(death: dict[str, object], cause: str) -> None:
    c = course(
        crs_assessments=[{"at": at(10), "assessment": AFEBRILE}],
        death={"at": at(100), **death},
    )
    (lane,) = swimmer_plot(*graded(c)).lanes
    assert lane.death is not None
    assert lane.death.cause == cause


def test_lanes_tie_break_on_onset_then_id_and_a_long_course_widens_the_axis() -> None:
    late = course("B", crs_assessments=[{"at": at(40), "assessment": FEVER}])
    early = course("C", crs_assessments=[{"at": at(5), "assessment": FEVER}])
    same = course("A", crs_assessments=[{"at": at(40), "assessment": FEVER}])
    long_ = course(
        "D",
        crs_assessments=[{"at": at(24 * 40), "assessment": AFEBRILE}],
        icans_assessments=[{"at": at(24 * 40), "assessment": ice(10)}],
    )
    empty = course("E")
    plot = swimmer_plot(*graded(late, early, same, long_, empty))
    # E has no assessment at all: its maxima are 0-4 (unknown), so it sits above the grade-0
    # patient D, never below it as if it were normal.
    assert [lane.patient_id for lane in plot.lanes] == ["C", "A", "B", "E", "D"]
    assert plot.end_day == 40.0
    assert plot.lanes[3].follow_up_day == 0.0
    assert plot.lanes[3].max_grade == "0-4"


def test_courses_and_results_must_belong_together() -> None:
    a, b = course("A"), course("B")
    with pytest.raises(ValueError, match="differ in length"):
        swimmer_plot([a, b], [grade_course(a)])
    with pytest.raises(ValueError, match=r"results\[0\].patient_id is 'B'"):
        swimmer_plot([a], [grade_course(b)])
    assert aligned([], []) == []


@settings(max_examples=50)
@given(st.lists(course_strategy(), min_size=1, max_size=3, unique_by=lambda c: c.patient_id))
def test_property_bars_equal_episodes_and_only_definite_grades_have_colour(
    courses: list[Course],
) -> None:
    results = [grade_course(c) for c in courses]
    plot = swimmer_plot(courses, results)
    by_id = _results_by_id(results)
    assert sorted(lane.patient_id for lane in plot.lanes) == sorted(by_id)
    for lane in plot.lanes:
        result = by_id[lane.patient_id]
        episodes = (*result.crs_episodes, *result.icans_episodes)
        assert len(lane.bars) == len(episodes)
        for bar, episode in zip(lane.bars, episodes, strict=True):
            definite = episode.established is True and episode.max_grade is not None
            assert (bar.fill is not None) == definite
            if definite:
                assert bar.fill == GRADE_COLOURS[episode.max_grade or 0]
            assert bar.start_day <= bar.end_day
            assert plot.start_day <= bar.start_day
            assert bar.end_day <= plot.end_day
    keys = [
        (
            -max(
                by_id[lane.patient_id].summary.crs.max_grade_min,
                by_id[lane.patient_id].summary.icans.max_grade_min,
            ),
        )
        for lane in plot.lanes
    ]
    assert keys == sorted(keys)
