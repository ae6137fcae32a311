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

__all__ = ["Finding", "GradeResult"]


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
