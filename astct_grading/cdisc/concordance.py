"""Derived versus reported grades: per event, per subject, and their agreement.

Each CRS or ICANS adverse event (AE) is compared with the grade the recorded data support over the
event's window (AESTDTC to AEENDTC, widened to the whole of any partial date): the maximum of the
derived grades of the assessments inside it. Each subject's maximum reported grade (0 when no
event was reported) is compared with the maximum derived over the course.

Agreement is measured on the pairs whose derived grade is determined (a range is listed, never
guessed to a point): the confusion table, exact agreement, and Cohen's weighted kappa with linear
and quadratic weights (Cohen, Psychol Bull 1968;70:213-220) and its large-sample standard error
(Fleiss, Cohen & Everitt, Psychol Bull 1969;72:323-327), with a 95 % Wald interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import NormalDist
from typing import Any, Literal

from astct_grading.cdisc.derive import ReportedEvent, StudyDerivation, SubjectDerivation
from astct_grading.course import Course, CourseResult

__all__ = [
    "GRADES",
    "Comparison",
    "Concordance",
    "Kappa",
    "compare_events",
    "compare_subjects",
    "concordance",
    "weighted_kappa",
]

#: The grade categories compared: 0 (none) to 5 (death), ASTCT 2019.
GRADES = (0, 1, 2, 3, 4, 5)

#: Which SDTM input each grading domain reads (the drivers of a result name these domains).
_DRIVER_INPUTS = {
    "fever": ("temperature",),
    "hypotension": ("systolic_bp_mmhg", "vasopressors"),
    "hypoxia": ("oxygen",),
    "ice": ("ice",),
    "capd": ("capd",),
    "encephalopathy": ("ice", "capd"),
    "consciousness": ("consciousness",),
    "seizure": ("seizure",),
    "motor": ("motor",),
    "icp": ("icp",),
}


@dataclass(frozen=True, slots=True)
class Kappa:
    """A weighted kappa with its standard error and 95 % confidence interval.

    Attributes:
        weights: ``linear`` or ``quadratic``.
        kappa: the estimate, or None when undefined (all pairs in one category).
        se: the large-sample standard error (Fleiss, Cohen & Everitt 1969).
        lower: lower 95 % bound (kappa - 1.96 se, at least -1).
        upper: upper 95 % bound (kappa + 1.96 se, at most 1).
    """

    weights: str
    kappa: float | None
    se: float | None
    lower: float | None
    upper: float | None


def weighted_kappa(
    table: Sequence[Sequence[int]], weights: Literal["linear", "quadratic"]
) -> Kappa:
    """Cohen's weighted kappa of a square confusion table, with its 95 % interval.

    Weights ``w_ij = 1 - |i - j| / (k - 1)`` (linear) or ``1 - (i - j)^2 / (k - 1)^2``
    (quadratic). The variance is the large-sample one of Fleiss, Cohen & Everitt (1969, eq. 13):
    ``[sum_ij p_ij (w_ij - (wbar_i. + wbar_.j)(1 - k_w))^2 - (k_w - p_e (1 - k_w))^2] /
    (n (1 - p_e)^2)``, with ``wbar_i. = sum_j p_.j w_ij`` and ``wbar_.j = sum_i p_i. w_ij``.

    Args:
        table: counts, rows one rater (derived), columns the other (reported).
        weights: ``linear`` or ``quadratic``.

    Returns:
        The kappa; its fields are None when it is undefined (no pairs, or chance agreement 1).

    Example:
        >>> round(weighted_kappa([[20, 5], [10, 15]], "linear").kappa, 3)
        0.4
    """
    k = len(table)
    n = sum(sum(row) for row in table)
    if n == 0 or k < 2:
        return Kappa(weights, None, None, None, None)
    p = [[cell / n for cell in row] for row in table]
    rows = [sum(row) for row in p]
    cols = [sum(p[i][j] for i in range(k)) for j in range(k)]

    def weight(i: int, j: int) -> float:
        distance = abs(i - j) / (k - 1)
        return 1 - (distance if weights == "linear" else distance**2)

    w = [[weight(i, j) for j in range(k)] for i in range(k)]
    observed = sum(w[i][j] * p[i][j] for i in range(k) for j in range(k))
    expected = sum(w[i][j] * rows[i] * cols[j] for i in range(k) for j in range(k))
    if math.isclose(expected, 1.0):
        return Kappa(weights, None, None, None, None)
    kappa = (observed - expected) / (1 - expected)
    row_mean = [sum(cols[j] * w[i][j] for j in range(k)) for i in range(k)]
    col_mean = [sum(rows[i] * w[i][j] for i in range(k)) for j in range(k)]
    total = sum(
        p[i][j] * (w[i][j] - (row_mean[i] + col_mean[j]) * (1 - kappa)) ** 2
        for i in range(k)
        for j in range(k)
    )
    variance = (total - (kappa - expected * (1 - kappa)) ** 2) / (n * (1 - expected) ** 2)
    se = math.sqrt(max(variance, 0.0))
    z = NormalDist().inv_cdf(0.975)
    # The Wald interval is cut to kappa's range, [-1, 1].
    return Kappa(weights, kappa, se, max(-1.0, kappa - z * se), min(1.0, kappa + z * se))


@dataclass(frozen=True, slots=True)
class Comparison:
    """One derived-versus-reported pair (an event, or a subject on one scale).

    Attributes:
        usubjid: the subject.
        scale: ``CRS`` or ``ICANS``.
        aeseq: the event's AESEQ (None for a subject-level pair).
        term: AEDECOD (None for a subject-level pair).
        reported: the investigator's grade (AETOXGR; 0 for a subject with no event), or None.
        derived: the derived grade when determined, else None.
        derived_min: the lowest grade the data allow.
        derived_max: the highest.
        status: ``agree``, ``discordant``, ``range_contains`` (the derived range contains the
            reported grade), ``not_comparable`` (no reported grade, or no assessment in the
            window).
        driver: the SDTM domains that drove the derived maximum (e.g. ``VS``, ``XO``).
        missing: the inputs whose absence leaves the derived grade open.
        reason: one sentence on why the pair is discordant or not comparable.
    """

    usubjid: str
    scale: str
    aeseq: str | None
    term: str | None
    reported: int | None
    derived: int | None
    derived_min: int | None
    derived_max: int | None
    status: str
    driver: str
    missing: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """The pair as a JSON-compatible object."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class _Graded:
    """A subject whose course could be built and graded: only those are compared."""

    subject: SubjectDerivation
    course: Course
    result: CourseResult


