"""Result types shared by every grading scale.

A result is either *determined* (``grade`` is an int: the same whatever the unknown inputs are) or a
range (``grade`` is None and ``grade_min``/``grade_max`` bound every completion of the unknown
inputs; decisions.md D13). Results are frozen and explain themselves for audit: one finding per
domain, the domains that set the grade, the missing inputs that matter, the decisions applied and
the criteria version.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Finding", "GradeResult", "ScoreItem", "ScoreResult"]


@dataclass(frozen=True, slots=True)
class Finding:
    """What one domain contributed to a grade.

    Attributes:
        domain: the domain's name (``fever``, ``hypotension``, ``hypoxia``, ``death``...).
        assessed: True when every input this domain needs was given.
        present: whether the abnormal finding is present (None when not assessed).
        attributed_to_other_cause: True when recorded as due to another cause (it then does not
            count), None when that is unknown.
        grade_min: the lowest grade this domain can contribute, given the unknowns.
        grade_max: the highest grade this domain can contribute, given the unknowns.
        detail: a short phrase describing the finding, for the explanation.
    """

    domain: str
    assessed: bool
    present: bool | None
    attributed_to_other_cause: bool | None
    grade_min: int
    grade_max: int
    detail: str

    @property
    def grade(self) -> int | None:
        """The grade this domain contributes, or None when the unknowns leave it open."""
        return self.grade_min if self.grade_min == self.grade_max else None


@dataclass(frozen=True, slots=True)
class GradeResult:
    """The grade of one assessment on one scale.

    Attributes:
        scale: ``CRS`` or ``ICANS``.
        grade: the grade 0-5, or None when unknown inputs leave it undetermined.
        grade_min: the lowest grade consistent with the unknown inputs.
        grade_max: the highest grade consistent with the unknown inputs.
        findings: one :class:`Finding` per domain.
        drivers: the domains that set ``grade_min`` (empty when it is 0).
        missing: the input fields whose absence leaves the grade open (empty when determined).
        decisions: the ids (decisions.md) of the product decisions applied.
        criteria_version: the criteria the grade follows, e.g. ``ASTCT-2019``.
        explanation: one line a reviewer can read, consistent with the inputs.
        excluded: findings recorded but excluded from grading by the criteria.
        instrument: the encephalopathy instrument used (ICANS only: ``ICE`` or ``CAPD``).
    """

    scale: str
    grade: int | None
    grade_min: int
    grade_max: int
    findings: tuple[Finding, ...]
    drivers: tuple[str, ...]
    missing: tuple[str, ...]
    decisions: tuple[str, ...]
    criteria_version: str
    explanation: str
    excluded: tuple[str, ...] = ()
    instrument: str | None = None

    def __post_init__(self) -> None:
        expected = self.grade_min if self.grade_min == self.grade_max else None
        if not 0 <= self.grade_min <= self.grade_max <= 5 or self.grade != expected:
            raise ValueError(
                f"inconsistent result: grade={self.grade} range={self.grade_min}-{self.grade_max}"
            )

    @property
    def determined(self) -> bool:
        """True when the grade does not depend on any unknown input."""
        return self.grade is not None

    def finding(self, domain: str) -> Finding:
        """Return the finding for ``domain``.

        Raises:
            KeyError: when the scale has no such domain.
        """
        for item in self.findings:
            if item.domain == domain:
                return item
        raise KeyError(domain)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-compatible data."""
        return asdict(self)

    def to_json(self) -> str:
        """The result as a JSON document (UTF-8 text)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


# --- Building results fast (for the grading functions; not public) ---------------------------

# A Finding and a GradeResult are built by setting their slots directly: the same objects as the
# constructors build, without the frozen dataclass's per-field object.__setattr__ (the
# constructors cost 1.2-1.7 µs each on a slow machine) and, for the result, without re-checking
# that grade, grade_min and grade_max agree: the callers build them so that they do.
# tests/test_icans_fastpath.py and tests/test_crs_fastpath.py check the field lists and rebuild
# results with the constructors.
_FINDING_FIELDS = (
    "domain",
    "assessed",
    "present",
    "attributed_to_other_cause",
    "grade_min",
    "grade_max",
    "detail",
)
_RESULT_FIELDS = (
    "scale",
    "grade",
    "grade_min",
    "grade_max",
    "findings",
    "drivers",
    "missing",
    "decisions",
    "criteria_version",
    "explanation",
    "excluded",
    "instrument",
)
_new = object.__new__
(
    _set_domain,
    _set_assessed,
    _set_present,
    _set_attributed,
    _set_finding_min,
    _set_finding_max,
    _set_detail,
) = (Finding.__dict__[name].__set__ for name in _FINDING_FIELDS)
(
    _set_scale,
    _set_grade,
    _set_grade_min,
    _set_grade_max,
    _set_findings,
    _set_drivers,
    _set_missing,
    _set_decisions,
    _set_version,
    _set_explanation,
    _set_excluded,
    _set_instrument,
) = (GradeResult.__dict__[name].__set__ for name in _RESULT_FIELDS)


def _new_finding(
    domain: str,
    assessed: bool,
    present: bool | None,
    attributed_to_other_cause: bool | None,
    grade_min: int,
    grade_max: int,
    detail: str,
) -> Finding:
    """``Finding(...)``, built by setting its slots."""
    finding: Finding = _new(Finding)
    _set_domain(finding, domain)
    _set_assessed(finding, assessed)
    _set_present(finding, present)
    _set_attributed(finding, attributed_to_other_cause)
    _set_finding_min(finding, grade_min)
    _set_finding_max(finding, grade_max)
    _set_detail(finding, detail)
    return finding


def _new_grade_result(
    scale: str,
    grade_min: int,
    grade_max: int,
    findings: tuple[Finding, ...],
    drivers: tuple[str, ...],
    missing: tuple[str, ...],
    decisions: tuple[str, ...],
    criteria_version: str,
    explanation: str,
    excluded: tuple[str, ...] = (),
    instrument: str | None = None,
) -> GradeResult:
    """``GradeResult(...)``, built by setting its slots.

    The grade is ``grade_min`` when the bounds meet, else None; the caller guarantees
    ``0 <= grade_min <= grade_max <= 5``.
    """
    result: GradeResult = _new(GradeResult)
    _set_scale(result, scale)
    _set_grade(result, grade_min if grade_min == grade_max else None)
    _set_grade_min(result, grade_min)
    _set_grade_max(result, grade_max)
    _set_findings(result, findings)
    _set_drivers(result, drivers)
    _set_missing(result, missing)
    _set_decisions(result, decisions)
    _set_version(result, criteria_version)
    _set_explanation(result, explanation)
    _set_excluded(result, excluded)
    _set_instrument(result, instrument)
    return result


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """One item of a score (an ICE or CAPD item, a SLEDAI-2K descriptor).

    Attributes:
        name: the item's stable name.
        points_min: the fewest points the item can add, given the unknowns.
        points_max: the most points the item can add, given the unknowns.
        detail: a short phrase saying how the item was scored (e.g. from a raw value).
    """

    name: str
    points_min: int
    points_max: int
    detail: str

    @property
    def points(self) -> int | None:
        """The points the item adds, or None when the unknowns leave it open."""
        return self.points_min if self.points_min == self.points_max else None


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The total of one instrument or index (ICE, CAPD, SLEDAI-2K).

    Attributes:
        scale: the instrument, e.g. ``ICE``, ``CAPD``, ``SLEDAI-2K``.
        score: the total, or None when unknown items leave it undetermined (D13).
        score_min: the lowest total consistent with the unknown items.
        score_max: the highest total consistent with the unknown items.
        items: one :class:`ScoreItem` per item, in the instrument's order.
        missing: the items (input fields) whose absence leaves the total open.
        decisions: the ids (decisions.md) of the product decisions applied.
        criteria_version: the version of the instrument's definition.
        explanation: one line a reviewer can read, consistent with the inputs.
    """

    scale: str
    score: int | None
    score_min: int
    score_max: int
    items: tuple[ScoreItem, ...]
    missing: tuple[str, ...]
    decisions: tuple[str, ...]
    criteria_version: str
    explanation: str

    def __post_init__(self) -> None:
        expected = self.score_min if self.score_min == self.score_max else None
        if not 0 <= self.score_min <= self.score_max or self.score != expected:
            raise ValueError(
                f"inconsistent result: score={self.score} range={self.score_min}-{self.score_max}"
            )

    @property
    def determined(self) -> bool:
        """True when the total does not depend on any unknown item."""
        return self.score is not None

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-compatible data."""
        return asdict(self)

    def to_json(self) -> str:
        """The result as a JSON document (UTF-8 text)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
