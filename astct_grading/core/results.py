"""Result types shared by every grading scale.

A result is either *determined* (``grade`` is an int: the same whatever the unknown inputs are) or a
range (``grade`` is None and ``grade_min``/``grade_max`` bound every completion of the unknown
inputs; decisions.md D13). Results are frozen and explain themselves for audit: one finding per
domain, the domains that set the grade, the missing inputs that matter, the decisions applied and
the criteria version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from functools import cache, partial
from typing import Any

from pydantic import TypeAdapter

from astct_grading.core.bounds import GRADE_MAX

__all__ = [
    "Explanation",
    "Finding",
    "GradeResult",
    "ScoreItem",
    "ScoreResult",
    "json_text",
    "plain",
]


@dataclass(frozen=True, slots=True, init=False)
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

    def __init__(
        self,
        domain: str,
        assessed: bool,
        present: bool | None,
        attributed_to_other_cause: bool | None,
        grade_min: int,
        grade_max: int,
        detail: str,
    ) -> None:
        # Each slot is set through its descriptor: a frozen dataclass's generated __init__ goes
        # through object.__setattr__ per field, which costs about half as much again
        # (docs/performance.md); the object is the same.
        _set_domain(self, domain)
        _set_assessed(self, assessed)
        _set_present(self, present)
        _set_attributed(self, attributed_to_other_cause)
        _set_finding_min(self, grade_min)
        _set_finding_max(self, grade_max)
        _set_detail(self, detail)

    @property
    def grade(self) -> int | None:
        """The grade this domain contributes, or None when the unknowns leave it open."""
        return self.grade_min if self.grade_min == self.grade_max else None


@cache
def _how(kind: type) -> tuple[str, ...] | bool:
    """How values of ``kind`` become plain data, kept per type met.

    False: as they are (strings, numbers, None, enums: all immutable); True: a tuple of plain
    items; else a dataclass's field names in declaration order.
    """
    if kind is tuple:  # results hold tuples, never lists or dicts
        return True
    if is_dataclass(kind):
        return tuple(item.name for item in fields(kind))
    return False


def plain(value: Any) -> Any:
    """``value`` as ``dataclasses.asdict`` gives it, without copying what cannot change.

    The one way results become plain data (and, dumped, JSON): dataclasses become dicts field by
    field, tuples are rebuilt with their items made plain, and everything else (strings, numbers,
    enums: all immutable) is returned as it is, where ``asdict`` returns a deep copy that is equal
    to it. tests/properties/test_results.py compares the two on every kind of result.

    Example:
        >>> plain(Finding("fever", True, True, False, 1, 1, "fever (38.5 °C)"))["grade_min"]
        1
    """
    kind: Any = type(value)  # a type: hashable, which typeshed does not say
    how = _how(kind)
    if how is False:
        return value
    if how is True:
        return tuple([plain(item) for item in value])
    return {name: plain(getattr(value, name)) for name in how}


@cache
def _writer(kind: type) -> Callable[[Any], bytes]:
    """The JSON writer of a result type, made on first use.

    pydantic-core writes a result dataclass by its fields five times faster than ``json.dumps``
    over ``plain``.
    """
    # serialize_as_any: an item declared as a ScoreItem may be a SledaiItem, written in full (it
    # costs more; a grade result's findings are always Findings).
    return partial(TypeAdapter(kind).dump_json, serialize_as_any=kind is not GradeResult)


def json_text(value: Any) -> str:
    """``value`` (a result dataclass) as compact UTF-8 JSON: what every ``to_json`` gives.

    The same text as ``json.dumps(plain(value), ensure_ascii=False, separators=(",", ":"))``;
    tests/properties/test_results.py compares the two on every kind of result.

    Example:
        >>> json_text(Finding("fever", True, True, False, 1, 1, "fever"))[:30]
        '{"domain":"fever","assessed":t'
    """
    kind: Any = type(value)  # a type: hashable, which typeshed does not say
    return _writer(kind)(value).decode()


#: The parts of a grade result that explain it, in field order: findings, drivers, missing,
#: decisions, explanation, excluded, instrument. A deferred result computes them on first access.
Explanation = tuple[
    tuple[Finding, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    str,
    tuple[str, ...],
    "str | None",
]


@dataclass(frozen=True, init=False)
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

    A grading function may build a result whose explaining parts (findings to instrument) are
    computed on first access (:meth:`deferred`): the grade and its bounds are set at once, and the
    result reads, compares, hashes, copies and serialises exactly as one built whole.
    """

    __slots__ = (
        "_explain",
        "criteria_version",
        "decisions",
        "drivers",
        "excluded",
        "explanation",
        "findings",
        "grade",
        "grade_max",
        "grade_min",
        "instrument",
        "missing",
        "scale",
    )

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
    excluded: tuple[str, ...]
    instrument: str | None

    def __init__(
        self,
        scale: str,
        grade: int | None,
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
    ) -> None:
        if not 0 <= grade_min <= grade_max <= GRADE_MAX or grade != (
            grade_min if grade_min == grade_max else None
        ):
            raise ValueError(f"inconsistent result: grade={grade} range={grade_min}-{grade_max}")
        # Set through the slot descriptors, as Finding does.
        _set_scale(self, scale)
        _set_grade(self, grade)
        _set_grade_min(self, grade_min)
        _set_grade_max(self, grade_max)
        _set_version(self, criteria_version)
        _set_explaining(
            self, (findings, drivers, missing, decisions, explanation, excluded, instrument)
        )

    @classmethod
    def deferred(
        cls,
        scale: str,
        grade_min: int,
        grade_max: int,
        criteria_version: str,
        explain: Callable[[], Explanation],
    ) -> GradeResult:
        """A result whose explaining parts ``explain()`` computes on first access.

        ``explain`` is called at most once (in one thread; a second thread may call it again and
        gets the same parts) and must return the same parts whenever it is called.

        Example:
            >>> result = GradeResult.deferred(
            ...     "CRS", 1, 1, "ASTCT-2019", lambda: ((), ("fever",), (), (), "fever", (), None)
            ... )
            >>> result.grade, result.drivers
            (1, ('fever',))
        """
        if not 0 <= grade_min <= grade_max <= GRADE_MAX:
            raise ValueError(f"inconsistent result: range={grade_min}-{grade_max}")
        result: GradeResult = _new(cls)
        _set_scale(result, scale)
        _set_grade(result, grade_min if grade_min == grade_max else None)
        _set_grade_min(result, grade_min)
        _set_grade_max(result, grade_max)
        _set_version(result, criteria_version)
        _set_explain(result, explain)
        return result

    def __getattr__(self, name: str) -> Any:
        # Called only for a slot not set yet: an explaining part of a deferred result.
        if name not in _EXPLAINING:
            raise AttributeError(name)
        _set_explaining(self, _get_explain(self)())
        return getattr(self, name)

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _RESULT_SLOTS)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for setter, value in zip(_RESULT_SETTERS, state, strict=True):
            setter(self, value)

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
        """The result as plain JSON-compatible data (what ``dataclasses.asdict`` gives)."""
        return plain(self)  # type: ignore[no-any-return]

    def to_json(self) -> str:
        """The result as a JSON document (UTF-8 text)."""
        return json_text(self)


