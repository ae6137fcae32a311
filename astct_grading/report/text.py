"""The cohort report as plain text for a terminal (lines of at most 100 characters)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from astct_grading.report.tables import (
    CohortReport,
    CountRow,
    Distribution,
    GradeTable,
    PatientLine,
)

__all__ = ["listing_row", "median_range", "number_text", "render_text"]


def number_text(value: float | None) -> str:
    """A day or a duration as the reports write it: whole numbers bare, else one decimal.

    Example:
        >>> number_text(3.0), number_text(2.25), number_text(None)
        ('3', '2.2', '-')
    """
    if value is None:
        return "-"
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def median_range(d: Distribution, open_word: str = "undetermined") -> str:
    """A distribution as the reports write it: median (range), n, and how many are open.

    Example:
        >>> from astct_grading.report.tables import Distribution
        >>> median_range(Distribution(2, 1.0, 1.0, 3.0, 1))
        '1 (1 to 3), n=2; 1 undetermined'
    """
    if d.n == 0:
        text = "-"
    else:
        text = (
            f"{number_text(d.median)} ({number_text(d.minimum)} to "
            f"{number_text(d.maximum)}), n={d.n}"
        )
    if d.undetermined:
        text += f"; {d.undetermined} {open_word}"
    return text


def listing_row(p: PatientLine) -> tuple[str, ...]:
    """A patient's row of the listing, as the text and the HTML reports write it.

    Columns: ID (with "(died)"), product, CRS grade, its onset day and duration, the same for
    ICANS, SLEDAI-2K at each visit, and the therapies given.
    """
    return (
        p.patient_id + (" (died)" if p.died else ""),
        p.product or "-",
        p.crs,
        number_text(p.crs_onset_day),
        number_text(p.crs_duration_days),
        p.icans,
        number_text(p.icans_onset_day),
        number_text(p.icans_duration_days),
        " > ".join(p.sledai) or "-",
        ", ".join(p.treatments) or "none",
    )


def _count(row: CountRow) -> str:
    text = f"  {row.label:<32}{row.n:>4}  {row.percent:>5.1f}%"
    extra = []
    if row.undetermined:
        extra.append(f"+{row.undetermined} undetermined")
    if row.detail:
        extra.append(f"ranges {row.detail}")
    return text + (f"   ({'; '.join(extra)})" if extra else "")


def _grade_lines(table: GradeTable, patients: int) -> list[str]:
    lines = [f"Maximum {table.scale} grade (N={patients})", f"  {'':<32}{'n':>4}  {'%':>6}"]
    lines += [_count(row) for row in table.by_grade]
    lines += [_count(table.any_grade), _count(table.severe)]
    lines.append(f"  {'Onset day, median (range)':<32}{median_range(table.onset_day)}")
    duration = median_range(table.duration_days).replace("undetermined", "not resolved")
    lines.append(f"  {'Duration (days), median (range)':<32}{duration}")
    return lines


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def cell(i: int, text: str) -> str:
        return text.rjust(widths[i]) if i in right else text.ljust(widths[i])

    return ["  " + "  ".join(cell(i, t) for i, t in enumerate(r)).rstrip() for r in (header, *rows)]


def _episode_lines(report: CohortReport) -> list[str]:
    lines: list[str] = []
    for e in report.episodes:
        kind = "" if e.established else " (possible)"
        text = f"{e.patient_id} {e.scale} episode {e.number}{kind}: onset day {e.onset_day}"
        text += f", max grade {e.max_grade}"
        if e.max_grade_day is not None:
            text += f" (day {e.max_grade_day})"
        if e.resolution_day is not None:
            text += f", resolved day {e.resolution_day} ({e.duration_days or 0:.1f} days)"
        else:
            text += ", not resolved"
        if e.without_fever:
            text += f"; {e.without_fever} assessment(s) graded without fever under the waiver"
        lines += textwrap.wrap(text, 98, initial_indent="  ", subsequent_indent="      ")
        for note in e.notes:
            lines += textwrap.wrap(note, 98, initial_indent="    - ", subsequent_indent="      ")
    return lines or ["  none"]


def render_text(report: CohortReport) -> str:
    """Render the report for a terminal (plain text, lines of at most 100 characters).

    Args:
        report: a report from :func:`build_report`.

    Returns:
        The text, ending with a newline.

    Example:
        >>> from astct_grading.report.tables import build_report
        >>> print(render_text(build_report([])).splitlines()[0])
        Cohort report
    """
    lines: list[str] = []
    if report.notice:
        lines += [*textwrap.wrap(report.notice, 100), ""]
    lines.append(report.title)
    products = ", ".join(f"{name} {n}" for name, n in report.products) or "none"
    lines.append(f"Patients: {report.patients} ({products})")
    periods = ", ".join(f"{number_text(h)} h" for h in report.resolution_hours) or "-"
    lines.append("Criteria: ASTCT 2019 (CRS, ICANS), SLEDAI-2K, SRI-4, DORIS 2021, LLDAS.")
    lines.append(f"Episodes resolve after {periods} without a grade >= 1 finding (D20).")
    lines.append("")
    lines += _grade_lines(report.crs, report.patients)
    lines.append("")
    lines += _grade_lines(report.icans, report.patients)
    lines += ["", "Treatments (patients)"]
    lines += [_count(row) for row in report.treatments] or ["  none"]
    lines += ["", "Deaths", _count(report.deaths)]
    lines += ["", "SLEDAI-2K, median (range)"]
    lines += _table(
        ("Visit", "Score", "Change from baseline"),
        [
            (
                row.label,
                median_range(row.score),
                median_range(row.change) if row.change is not None else "",
            )
            for row in report.sledai
        ],
        set(),
    )
    lines += ["", "Responses at follow-up"]
    lines += _table(
        ("Visit", "Definition", "Met", "Not met", "Cannot tell"),
        [
            (r.label, r.definition, str(r.met), str(r.not_met), str(r.cannot_tell))
            for r in report.responses
        ],
        {2, 3, 4},
    )
    lines += ["", "Episodes"]
    lines += _episode_lines(report)
    lines += ["", "Patients (CRS and ICANS: maximum grade, onset day, duration in days)"]
    lines += _table(
        ("ID", "Product", "CRS", "day", "days", "ICANS", "day", "days", "SLEDAI-2K", "Treated"),
        [listing_row(p) for p in report.listing],
        {3, 4, 6, 7},
    )
    return "\n".join(lines) + "\n"
