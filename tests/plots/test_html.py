"""The HTML report: self-contained, headings in order, each figure with a table saying the same,
the criteria versions, the decisions applied and the notice."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from astct_grading.course import Course, CourseResult
from astct_grading.plots import applied_decisions, build_figures, criteria_versions, render_html
from astct_grading.plots.html import DECISION_TITLES
from astct_grading.report import build_report, demo_report
from tests.plots.conftest import FEVER, at, course, graded

ROOT = Path(__file__).resolve().parents[2]


class _Outline(HTMLParser):
    """Headings, tags and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tags: list[str] = []
        self.after_figure: list[str] = []  # the first tag after each </figure>
        self._closed_figure = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if self._closed_figure and tag != "p":
            self.after_figure.append(tag)
            self._closed_figure = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._closed_figure = True


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(demo_report(), build_figures(*_demo()))


def _demo() -> tuple[list[Course], list[CourseResult]]:
    from astct_grading.report import load_demo_cohort

    return graded(*load_demo_cohort())


def _outline(text: str) -> _Outline:
    outline = _Outline()
    outline.feed(text)
    return outline


def test_page_is_self_contained(page: str) -> None:
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "default-src 'none'" in page  # the browser may load nothing
    outline = _outline(page)
    for tag in ("script", "link", "img", "iframe", "object", "embed"):
        assert tag not in outline.tags
    urls = set(re.findall(r"https?://[^\"' )<]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "@import" not in page
    assert "url(http" not in page


def test_headings_in_order(page: str) -> None:
    levels = _outline(page).headings
    assert levels[0] == 1
    assert levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_each_figure_is_followed_by_a_table_saying_the_same(page: str) -> None:
    outline = _outline(page)
    assert outline.tags.count("figure") == 2
    assert outline.after_figure == ["table", "table"]
    # The swimmer table: one row per lane, the bars in words.
    assert "DEMO-05 (CD19)</th><td>1-4</td><td>CRS episode 1: grade 1-4 (undetermined" in page
    assert "tocilizumab 8 mg/kg, day 1.2" in page
    # The SLEDAI-2K table: every visit, the range said as a range.
    assert "<td>2-6 (range: undetermined)</td>" in page
    assert page.count('<svg role="img" aria-labelledby=') == 2


def test_states_the_notice_criteria_versions_and_decisions(page: str) -> None:
    assert '<p class="notice" role="note">ILLUSTRATIVE SYNTHETIC DATA - NOT TRIAL DATA.' in page
    for version in ("ASTCT-2019", "SLEDAI-2K-2002", "DORIS-2021", "LLDAS-2016"):
        assert version in page
    for decision in ("D1", "D13", "D19", "D20"):
        assert f"<li><strong>{decision}</strong> {DECISION_TITLES[decision]}</li>" in page


def test_has_the_text_reports_tables(page: str) -> None:
    for caption in (
        "Maximum CRS grade (N=6)",
        "Maximum ICANS grade (N=6)",
        "Patients given each therapy, and deaths",
        "SLEDAI-2K, median (range)",
        "Patients meeting each definition",
        "Every CRS and ICANS episode",
        "CRS and ICANS: maximum grade, onset day, duration in days",
    ):
        assert f"<caption>{caption}" in page
    assert '<th scope="row">Undetermined</th><td class="n">1</td>' in page
    assert "14 (10 to 20), n=6" in page


def test_print_styles_for_a4_and_letter(page: str) -> None:
    assert "@page { margin: 12mm; }" in page  # no fixed size: A4 or Letter, as the printer has
    assert "@media print" in page
    assert "break-inside: avoid" in page


def test_decision_titles_are_the_headings_of_docs_decisions_md() -> None:
    text = (ROOT / "docs" / "decisions.md").read_text(encoding="utf-8")
    headed = dict(re.findall(r"^### (D\d+) (.+)$", text, re.M))
    assert headed == DECISION_TITLES


def test_versions_and_decisions_of_the_demo() -> None:
    _, results = _demo()
    assert criteria_versions(results) == {
        "CRS": ("ASTCT-2019",),
        "ICANS": ("ASTCT-2019",),
        "SLEDAI-2K": ("SLEDAI-2K-2002",),
        "SRI-4": ("SRI-4-2009 on SLEDAI-2K (D19)",),
        "DORIS remission": ("DORIS-2021",),
        "LLDAS": ("LLDAS-2016",),
    }
    decisions = applied_decisions(results)
    assert decisions == tuple(sorted(decisions, key=lambda d: int(d[1:])))
    assert {"D1", "D13", "D19", "D20"} <= set(decisions)
    assert "D6" not in decisions  # nobody died


def test_a_death_adds_d6_and_text_is_escaped() -> None:
    c = course(
        "<b>P&1</b>",
        crs_assessments=[{"at": at(10), "assessment": FEVER}],
        death={"at": at(30), "due_to_crs": True},
    )
    courses, results = graded(c)
    assert "D6" in applied_decisions(results)
    report = build_report(results, title="Study <X>", notice="Read & check")
    page = render_html(report, build_figures(courses, results), notices=["Input: 1 <read>"])
    assert "<b>P&1</b>" not in page
    assert "&lt;b&gt;P&amp;1&lt;/b&gt;" in page
    assert "<title>Study &lt;X&gt;</title>" in page
    assert '<p class="input" role="note">Input: 1 &lt;read&gt;</p>' in page
    assert "Patients without any SLEDAI-2K visit (not drawn): &lt;b&gt;P&amp;1&lt;/b&gt;." in page
    assert "died day 1.2 (cause: CRS)" in page


def test_empty_cohort() -> None:
    page = render_html(build_report([]), build_figures([]))
    assert "no graded result in this report" in page
    assert "<li>none: no graded result in this report</li>" in page
    assert '<td colspan="5">none</td>' in page
    assert 'class="notice"' not in page


def test_report_and_figures_must_be_of_the_same_patients() -> None:
    courses, results = _demo()
    with pytest.raises(ValueError, match="different patients"):
        render_html(build_report(results[:2]), build_figures(courses, results))


def test_a_course_without_assessments_applies_the_episode_rule_only() -> None:
    _, results = graded(course("EMPTY"))
    assert applied_decisions(results) == ("D20",)
    assert criteria_versions(results) == {}
