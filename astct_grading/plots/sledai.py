"""The SLEDAI-2K figure's data: one line per patient over the visits, responses marked.

Plain data, built without any plotting library (tests/plots/test_sledai_figure.py), drawn by
:mod:`~astct_grading.plots.render` as one panel per patient.

* **Points.** One per visit of the course's trajectory (baseline first), at its day from the
  infusion. A determined score is a point; a score that is a range (an unknown descriptor, D13) is
  drawn as the range, hatched, never as a point. The line joins consecutive determined scores
  only: it is broken at a range rather than drawn through a value nobody knows.
* **Responses.** At each follow-up visit, SRI-4, DORIS 2021 remission and LLDAS (D19): met (a
  filled circle), not met (an open circle) or cannot tell (a question mark: a missing input could
  change it, D13).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from astct_grading.course.results import CourseResult
from astct_grading.course.trajectory import RESPONSE_DEFINITIONS
from astct_grading.sle.response import Outcome

__all__ = [
    "OUTCOME_MARKS",
    "ResponseMark",
    "SledaiLine",
    "SledaiPlot",
    "VisitPoint",
    "sledai_plot",
]

#: Outcome -> (mark drawn, words): each outcome has its own shape, so it reads without colour.
OUTCOME_MARKS: dict[str, tuple[str, str]] = {
    Outcome.MET.value: ("filled circle", "met"),
    Outcome.NOT_MET.value: ("open circle", "not met"),
    Outcome.CANNOT_TELL.value: ("question mark", "cannot tell"),
}


@dataclass(frozen=True, slots=True)
class ResponseMark:
    """One response definition at one follow-up visit.

    Attributes:
        definition: ``SRI-4``, ``DORIS remission`` or ``LLDAS``.
        outcome: ``met``, ``not_met`` or ``cannot_tell``.
    """

    definition: str
    outcome: str

    @property
    def description(self) -> str:
        """The mark in words, e.g. ``SRI-4 met``."""
        return f"{self.definition} {OUTCOME_MARKS[self.outcome][1]}"


@dataclass(frozen=True, slots=True)
class VisitPoint:
    """One visit of a patient's line.

    Attributes:
        label: the visit label (``baseline``, ``month 1``...).
        day: days from the infusion date (day 0 = infusion day).
        score: the SLEDAI-2K score when determined, else None.
        score_min: the lowest the score can be.
        score_max: the highest the score can be.
        responses: the response definitions at this visit (none at baseline), in report order.
    """

    label: str
    day: int
    score: int | None
    score_min: int
    score_max: int
    responses: tuple[ResponseMark, ...]

    @property
    def is_range(self) -> bool:
        """True when the score is undetermined: drawn as a range, never as a point."""
        return self.score is None

    @property
    def score_text(self) -> str:
        """The score as text: ``6`` or ``2-6``."""
        if self.score is not None:
            return str(self.score)
        return f"{self.score_min}-{self.score_max}"


@dataclass(frozen=True, slots=True)
class SledaiLine:
    """One patient's SLEDAI-2K line.

    Attributes:
        patient_id: the patient's identifier.
        product: the product or target label, if given.
        points: the visits, baseline first.
    """

    patient_id: str
    product: str | None
    points: tuple[VisitPoint, ...]

    @property
    def segments(self) -> tuple[tuple[VisitPoint, VisitPoint], ...]:
        """The line's pieces: consecutive visits whose scores are both determined."""
        pairs = zip(self.points, self.points[1:], strict=False)
        return tuple((a, b) for a, b in pairs if not a.is_range and not b.is_range)


@dataclass(frozen=True, slots=True)
class SledaiPlot:
    """The SLEDAI-2K figure: one line per patient with visits.

    Attributes:
        lines: one per patient with at least one visit, in the cohort's order.
        without_visits: the patients with no SLEDAI-2K visit (named under the figure, not drawn).
        score_max: the top of the score axis (the highest score or range end, at least 4).
        definitions: the response definitions, in report order.
    """

    lines: tuple[SledaiLine, ...]
    without_visits: tuple[str, ...]
    score_max: int
    definitions: tuple[str, ...] = RESPONSE_DEFINITIONS

    @property
    def point_count(self) -> int:
        """The number of visits over all lines."""
        return sum(len(line.points) for line in self.lines)


def _line(result: CourseResult) -> SledaiLine:
    points = tuple(
        VisitPoint(
            label=p.label,
            day=p.day,
            score=p.score.score,
            score_min=p.score.score_min,
            score_max=p.score.score_max,
            responses=tuple(
                ResponseMark(name, response.outcome.value) for name, response in p.responses.items()
            ),
        )
        for p in result.sledai
    )
    return SledaiLine(result.patient_id, result.product, points)


def sledai_plot(results: Sequence[CourseResult]) -> SledaiPlot:
    """The SLEDAI-2K figure of graded courses.

    Args:
        results: graded courses (:func:`~astct_grading.course.grade_course`).

    Returns:
        One line per patient with visits; the patients without any are listed, not dropped.

    Example:
        >>> from astct_grading.course import grade_course
        >>> from astct_grading.report import load_demo_cohort
        >>> plot = sledai_plot([grade_course(c) for c in load_demo_cohort()])
        >>> line = plot.lines[4]
        >>> line.patient_id, [p.score_text for p in line.points]
        ('DEMO-05', ['10', '4', '2-6', '0'])
        >>> [m.description for m in line.points[2].responses]
        ['SRI-4 met', 'DORIS remission cannot tell', 'LLDAS cannot tell']
    """
    lines = tuple(_line(r) for r in results if r.sledai)
    tops = [p.score_max for line in lines for p in line.points]
    return SledaiPlot(
        lines=lines,
        without_visits=tuple(r.patient_id for r in results if not r.sledai),
        score_max=max([4, *tops]),
    )
