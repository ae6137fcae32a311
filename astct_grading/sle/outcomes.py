"""SLE response outcomes: met, not met or cannot tell, per criterion and per definition (D13).

The result types of the response definitions (SRI-4, DORIS 2021 remission, LLDAS): frozen, with
one way to serialise them, ``to_json()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from astct_grading.core.results import json_text, plain
from astct_grading.sle.results import Sledai2kResult

__all__ = ["CriterionResult", "JsonResult", "Outcome", "ResponseResult", "combine"]


class JsonResult:
    """The one serialisation of the SLE result dataclasses: plain data, compact UTF-8 JSON.

    The same form as :meth:`astct_grading.core.results.ScoreResult.to_json`.
    """

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-compatible data."""
        return plain(self)  # type: ignore[no-any-return]

    def to_json(self) -> str:
        """The result as a JSON document (UTF-8 text)."""
        return json_text(self)


class Outcome(str, Enum):
    """The answer of a response definition or of one of its criteria.

    Example:
        >>> Outcome("cannot_tell") is Outcome.CANNOT_TELL
        True
    """

    MET = "met"
    NOT_MET = "not_met"
    CANNOT_TELL = "cannot_tell"


def combine(outcomes: Iterable[Outcome]) -> Outcome:
    """All criteria required: one not met decides; otherwise one open leaves it open.

    Example:
        >>> combine([Outcome.MET, Outcome.CANNOT_TELL]).value
        'cannot_tell'

    Exact (not only sound) here because every criterion is monotone in the same direction of the
    unknowns it shares with another: more activity can only turn met into not met.
    """
    found = set(outcomes)
    if Outcome.NOT_MET in found:
        return Outcome.NOT_MET
    if Outcome.CANNOT_TELL in found:
        return Outcome.CANNOT_TELL
    return Outcome.MET


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """The result of one criterion of a response definition.

    Attributes:
        key: the criterion's stable key (see the criteria tables).
        outcome: met, not met or cannot tell.
        rule: the criterion in one sentence.
        detail: what the inputs gave, for the explanation.
        source: where the criterion is read.
        missing: the inputs whose absence leaves this criterion open.

    Example:
        >>> from astct_grading.sle import assess_sri4
        >>> result = assess_sri4({"baseline": {}, "follow_up": {}, "new_bilag_a": 1})
        >>> result.criterion("no_new_bilag_a").detail
        '1 new BILAG A (none allowed): not met'
    """

    key: str
    outcome: Outcome
    rule: str
    detail: str
    source: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResponseResult(JsonResult):
    """The result of one response definition (SRI-4, DORIS 2021 remission, LLDAS).

    Attributes:
        definition: ``SRI-4``, ``DORIS remission`` or ``LLDAS``.
        outcome: met, not met, or cannot tell (a missing input could change it, D13).
        criteria: one :class:`CriterionResult` per criterion, in the definition's order.
        scores: the SLEDAI-2K results the definition read (baseline first).
        missing: the inputs the undecided criteria still need (empty unless cannot tell).
        decisions: the ids (decisions.md) of the product decisions applied.
        criteria_version: the definition's version.
        explanation: one line a reviewer can read, consistent with the inputs.

    Example:
        >>> from astct_grading.sle import assess_lldas
        >>> result = assess_lldas({"visit": {}, "prednisolone_mg_day": 10})
        >>> result.outcome.value, result.met, result.missing
        ('not_met', False, ())
    """

    definition: str
    outcome: Outcome
    criteria: tuple[CriterionResult, ...]
    scores: tuple[Sledai2kResult, ...]
    missing: tuple[str, ...]
    decisions: tuple[str, ...]
    criteria_version: str
    explanation: str

    def __post_init__(self) -> None:
        if self.outcome is not combine(c.outcome for c in self.criteria):
            raise ValueError(f"inconsistent result: {self.outcome.value} from its criteria")

    @property
    def met(self) -> bool | None:
        """True when met, False when not met, None when a missing input could change it."""
        return None if self.outcome is Outcome.CANNOT_TELL else self.outcome is Outcome.MET

    def criterion(self, key: str) -> CriterionResult:
        """Return the criterion with this key.

        Raises:
            KeyError: when the definition has no such criterion.

        Example:
            >>> from astct_grading.sle import assess_lldas
            >>> assess_lldas({"visit": {}}).criterion("pga_at_most_1").outcome.value
            'cannot_tell'
        """
        for item in self.criteria:
            if item.key == key:
                return item
        raise KeyError(key)
