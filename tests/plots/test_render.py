"""The figures as SVG: one element per lane, bar and mark, each titled; self-contained."""

from __future__ import annotations

import re
import sys

import pytest

from astct_grading.course import Course, CourseResult
from astct_grading.plots import PlotsUnavailableError, build_figures, render_sledai, render_swimmer
from astct_grading.plots.render import require_matplotlib
from tests.plots.conftest import FEVER, at, course, graded, ice


def _ids(svg: str, prefix: str) -> list[str]:
    return re.findall(rf'<g id="({prefix}[\w-]*)">', svg)


def _style(svg: str, gid: str) -> str:
    start = svg.index(f'<g id="{gid}">')
    match = re.search(r'style="([^"]*)"', svg[start:])
    assert match is not None
    return match.group(1)


def test_swimmer_svg_has_a_lane_and_a_bar_element_per_lane_and_episode(
    demo: tuple[list[Course], list[CourseResult]],
) -> None:
    figures = build_figures(*demo)
    figure = render_swimmer(figures.swimmer)
    svg = figure.svg
    assert figure.name == "swimmer"
    assert svg.startswith('<svg role="img" aria-labelledby="swimmer-title swimmer-desc"')
    assert len(_ids(svg, "swimmer-lane-")) == 6
    assert len(_ids(svg, "swimmer-bar-")) == figures.swimmer.bar_count == 7
    for lane in figures.swimmer.lanes:
        bars = _ids(svg, f"swimmer-bar-{lane.position}-")
        assert len(bars) == len(lane.bars)
        assert len(_ids(svg, f"swimmer-mark-{lane.position}-")) == len(lane.treatments)
    # Each element says what it shows, e.g. the range bar of DEMO-05.
    assert "<title>DEMO-05 CRS episode 1: grade 1-4 (undetermined: a range)" in svg
    assert "<title>DEMO-04: tocilizumab 8 mg/kg, day 1.2</title>" in svg
    # A definite bar is filled with its grade's colour; the range bar with a hatch pattern, its
    # outline dashed, never with a grade's colour.
    for lane in figures.swimmer.lanes:
        for k, bar in enumerate(lane.bars):
            style = _style(svg, f"swimmer-bar-{lane.position}-{k}")
            if bar.fill is None:
                assert "fill: url(#swimmer-h" in style
                assert "stroke-dasharray" in style
            else:
                assert f"fill: {bar.fill};" in style
                assert "stroke-dasharray" not in style


def test_svg_is_self_contained_and_the_same_every_time(
    demo: tuple[list[Course], list[CourseResult]],
) -> None:
    figures = build_figures(*demo)
    first = render_swimmer(figures.swimmer).svg
    assert first == render_swimmer(figures.swimmer).svg
    for svg in (first, render_sledai(figures.sledai).svg):
        assert "<?xml" not in svg
        assert "<!DOCTYPE" not in svg
        assert "<text" not in svg  # text drawn as paths: no font needed
        assert "<image" not in svg
        assert "@font-face" not in svg
        urls = set(re.findall(r"https?://[^\"' )]+", svg))
        assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
        # Every reference points inside the figure, to a prefixed id.
        prefix = svg[svg.index('id="') + 4 : svg.index("-", svg.index('id="'))]
        for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', svg):
            assert ref.startswith(prefix + "-"), ref
            assert f'id="{ref}"' in svg


def test_sledai_svg_has_a_panel_per_patient_and_ranges_as_ranges(
    demo: tuple[list[Course], list[CourseResult]],
) -> None:
    plot = build_figures(*demo).sledai
    svg = render_sledai(plot).svg
    assert len(_ids(svg, "sledai-panel-")) == 6
    assert len(_ids(svg, "sledai-point-")) == 23
    assert len(_ids(svg, "sledai-range-")) == 1
    assert len(_ids(svg, "sledai-response-")) == 6 * 3 * 3
    assert "<title>month 3, day 91: undetermined, 2-6</title>" in svg
    assert "<title>DEMO-05 month 1: SRI-4 cannot tell</title>" in svg


def test_a_death_an_open_episode_and_one_panel() -> None:
    c = course(
        crs_assessments=[{"at": at(10), "assessment": FEVER}],
        icans_assessments=[{"at": at(24), "assessment": ice(2)}],
        treatments=[{"at": at(12), "therapy": "anakinra"}],
        death={"at": at(30), "due_to_crs": True},
        sledai_visits=[{"label": "baseline", "visit": {"visit_date": "2024-03-01"}}],
    )
    figures = build_figures(*graded(c))
    svg = render_swimmer(figures.swimmer).svg
    assert len(_ids(svg, "swimmer-death-")) == 1
    assert "died day 1.2 (cause: CRS)" in svg
    sledai = render_sledai(figures.sledai).svg
    assert len(_ids(sledai, "sledai-range-")) == 1
    assert len(_ids(sledai, "sledai-panel-")) == 1


def test_empty_cohort_draws_empty_figures() -> None:
    figures = build_figures([])
    assert _ids(render_swimmer(figures.swimmer).svg, "swimmer-lane-") == []
    assert _ids(render_sledai(figures.sledai).svg, "sledai-panel-") == []


def test_without_matplotlib_drawing_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(PlotsUnavailableError, match=r"pip install '\.\[plots\]'"):
        require_matplotlib()
    with pytest.raises(PlotsUnavailableError):
        render_swimmer(build_figures([]).swimmer)


def test_the_package_imports_without_matplotlib() -> None:
    import subprocess

    code = (
        "import sys; sys.modules['matplotlib'] = None; "
        "import astct_grading.plots as p; "
        "f = p.demo_figures(); print(f.swimmer.bar_count)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "7"