_FINDING_SLOTS = (
    "domain",
    "assessed",
    "present",
    "attributed_to_other_cause",
    "grade_min",
    "grade_max",
    "detail",
)
(
    _set_domain,
    _set_assessed,
    _set_present,
    _set_attributed,
    _set_finding_min,
    _set_finding_max,
    _set_detail,
) = (Finding.__dict__[name].__set__ for name in _FINDING_SLOTS)
_RESULT_SLOTS = (
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
_RESULT_SETTERS = tuple(GradeResult.__dict__[name].__set__ for name in _RESULT_SLOTS)
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
) = _RESULT_SETTERS
#: The explaining parts, in the order of :data:`Explanation`.
_EXPLAINING = frozenset(
    ("findings", "drivers", "missing", "decisions", "explanation", "excluded", "instrument")
)
_EXPLAINING_SETTERS = (
    _set_findings,
    _set_drivers,
    _set_missing,
    _set_decisions,
    _set_explanation,
    _set_excluded,
    _set_instrument,
)
_set_explain = GradeResult.__dict__["_explain"].__set__
_get_explain = GradeResult.__dict__["_explain"].__get__
_new = object.__new__


def _set_explaining(result: GradeResult, parts: Explanation) -> None:
    for setter, value in zip(_EXPLAINING_SETTERS, parts, strict=True):
        setter(result, value)


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
        """The result as plain JSON-compatible data (what ``dataclasses.asdict`` gives)."""
        return plain(self)  # type: ignore[no-any-return]

    def to_json(self) -> str:
        """The result as a JSON document (UTF-8 text)."""
        return json_text(self)