def _graded_subjects(study: StudyDerivation) -> Iterator[_Graded]:
    for subject in study.subjects:
        if subject.course is not None and subject.result is not None:
            yield _Graded(subject, subject.course, subject.result)


def _grades(graded: _Graded, scale: str) -> tuple[Any, ...]:
    return graded.result.crs if scale == "CRS" else graded.result.icans


def _sources(subject: SubjectDerivation, scale: str) -> tuple[Any, ...]:
    return subject.crs_sources if scale == "CRS" else subject.icans_sources


def _driver(subject: _Graded, scale: str, index: int | None) -> str:
    if index is None:
        return ""
    graded = _grades(subject, scale)[index]
    sources = dict(_sources(subject.subject, scale)[index])
    # An empty vasopressor list drives nothing: the pressure (VS) decided.
    if scale == "CRS" and not subject.course.crs_assessments[index].assessment.vasopressors:
        sources.pop("vasopressors", None)
    domains = {
        sources[name]
        for driver in graded.result.drivers
        for name in _DRIVER_INPUTS.get(driver, ())
        if name in sources
    }
    return "/".join(sorted(domains))


def _window_max(
    subject: _Graded, scale: str, start: datetime | None, end: datetime | None
) -> tuple[int | None, int | None, int | None, tuple[str, ...]]:
    """(min, max, index driving the minimum, missing) over the assessments in the window."""
    lo = hi = None
    index = None
    missing: dict[str, None] = {}
    for position, graded in enumerate(_grades(subject, scale)):
        if (start is not None and graded.at < start) or (end is not None and graded.at > end):
            continue
        result = graded.result
        if lo is None or result.grade_min > lo:
            lo, index = result.grade_min, position
        hi = result.grade_max if hi is None else max(hi, result.grade_max)
        missing.update(dict.fromkeys(result.missing))
    return lo, hi, index, tuple(missing)


def _compare(
    graded: _Graded,
    scale: str,
    event: ReportedEvent | None,
    bounds: tuple[int | None, int | None, int | None, tuple[str, ...]],
    reported: int | None,
) -> Comparison:
    lo, hi, index, missing = bounds
    derived = lo if lo is not None and lo == hi else None
    driver = _driver(graded, scale, index)
    if reported is None:
        status, reason = "not_comparable", "no reported grade (AETOXGR missing or not 1-5)"
    elif lo is None or hi is None:
        status, reason = "not_comparable", "no assessment in the event's window"
    elif derived is not None:
        status = "agree" if derived == reported else "discordant"
        reason = (
            ""
            if derived == reported
            else f"reported {reported}, the data support {derived} (driven by {driver or 'none'})"
        )
    elif lo <= reported <= hi:
        status = "range_contains"
        reason = f"the data allow {lo}-{hi}; missing: {', '.join(missing) or '-'}"
    else:
        status = "discordant"
        reason = (
            f"reported {reported}, the data allow {lo}-{hi} only; missing: "
            f"{', '.join(missing) or '-'}"
        )
    return Comparison(
        graded.subject.usubjid,
        scale,
        None if event is None else event.seq,
        None if event is None else event.term,
        reported,
        derived,
        lo,
        hi,
        status,
        driver,
        missing,
        reason,
    )


