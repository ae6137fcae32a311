"""The cohort report as one self-contained HTML page: the text report's tables and the figures.

The page needs nothing outside itself: the figures are inline SVG whose text is drawn as paths,
the styles are inline, there is no script, and a Content-Security-Policy of ``default-src 'none'``
forbids the browser any request. It prints on A4 and US Letter alike (figures 180 mm wide, page
margins of 12 mm, no table or figure split across pages where it fits on one).

Accessibility: headings in order (one ``h1``, then ``h2`` and ``h3``); every figure has a title
and a description, every bar, mark and point its own ``<title>``, and the table right after each
figure says in words what the figure shows; nothing is told by colour alone (grades are printed
on the bars, ranges hatched, therapies and outcomes by marker shape).

It states what the text report states (criteria, resolution period, the notice, which for the
demo cohort says the data are illustrative), and besides: the criteria version of each kind of
result, read from the results themselves, and the product decisions (docs/decisions.md) the
results applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from astct_grading._version import __version__
from astct_grading.course.results import CourseResult
from astct_grading.plots.figures import CohortFigures
from astct_grading.plots.render import SvgFigure, render_sledai, render_swimmer
from astct_grading.plots.sledai import OUTCOME_MARKS, SledaiPlot
from astct_grading.plots.swimmer import SwimmerPlot
from astct_grading.report.tables import CohortReport, CountRow, GradeTable
from astct_grading.report.text import listing_row, median_range, number_text

__all__ = ["DECISION_TITLES", "applied_decisions", "criteria_versions", "render_html"]

#: Decision id -> its title, as headed in docs/decisions.md (tests/plots/test_html.py checks).
DECISION_TITLES: dict[str, str] = {
    "D1": "Fever and the post-treatment waiver",
    "D2": "Attribution",
    "D3": "Vasopressors are counted, never dosed",
    "D4": "Oxygen: device and flow",
    "D5": "Hypotension",
    "D6": "Grade 5",
    "D7": "Which instrument",
    "D8": "CAPD bands",
    "D9": "Level of consciousness",
    "D10": "ICE",
    "D11": "Seizures, motor, raised ICP",
    "D13": "Unknown is not normal",
    "D14": "Units and rounding",
    "D15": "Plausibility",
    "D16": "Arthritis",
    "D17": "Laboratory descriptors",
    "D18": "Window",
    "D19": "Bands and response",
    "D20": "Episodes",
}

#: The kinds of result whose criteria version the page states, in this order.
_KINDS = ("CRS", "ICANS", "SLEDAI-2K", "SRI-4", "DORIS remission", "LLDAS")

_CSS = """
:root { color: #000; background: #fff; }
body { font: 10.5pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  margin: 0; }
main { max-width: 190mm; margin: 0 auto; padding: 8mm 6mm; }
h1 { font-size: 17pt; margin: 0 0 4mm; }
h2 { font-size: 13.5pt; margin: 8mm 0 2mm; border-bottom: 1px solid #000; }
h3 { font-size: 11pt; margin: 5mm 0 1.5mm; }
.notice { border: 2px solid #000; padding: 2mm 3mm; font-weight: bold; }
.input { border-left: 4px solid #000; padding-left: 3mm; }
figure { margin: 3mm 0; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 9pt; margin-top: 1mm; }
table { border-collapse: collapse; margin: 1mm 0 3mm; font-size: 9pt; }
th, td { border: 1px solid #808080; padding: 0.6mm 1.6mm; text-align: left; vertical-align: top; }
th { background: #ececec; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding-bottom: 1mm; }
.wide { font-size: 8pt; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.5mm 4mm; }
dt { font-weight: bold; }
dd { margin: 0; }
footer { font-size: 8.5pt; margin-top: 8mm; border-top: 1px solid #808080; padding-top: 2mm; }
@page { margin: 12mm; }
@media print {
  body { font-size: 9.5pt; }
  main { max-width: none; padding: 0; }
  figure, table, tr, .notice { break-inside: avoid; }
  h2, h3, caption { break-after: avoid; }
  thead { display: table-header-group; }
}
"""


def _table(
    caption: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: frozenset[int] = frozenset(),
    css: str = "",
) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if i == 0:
                cells.append(f'<th scope="row">{escape(cell)}</th>')
            else:
                cells.append(
                    f'<td class="n">{escape(cell)}</td>'
                    if i in numeric
                    else f"<td>{escape(cell)}</td>"
                )
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(header)}">none</td></tr>')
    klass = f' class="{css}"' if css else ""
    return (
        f"<table{klass}><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _count_cells(row: CountRow) -> list[str]:
    extra = []
    if row.undetermined:
        extra.append(f"+{row.undetermined} undetermined")
    if row.detail:
        extra.append(f"ranges {row.detail}")
    return [row.label, str(row.n), f"{row.percent:.1f}", "; ".join(extra)]


def _grade_table(table: GradeTable, patients: int) -> str:
    rows = [_count_cells(row) for row in (*table.by_grade, table.any_grade, table.severe)]
    rows.append(["Onset day, median (range)", "", "", median_range(table.onset_day)])
    rows.append(
        [
            "Duration (days), median (range)",
            "",
            "",
            median_range(table.duration_days, "not resolved"),
        ]
    )
    return _table(
        f"Maximum {table.scale} grade (N={patients})",
        ("", "n", "%", "Note"),
        rows,
        numeric=frozenset({1, 2}),
    )


def criteria_versions(results: Iterable[CourseResult]) -> dict[str, tuple[str, ...]]:
    """The criteria version of each kind of result in the graded courses.

    Args:
        results: graded courses.

    Returns:
        Kind (``CRS``, ``ICANS``, ``SLEDAI-2K``, ``SRI-4``, ``DORIS remission``, ``LLDAS``) ->
        the versions its results carry (a kind no result has is left out).

    Example:
        >>> from astct_grading.plots import demo_figures
        >>> criteria_versions(demo_figures().results)["CRS"]
        ('ASTCT-2019',)
    """
    found: dict[str, set[str]] = {}
    for result in results:
        for g in (*result.crs, *result.icans):
            found.setdefault(g.scale, set()).add(g.result.criteria_version)
        for point in result.sledai:
            found.setdefault("SLEDAI-2K", set()).add(point.score.criteria_version)
            for name, response in point.responses.items():
                found.setdefault(name, set()).add(response.criteria_version)
    return {kind: tuple(sorted(found[kind])) for kind in _KINDS if kind in found}


def applied_decisions(results: Iterable[CourseResult]) -> tuple[str, ...]:
    """The product decisions (docs/decisions.md) the graded courses applied, in numeric order.

    Those every result lists, and the course layer's own: D20 (episodes) for every course, D1
    (the fever waiver derived from the history) for a course with CRS assessments and D6 (grade
    5) for a course with a death.

    Example:
        >>> from astct_grading.plots import demo_figures
        >>> applied_decisions(demo_figures().results)[-3:]
        ('D18', 'D19', 'D20')
    """
    found: set[str] = set()
    for result in results:
        found.add("D20")
        if result.crs:
            found.add("D1")
        if result.death is not None:
            found.add("D6")
        for g in (*result.crs, *result.icans):
            found.update(g.result.decisions)
        for point in result.sledai:
            found.update(point.score.decisions)
            if point.change is not None:
                found.update(point.change.decisions)
            for response in point.responses.values():
                found.update(response.decisions)
    return tuple(sorted(found, key=lambda d: int(d[1:])))


def _about(report: CohortReport, results: Sequence[CourseResult]) -> str:
    products = ", ".join(f"{escape(name)} {n}" for name, n in report.products) or "none"
    periods = ", ".join(f"{number_text(h)} h" for h in report.resolution_hours) or "-"
    versions = criteria_versions(results)
    version_items = (
        "".join(
            f"<dt>{escape(kind)}</dt><dd>{escape(', '.join(versions[kind]))}</dd>"
            for kind in versions
        )
        or "<dt>Versions</dt><dd>no graded result in this report</dd>"
    )
    decisions = (
        "".join(
            f"<li><strong>{d}</strong> {escape(DECISION_TITLES.get(d, ''))}</li>"
            for d in applied_decisions(results)
        )
        or "<li>none: no graded result in this report</li>"
    )
    return (
        '<section aria-labelledby="about"><h2 id="about">About this report</h2>'
        f"<p>Patients: {report.patients} ({products}). Criteria: ASTCT 2019 consensus (Lee DW "
        "et al., Biol Blood Marrow Transplant 2019;25:625-638) for CRS and ICANS; SLEDAI-2K, "
        f"SRI-4, DORIS 2021 remission and LLDAS for lupus activity. Episodes resolve after "
        f"{periods} without a grade &gt;= 1 finding (D20). A grade or score that missing inputs "
        "leave open is shown as a range, never as a value (D13).</p>"
        f"<h3>Criteria versions in the results</h3><dl>{version_items}</dl>"
        f"<h3>Decisions applied</h3><p>The product's rulings where the sources are unclear "
        f"(docs/decisions.md), as the graded results list them:</p><ul>{decisions}</ul>"
        "</section>"
    )


def _figure(figure: SvgFigure, caption: str) -> str:
    return f"<figure>{figure.svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _swimmer_section(report: CohortReport, plot: SwimmerPlot) -> str:
    rows = [
        [
            lane.patient_id + (f" ({lane.product})" if lane.product else ""),
            lane.max_grade,
            "; ".join(bar.description for bar in lane.bars) or "none",
            "; ".join(mark.description for mark in lane.treatments) or "none",
            lane.death.description if lane.death else "no death recorded",
        ]
        for lane in plot.lanes
    ]
    figure = render_swimmer(plot)
    caption = (
        "Figure 1. One lane per patient, from the top by maximum grade then onset; days from the "
        "infusion (hours / 24). Upper bar CRS, lower bar ICANS, each episode labelled with its "
        "grade; colour by grade (viridis, darker is higher); a hatched bar with a dashed outline "
        "is a grade that is a range or an episode that is only possible, never a definite grade; "
        "an arrow marks an episode that did not resolve. Marks above the lane: treatments (one "
        "shape per therapy); a cross: death. The table below says the same."
    )
    return (
        '<section aria-labelledby="toxicity"><h2 id="toxicity">CRS and ICANS</h2>'
        + _figure(figure, caption)
        + _table(
            "Figure 1 in words: lanes from the top",
            ("Patient", "Maximum grade", "Episodes", "Treatments", "Death"),
            rows,
        )
        + "<h3>Maximum grade per patient</h3>"
        + _grade_table(report.crs, report.patients)
        + _grade_table(report.icans, report.patients)
        + "<h3>Treatments and deaths</h3>"
        + _table(
            "Patients given each therapy, and deaths",
            ("", "n", "%", "Note"),
            [_count_cells(row) for row in (*report.treatments, report.deaths)],
            numeric=frozenset({1, 2}),
        )
        + "</section>"
    )


def _sledai_section(report: CohortReport, plot: SledaiPlot) -> str:
    rows = []
    for line in plot.lines:
        for point in line.points:
            outcomes = {r.definition: OUTCOME_MARKS[r.outcome][1] for r in point.responses}
            rows.append(
                [
                    line.patient_id,
                    point.label,
                    str(point.day),
                    point.score_text + (" (range: undetermined)" if point.is_range else ""),
                    *(outcomes.get(d, "-") for d in plot.definitions),
                ]
            )
    figure = render_sledai(plot)
    caption = (
        "Figure 2. SLEDAI-2K at each visit, one panel per patient (days from the infusion date). "
        "A score that missing inputs leave open is a hatched range, and the line is broken "
        "there. Below each line, the response at each follow-up: filled circle met, open circle "
        "not met, question mark cannot tell. The table below says the same."
    )
    missing = ""
    if plot.without_visits:
        missing = (
            "<p>Patients without any SLEDAI-2K visit (not drawn): "
            f"{escape(', '.join(plot.without_visits))}.</p>"
        )
    return (
        '<section aria-labelledby="lupus"><h2 id="lupus">Lupus activity: SLEDAI-2K</h2>'
        + _figure(figure, caption)
        + missing
        + _table(
            "Figure 2 in words: each patient's visits",
            ("Patient", "Visit", "Day", "SLEDAI-2K", *plot.definitions),
            rows,
            numeric=frozenset({2}),
        )
        + "<h3>SLEDAI-2K by visit</h3>"
        + _table(
            "SLEDAI-2K, median (range)",
            ("Visit", "Patients", "Score", "Change from baseline"),
            [
                [
                    row.label,
                    str(row.patients),
                    median_range(row.score),
                    median_range(row.change) if row.change is not None else "",
                ]
                for row in report.sledai
            ],
            numeric=frozenset({1}),
        )
        + "<h3>Responses at follow-up</h3>"
        + _table(
            "Patients meeting each definition (cannot tell: a missing input could change it)",
            ("Visit", "Definition", "Met", "Not met", "Cannot tell"),
            [
                [r.label, r.definition, str(r.met), str(r.not_met), str(r.cannot_tell)]
                for r in report.responses
            ],
            numeric=frozenset({2, 3, 4}),
        )
        + "</section>"
    )


def _listings(report: CohortReport) -> str:
    episodes = [
        [
            e.patient_id,
            e.scale,
            str(e.number) + ("" if e.established else " (possible)"),
            str(e.onset_day),
            e.max_grade + (f" (day {e.max_grade_day})" if e.max_grade_day is not None else ""),
            "not resolved"
            if e.resolution_day is None
            else f"day {e.resolution_day} ({e.duration_days or 0:.1f} days)",
            str(e.without_fever),
            " ".join(e.notes),
        ]
        for e in report.episodes
    ]
    patients = [list(listing_row(p)) for p in report.listing]
    return (
        '<section aria-labelledby="listings"><h2 id="listings">Listings</h2>'
        "<h3>Episodes</h3>"
        + _table(
            "Every CRS and ICANS episode (D20); days from the infusion date",
            (
                "Patient",
                "Scale",
                "Episode",
                "Onset day",
                "Maximum grade",
                "Resolved",
                "Graded without fever (D1)",
                "Notes",
            ),
            episodes,
            numeric=frozenset({3, 6}),
            css="wide",
        )
        + "<h3>Patients</h3>"
        + _table(
            "CRS and ICANS: maximum grade, onset day, duration in days",
            (
                "ID",
                "Product",
                "CRS",
                "CRS onset",
                "CRS days",
                "ICANS",
                "ICANS onset",
                "ICANS days",
                "SLEDAI-2K",
                "Treated",
            ),
            patients,
            numeric=frozenset({3, 4, 6, 7}),
            css="wide",
        )
        + "</section>"
    )


def render_html(
    report: CohortReport, figures: CohortFigures, *, notices: Sequence[str] = ()
) -> str:
    """Render the cohort report as one self-contained HTML page, figures inline.

    Args:
        report: a report from :func:`~astct_grading.report.build_report`.
        figures: the same cohort's figures (:func:`~astct_grading.plots.build_figures`).
        notices: further notices shown under the report's own (e.g. how many records were read).

    Returns:
        The page (UTF-8 text).

    Raises:
        PlotsUnavailableError: Matplotlib (the ``[plots]`` extra) is not installed.
        ValueError: the report and the figures are not of the same patients.

    Example:
        >>> from astct_grading.plots import demo_figures
        >>> from astct_grading.report import demo_report
        >>> page = render_html(demo_report(), demo_figures())
        >>> page.startswith("<!DOCTYPE html>"), "ILLUSTRATIVE" in page, "<script" in page
        (True, True, False)
    """
    listed = [line.patient_id for line in report.listing]
    drawn = [result.patient_id for result in figures.results]
    if sorted(listed) != sorted(drawn):
        raise ValueError(
            "the report and the figures are of different patients: build both from the same "
            "graded courses"
        )
    notice = f'<p class="notice" role="note">{escape(report.notice)}</p>' if report.notice else ""
    notice += "".join(f'<p class="input" role="note">{escape(text)}</p>' for text in notices)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="astct-grading {escape(__version__)}">'
        f"<title>{escape(report.title)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{escape(report.title)}</h1>{notice}"
        + _about(report, figures.results)
        + _swimmer_section(report, figures.swimmer)
        + _sledai_section(report, figures.sledai)
        + _listings(report)
        + f"<footer>Made by astct-grading {escape(__version__)}. "
        "Every grade follows the criteria and decisions stated above; see the project's "
        "docs/report.md and docs/plots.md for how the tables and figures are built.</footer>"
        "</main></body></html>\n"
    )
