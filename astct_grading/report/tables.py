"""The cohort report's tables, built from graded courses.

:func:`build_report` takes graded courses (:func:`astct_grading.course.grade_course`) and counts
patients by their maximum CRS and ICANS grade, summarises onset and duration, the SLEDAI-2K
trajectory and the response definitions. :meth:`CohortReport.to_dict` and
:meth:`CohortReport.to_json` give it as data, by the one serialisation of course results
(:func:`astct_grading.course.results.fields_of`).

Unknown is never normal (decisions.md D13): a patient whose maximum grade is a range is counted in
its own "undetermined" row and never folded into a grade; "any grade" and "grade >= 3" count the
patients who surely meet them and say separately how many might.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from astct_grading.course.results import CourseResult, ScaleSummary, fields_of
from astct_grading.course.trajectory import RESPONSE_DEFINITIONS
from astct_grading.sle.response import Outcome

__all__ = [
    "CohortReport",
    "CountRow",
    "Distribution",
    "EpisodeLine",
    "GradeTable",
    "PatientLine",
    "ResponseRow",
    "SledaiRow",
    "build_report",
]

#: Grade >= 3 is the "severe" line trials report (ASTCT 2019 grades 3-5).
SEVERE_GRADE = 3
#: The highest grade (5, death; D6).
MAX_GRADE = 5


@dataclass(frozen=True, slots=True)
class CountRow:
    """Patients counted in one row of a table.

    Attributes:
        label: the row, e.g. ``Grade 2``, ``Any grade``, ``Undetermined``.
        n: patients who surely belong in the row.
        percent: ``n`` as a percentage of the cohort (0 for an empty cohort).
        undetermined: patients who might belong in the row, but whose unknown inputs leave it open
            (D13); they are not in ``n``.
        detail: a short note, e.g. the ranges of the undetermined patients.
    """

    label: str
    n: int
    percent: float
    undetermined: int = 0
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Distribution:
    """Median and range of a value over the patients who have it determined.

    Attributes:
        n: how many values went in.
        median: their median (None when there are none).
        minimum: the smallest (None when there are none).
        maximum: the largest (None when there are none).
        undetermined: patients with the value open (a range, D13) or not yet known (an episode
            not resolved); they are left out, never guessed.
    """

    n: int
    median: float | None
    minimum: float | None
    maximum: float | None
    undetermined: int = 0


@dataclass(frozen=True, slots=True)
class GradeTable:
    """Patients by maximum grade on one scale, with onset and duration.

    Attributes:
        scale: ``CRS`` or ``ICANS``.
        by_grade: one row per grade 0-5 (patients whose maximum is that grade, determined), then
            the ``Undetermined`` row (patients whose maximum is a range).
        any_grade: patients whose maximum is surely >= 1.
        severe: patients whose maximum is surely >= 3.
        onset_day: day of onset of the first established episode (day 0 = infusion day).
        duration_days: duration of the first established episode, in days (hours / 24).
    """

    scale: str
    by_grade: tuple[CountRow, ...]
    any_grade: CountRow
    severe: CountRow
    onset_day: Distribution
    duration_days: Distribution


@dataclass(frozen=True, slots=True)
class SledaiRow:
    """SLEDAI-2K at one visit across the cohort.

    Attributes:
        label: the visit label (``baseline``, ``month 1``...).
        patients: patients with this visit.
        score: SLEDAI-2K at the visit.
        change: change from baseline (None for the baseline row).
    """

    label: str
    patients: int
    score: Distribution
    change: Distribution | None


@dataclass(frozen=True, slots=True)
class ResponseRow:
    """One response definition at one follow-up visit (D19).

    Attributes:
        label: the visit label.
        definition: ``SRI-4``, ``DORIS remission`` or ``LLDAS``.
        met: patients meeting it.
        not_met: patients not meeting it.
        cannot_tell: patients for whom a missing input could change the answer (D13).
    """

    label: str
    definition: str
    met: int
    not_met: int
    cannot_tell: int


@dataclass(frozen=True, slots=True)
class PatientLine:
    """One patient in the listing.

    Attributes:
        patient_id: the patient's identifier.
        product: the product or target label.
        crs: maximum CRS grade, e.g. ``2`` or ``1-4`` for a range.
        crs_onset_day: onset day of the first CRS episode.
        crs_duration_days: its duration in days.
        icans: maximum ICANS grade, as text.
        icans_onset_day: onset day of the first ICANS episode.
        icans_duration_days: its duration in days.
        treatments: the therapies given.
        sledai: SLEDAI-2K at each visit, as text, baseline first.
        died: whether a death is recorded.
    """

    patient_id: str
    product: str | None
    crs: str
    crs_onset_day: int | None
    crs_duration_days: float | None
    icans: str
    icans_onset_day: int | None
    icans_duration_days: float | None
    treatments: tuple[str, ...]
    sledai: tuple[str, ...]
    died: bool


@dataclass(frozen=True, slots=True)
class EpisodeLine:
    """One CRS or ICANS episode in the episode listing (D20).

    Attributes:
        patient_id: the patient's identifier.
        scale: ``CRS`` or ``ICANS``.
        number: the episode's number within the patient and scale.
        established: True for an established episode, None for a possible one (D13).
        onset_day: its onset day (day 0 = infusion day).
        max_grade: its maximum grade as text, e.g. ``2`` or ``1-4``.
        max_grade_day: the day it first surely reached that grade.
        resolution_day: the day it resolved (None when it did not).
        duration_days: its duration in days (None when it did not resolve).
        without_fever: CRS: assessments graded >= 1 with no fever, under the post-treatment
            waiver (D1); 0 for ICANS.
        notes: the episode's notes.
    """

    patient_id: str
    scale: str
    number: int
    established: bool | None
    onset_day: int
    max_grade: str
    max_grade_day: int | None
    resolution_day: int | None
    duration_days: float | None
    without_fever: int
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CohortReport:
    """The cohort report.

    Attributes:
        title: the report's title.
        notice: a notice printed first (e.g. that the data are illustrative), or None.
        patients: the number of patients.
        products: patients per product or target label (``unspecified`` when not given).
        resolution_hours: the resolution periods the episodes were built with (D20).
        crs: patients by maximum CRS grade.
        icans: patients by maximum ICANS grade.
        treatments: patients given each therapy.
        deaths: patients who died.
        sledai: SLEDAI-2K at each visit, in visit order.
        responses: each response definition at each follow-up visit.
        listing: one line per patient.
        episodes: every CRS and ICANS episode, patient by patient.
    """

    title: str
    notice: str | None
    patients: int
    products: tuple[tuple[str, int], ...]
    resolution_hours: tuple[float, ...]
    crs: GradeTable
    icans: GradeTable
    treatments: tuple[CountRow, ...]
    deaths: CountRow
    sledai: tuple[SledaiRow, ...]
    responses: tuple[ResponseRow, ...]
    listing: tuple[PatientLine, ...]
    episodes: tuple[EpisodeLine, ...]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-compatible data."""
        return fields_of(self)

    def to_json(self) -> str:
        """The report as a JSON document (UTF-8 text)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


# --- Building --------------------------------------------------------------------------------


def _percent(n: int, total: int) -> float:
    return round(100 * n / total, 1) if total else 0.0


def _distribution(values: Sequence[float], undetermined: int = 0) -> Distribution:
    if not values:
        return Distribution(0, None, None, None, undetermined)
    return Distribution(
        n=len(values),
        median=float(statistics.median(values)),
        minimum=float(min(values)),
        maximum=float(max(values)),
        undetermined=undetermined,
    )


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _at_least(label: str, bound: int, summaries: Sequence[ScaleSummary]) -> CountRow:
    # Surely at least ``bound`` when the lowest possible maximum reaches it; possibly when only the
    # highest does (D13).
    n = sum(1 for s in summaries if s.max_grade_min >= bound)
    could = sum(1 for s in summaries if s.max_grade_min < bound <= s.max_grade_max)
    return CountRow(label, n, _percent(n, len(summaries)), could)


def _grade_table(scale: str, summaries: Sequence[ScaleSummary]) -> GradeTable:
    total = len(summaries)
    rows = []
    for grade in range(MAX_GRADE + 1):
        n = sum(1 for s in summaries if s.max_grade == grade)
        rows.append(CountRow(f"Grade {grade}", n, _percent(n, total)))
    ranges: dict[str, int] = {}
    for s in summaries:
        if s.max_grade is None:
            key = _span(s.max_grade_min, s.max_grade_max)
            ranges[key] = ranges.get(key, 0) + 1
    n_open = sum(ranges.values())
    detail = ", ".join(f"{key}: {count}" for key, count in sorted(ranges.items()))
    rows.append(CountRow("Undetermined", n_open, _percent(n_open, total), detail=detail))
    first = [s for s in summaries if s.episodes]
    onset = [float(s.onset_day) for s in first if s.onset_day is not None]
    durations = [s.duration_days for s in first if s.duration_days is not None]
    return GradeTable(
        scale=scale,
        by_grade=tuple(rows),
        any_grade=_at_least("Any grade (>= 1)", 1, summaries),
        severe=_at_least(f"Grade >= {SEVERE_GRADE}", SEVERE_GRADE, summaries),
        onset_day=_distribution(onset),
        duration_days=_distribution(durations, len(first) - len(durations)),
    )


def _visit_labels(results: Sequence[CourseResult]) -> list[str]:
    labels: dict[str, float] = {}
    for result in results:
        for point in result.sledai:
            labels.setdefault(point.label, point.day)
    # Baseline first (it is every patient's first visit), then in the order visits occur.
    firsts = {r.sledai[0].label for r in results if r.sledai}
    return sorted(labels, key=lambda label: (label not in firsts, labels[label]))


def _sledai(
    results: Sequence[CourseResult],
) -> tuple[tuple[SledaiRow, ...], tuple[ResponseRow, ...]]:
    rows: list[SledaiRow] = []
    responses: list[ResponseRow] = []
    for label in _visit_labels(results):
        points = [p for r in results for p in r.sledai if p.label == label]
        scores = [float(p.score.score) for p in points if p.score.score is not None]
        changes = [p.change for p in points if p.change is not None]
        known = [float(c.change) for c in changes if c.change is not None]
        rows.append(
            SledaiRow(
                label=label,
                patients=len(points),
                score=_distribution(scores, len(points) - len(scores)),
                change=_distribution(known, len(changes) - len(known)) if changes else None,
            )
        )
        for definition in RESPONSE_DEFINITIONS:
            outcomes = [
                p.responses[definition].outcome for p in points if definition in p.responses
            ]
            if outcomes:
                responses.append(
                    ResponseRow(
                        label=label,
                        definition=definition,
                        met=outcomes.count(Outcome.MET),
                        not_met=outcomes.count(Outcome.NOT_MET),
                        cannot_tell=outcomes.count(Outcome.CANNOT_TELL),
                    )
                )
    return tuple(rows), tuple(responses)


def _line(result: CourseResult) -> PatientLine:
    s = result.summary
    return PatientLine(
        patient_id=s.patient_id,
        product=s.product,
        crs=_span(s.crs.max_grade_min, s.crs.max_grade_max),
        crs_onset_day=s.crs.onset_day,
        crs_duration_days=s.crs.duration_days,
        icans=_span(s.icans.max_grade_min, s.icans.max_grade_max),
        icans_onset_day=s.icans.onset_day,
        icans_duration_days=s.icans.duration_days,
        treatments=s.treatments,
        sledai=tuple(_span(p.score.score_min, p.score.score_max) for p in result.sledai),
        died=s.died,
    )


def _episodes(result: CourseResult) -> list[EpisodeLine]:
    lines = []
    for episode in (*result.crs_episodes, *result.icans_episodes):
        graded = result.crs if episode.scale == "CRS" else result.icans
        # Graded >= 1 while fever surely did not count: only the D1 waiver allows that.
        without_fever = sum(
            1
            for index in episode.assessments
            if graded[index].waiver
            and graded[index].result.grade_min >= 1
            and graded[index].result.finding("fever").grade_max == 0
        )
        lines.append(
            EpisodeLine(
                patient_id=result.patient_id,
                scale=episode.scale,
                number=episode.number,
                established=episode.established,
                onset_day=episode.onset_day,
                max_grade=_span(episode.max_grade_min, episode.max_grade_max),
                max_grade_day=episode.max_grade_day,
                resolution_day=episode.resolution_day,
                duration_days=episode.duration_days,
                without_fever=without_fever,
                notes=episode.notes,
            )
        )
    return lines


def build_report(
    course_results: Iterable[CourseResult],
    *,
    title: str = "Cohort report",
    notice: str | None = None,
) -> CohortReport:
    """Build the cohort report from graded courses.

    Args:
        course_results: graded courses, one per patient (from
            :func:`~astct_grading.course.grade_course`).
        title: the report's title.
        notice: a notice printed first, e.g. that the data are illustrative.

    Returns:
        A frozen :class:`CohortReport`.

    Example:
        >>> from astct_grading.course import grade_course
        >>> fever = {"temperature": {"value": 38.5, "unit": "C"}, "hypotension": False,
        ...          "oxygen": {"device": "room_air"}}
        >>> results = [grade_course({
        ...     "patient_id": "P1", "infusion_at": "2024-03-04T10:00:00Z",
        ...     "crs_assessments": [{"at": "2024-03-05T10:00:00Z", "assessment": fever}],
        ... })]
        >>> report = build_report(results)
        >>> report.crs.any_grade.n, report.crs.by_grade[1].n, report.icans.by_grade[-1].n
        (1, 1, 1)
    """
    results = list(course_results)
    total = len(results)
    products: dict[str, int] = {}
    for r in results:
        key = r.product or "unspecified"
        products[key] = products.get(key, 0) + 1
    therapies: dict[str, int] = {}
    for r in results:
        for therapy in r.summary.treatments:
            therapies[therapy] = therapies.get(therapy, 0) + 1
    died = sum(1 for r in results if r.summary.died)
    sledai, responses = _sledai(results)
    return CohortReport(
        title=title,
        notice=notice,
        patients=total,
        products=tuple(products.items()),
        resolution_hours=tuple(sorted({r.resolution_hours for r in results})),
        crs=_grade_table("CRS", [r.summary.crs for r in results]),
        icans=_grade_table("ICANS", [r.summary.icans for r in results]),
        treatments=tuple(
            CountRow(name, n, _percent(n, total)) for name, n in sorted(therapies.items())
        ),
        deaths=CountRow("Died", died, _percent(died, total)),
        sledai=sledai,
        responses=responses,
        listing=tuple(_line(r) for r in results),
        episodes=tuple(line for r in results for line in _episodes(r)),
    )