def compare_events(study: StudyDerivation) -> list[Comparison]:
    """Each reported CRS and ICANS event against the grade the data support in its window.

    Args:
        study: the derivation.

    Returns:
        One comparison per event of a subject whose course could be built.
    """
    pairs = []
    for subject in _graded_subjects(study):
        for event in subject.subject.events:
            start = event.start.earliest if event.start is not None else None
            end = event.end.latest if event.end is not None else None
            bounds = _window_max(subject, event.scale, start, end)
            bounds = _with_death(subject, event, bounds, (start, end))
            pairs.append(_compare(subject, event.scale, event, bounds, event.grade))
    return pairs


def _with_death(
    subject: _Graded,
    event: ReportedEvent,
    bounds: tuple[int | None, int | None, int | None, tuple[str, ...]],
    window: tuple[datetime | None, datetime | None],
) -> tuple[int | None, int | None, int | None, tuple[str, ...]]:
    """A death inside the event's window attributed to its scale makes it grade 5 (D6)."""
    death = subject.course.death
    start, end = window
    if (
        death is None
        or (start is not None and death.at < start)
        or (end is not None and death.at > end)
    ):
        return bounds
    due = death.due_to_crs if event.scale == "CRS" else death.due_to_icans
    lo, _, index, missing = bounds
    if due is True:
        return 5, 5, None, missing
    if due is None:
        return lo, 5, index, (*missing, "death cause")
    return bounds


def compare_subjects(study: StudyDerivation) -> list[Comparison]:
    """Each subject's maximum reported grade (0 when none) against the derived maximum.

    Args:
        study: the derivation.

    Returns:
        Two comparisons (CRS, ICANS) per subject whose course could be built.
    """
    pairs = []
    for subject in _graded_subjects(study):
        for scale in ("CRS", "ICANS"):
            summary = subject.result.summary.crs if scale == "CRS" else subject.result.summary.icans
            grades = [e.grade for e in subject.subject.events if e.scale == scale]
            known = [g for g in grades if g is not None]
            # No event reported is grade 0 reported; an event without a grade leaves it unknown.
            reported = max(known, default=0) if len(known) == len(grades) else None
            bounds = _window_max(subject, scale, None, None)
            lo, hi = summary.max_grade_min, summary.max_grade_max
            bounds = (lo, hi, bounds[2], bounds[3])
            pairs.append(_compare(subject, scale, None, bounds, reported))
    return pairs


@dataclass(frozen=True, slots=True)
class Concordance:
    """Agreement of derived and reported grades over a set of pairs.

    Attributes:
        level: ``event`` or ``subject``.
        scale: ``CRS``, ``ICANS`` or ``all``.
        pairs: every comparison.
        table: the confusion table of the determined pairs, ``table[derived][reported]``
            over :data:`GRADES`.
        compared: the number of determined pairs.
        exact: the proportion of them that agree exactly (None when none).
        linear: weighted kappa, linear weights.
        quadratic: weighted kappa, quadratic weights.
    """

    level: str
    scale: str
    pairs: tuple[Comparison, ...]
    table: tuple[tuple[int, ...], ...]
    compared: int
    exact: float | None
    linear: Kappa
    quadratic: Kappa

    def to_dict(self) -> dict[str, Any]:
        """The concordance as a JSON-compatible object."""
        return {
            "level": self.level,
            "scale": self.scale,
            "grades": list(GRADES),
            "table": [list(row) for row in self.table],
            "compared": self.compared,
            "exact_agreement": self.exact,
            "kappa_linear": _kappa_dict(self.linear),
            "kappa_quadratic": _kappa_dict(self.quadratic),
            "discordant": [p.to_dict() for p in self.pairs if p.status == "discordant"],
            "undetermined": [p.to_dict() for p in self.pairs if p.status == "range_contains"],
            "not_comparable": [p.to_dict() for p in self.pairs if p.status == "not_comparable"],
        }


def _kappa_dict(kappa: Kappa) -> dict[str, float | None]:
    return {"kappa": kappa.kappa, "se": kappa.se, "ci_lower": kappa.lower, "ci_upper": kappa.upper}


def concordance(pairs: Sequence[Comparison], level: str, scale: str = "all") -> Concordance:
    """The agreement over a set of comparisons.

    Args:
        pairs: the comparisons (from :func:`compare_events` or :func:`compare_subjects`).
        level: ``event`` or ``subject``, for the record.
        scale: ``CRS`` or ``ICANS`` to keep one scale, ``all`` for both.

    Returns:
        The confusion table, exact agreement and weighted kappas of the determined pairs.
    """
    kept = tuple(p for p in pairs if scale in {"all", p.scale})
    table = [[0] * len(GRADES) for _ in GRADES]
    for pair in kept:
        if pair.derived is not None and pair.reported is not None:
            table[pair.derived][pair.reported] += 1
    compared = sum(map(sum, table))
    exact = sum(table[g][g] for g in GRADES) / compared if compared else None
    return Concordance(
        level,
        scale,
        kept,
        tuple(tuple(row) for row in table),
        compared,
        exact,
        weighted_kappa(table, "linear"),
        weighted_kappa(table, "quadratic"),
    )
