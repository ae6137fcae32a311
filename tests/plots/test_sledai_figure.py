"""The SLEDAI-2K figure's data: a line per patient, ranges as ranges, responses marked."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from astct_grading.course import Course, CourseResult, grade_course
from astct_grading.plots.sledai import OUTCOME_MARKS, ResponseMark, sledai_plot
from astct_grading.sle.response import Outcome
from astct_grading.strategies import courses as course_strategy
from tests.plots.conftest import course


def test_demo_lines_follow_the_trajectories(demo: tuple[list[Course], list[CourseResult]]) -> None:
    _, results = demo
    plot = sledai_plot(results)
    assert [line.patient_id for line in plot.lines] == [r.patient_id for r in results]
    assert plot.point_count == 24
    assert plot.without_visits == ()
    assert plot.score_max == 20
    for line, result in zip(plot.lines, results, strict=True):
        assert [(p.label, p.day) for p in line.points] == [(s.label, s.day) for s in result.sledai]
        assert line.points[0].responses == ()  # baseline
        for point, source in zip(line.points[1:], result.sledai[1:], strict=True):
            assert [(m.definition, m.outcome) for m in point.responses] == [
                (name, r.outcome.value) for name, r in source.responses.items()
            ]


def test_demo_undetermined_score_is_a_range_and_breaks_the_line(
    demo: tuple[list[Course], list[CourseResult]],
) -> None:
    plot = sledai_plot(demo[1])
    line = next(line for line in plot.lines if line.patient_id == "DEMO-05")
    month3 = line.points[2]
    assert (month3.score, month3.score_min, month3.score_max) == (None, 2, 6)
    assert month3.is_range
    assert month3.score_text == "2-6"
    # The line joins baseline to month 1 only: month 3 is a range, so no segment touches it.
    assert [(a.label, b.label) for a, b in line.segments] == [("baseline", "month 1")]
    assert [m.description for m in line.points[1].responses] == [
        "SRI-4 cannot tell",
        "DORIS remission cannot tell",
        "LLDAS cannot tell",
    ]
    full = next(line for line in plot.lines if line.patient_id == "DEMO-01")
    assert len(full.segments) == 3


def test_patients_without_visits_are_named_not_drawn() -> None:
    result = grade_course(course("NO-VISITS"))
    plot = sledai_plot([result])
    assert plot.lines == ()
    assert plot.without_visits == ("NO-VISITS",)
    assert plot.score_max == 4
    assert plot.point_count == 0


def test_every_outcome_has_its_own_mark() -> None:
    assert set(OUTCOME_MARKS) == {o.value for o in Outcome}
    assert len({shape for shape, _ in OUTCOME_MARKS.values()}) == len(OUTCOME_MARKS)
    assert ResponseMark("LLDAS", "met").description == "LLDAS met"


@settings(max_examples=50)
@given(st.lists(course_strategy(), min_size=1, max_size=3))
def test_property_points_are_the_trajectory_and_ranges_stay_ranges(courses: list[Course]) -> None:
    results = [grade_course(c) for c in courses]
    plot = sledai_plot(results)
    assert len(plot.lines) + len(plot.without_visits) == len(results)
    for line, source in zip(plot.lines, [r for r in results if r.sledai], strict=True):
        assert line.patient_id == source.patient_id
        for point, s in zip(line.points, source.sledai, strict=True):
            assert point.is_range == (s.score.score is None)
            assert (point.score_min, point.score_max) == (s.score.score_min, s.score.score_max)
            assert point.score_max <= plot.score_max
        for a, b in line.segments:
            assert not a.is_range
            assert not b.is_range
