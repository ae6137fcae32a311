"""The steps every SLE response definition shares: criterion results and the definition's result.

A criterion over a SLEDAI-2K total is met, not met or open over the total's range; when open, the
inputs that matter are those of the open descriptors whose points can change the answer, found by
the core engine's :func:`astct_grading.core.bounds.sum_matters` (D13). A yes/no or a dose
criterion is open only when its input is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

from astct_grading.core.bounds import sum_matters
from astct_grading.core.criterion import Criterion
from astct_grading.core.validation import describe, quantize
from astct_grading.sle.outcomes import CriterionResult, Outcome, ResponseResult, combine
from astct_grading.sle.results import Sledai2kResult, SledaiItem

__all__ = [
    "Term",
    "at_most",
    "by_key",
    "criterion",
    "finish",
    "flags",
    "in_order",
    "items",
    "matters",
    "open_terms",
    "span",
    "tri",
]

#: One open descriptor as a term of a sum: its signed weight and the inputs it needs.
Term = tuple[int, tuple[str, ...]]


def items(result: Sledai2kResult) -> list[SledaiItem]:
    """The scored descriptors of a SLEDAI-2K result.

    Example:
        >>> from astct_grading.sle import score_sledai2k
        >>> len(items(score_sledai2k({})))
        24
    """
    return [item for item in result.items if isinstance(item, SledaiItem)]


def open_terms(result: Sledai2kResult, prefix: str, sign: int = 1) -> list[Term]:
    """The open descriptors of a result as terms of a sum, their inputs named with ``prefix``.

    Example:
        >>> from astct_grading.sle import score_sledai2k
        >>> open_terms(score_sledai2k({"rash": None, "seizure": False}), "visit.")[:1]
        [(8, ('visit.psychosis',))]
    """
    return [
        (sign * (item.points_max - item.points_min), tuple(f"{prefix}{f}" for f in item.missing))
        for item in items(result)
        if item.points_min != item.points_max
    ]


def matters(fixed: int, terms: Sequence[Term], holds: Callable[[int], bool]) -> tuple[str, ...]:
    """The inputs of the open terms that can change ``holds(total)`` (D13), each named once.

    ``total`` is ``fixed`` plus any subset of the term weights; which terms matter is the core
    engine's answer (:func:`astct_grading.core.bounds.sum_matters`).

    Example:
        >>> matters(4, [(1, ("a",)), (-8, ("b",))], lambda total: total >= 4)
        ('b',)
    """
    weights = [weight for weight, _ in terms]
    return tuple(
        dict.fromkeys(name for i in sum_matters(fixed, weights, holds) for name in terms[i][1])
    )


def tri(low_holds: bool, high_holds: bool) -> Outcome:
    """Met when it holds at both ends of a range, not met at neither, else cannot tell.

    Example:
        >>> tri(True, False).value
        'cannot_tell'
    """
    if low_holds and high_holds:
        return Outcome.MET
    if not low_holds and not high_holds:
        return Outcome.NOT_MET
    return Outcome.CANNOT_TELL


def by_key(criteria: Iterable[Criterion]) -> Mapping[str, Criterion]:
    """A definition's criteria by key.

    Example:
        >>> from astct_grading.criteria.sledai2k import LLDAS_CRITERIA
        >>> by_key(LLDAS_CRITERIA)["sledai_at_most_4"].rule
        'SLEDAI-2K ≤ 4'
    """
    return {c.key: c for c in criteria}


#: An outcome in words, for the explanations.
_WORDS: Mapping[Outcome, str] = {outcome: outcome.value.replace("_", " ") for outcome in Outcome}


def criterion(
    table: Mapping[str, Criterion],
    key: str,
    outcome: Outcome,
    detail: str,
    missing: Sequence[str] = (),
) -> CriterionResult:
    """One criterion's result: its rule and source from the table, the detail with the outcome.

    Example:
        >>> from astct_grading.criteria.sledai2k import LLDAS_CRITERIA
        >>> criterion(by_key(LLDAS_CRITERIA), "no_new_activity", Outcome.MET, "none").detail
        'none: met'
    """
    rule = table[key]
    return CriterionResult(
        key,
        outcome,
        rule.rule,
        f"{detail}: {_WORDS[outcome]}",
        rule.source,
        tuple(missing) if outcome is Outcome.CANNOT_TELL else (),
    )


def span(low: float, high: float) -> str:
    """A value, or a range of values, as the explanations show it.

    Example:
        >>> span(3, 3), span(-1, 2.5)
        ('3', '-1 to 2.5')
    """
    return describe(low) if low == high else f"{describe(low)} to {describe(high)}"


def _flag(
    table: Mapping[str, Criterion],
    key: str,
    value: bool | None,
    field: str,
    words: tuple[str, str],
) -> CriterionResult:
    """A criterion met when an input is False (``words``: when True, when False)."""
    if value is None:
        return criterion(table, key, Outcome.CANNOT_TELL, f"{field} not given", (field,))
    outcome = Outcome.NOT_MET if value else Outcome.MET
    return criterion(table, key, outcome, words[0] if value else words[1])


def at_most(
    table: Mapping[str, Criterion],
    key: str,
    value: float | None,
    field: str,
    bound: float,
    *,
    strict: bool,
    label: str,
    unit: str = "",
) -> CriterionResult:
    """A criterion met when an input is below (strict) or at most (not strict) a bound (D14).

    Example:
        >>> from astct_grading.criteria.sledai2k import LLDAS_CRITERIA
        >>> at_most(by_key(LLDAS_CRITERIA), "pga_at_most_1", 1.004, "pga", 1.0, strict=False,
        ...         label="PGA").detail
        'PGA 1.004 (≤ 1 needed): met'
    """
    relation = "<" if strict else "≤"
    if value is None:
        return criterion(table, key, Outcome.CANNOT_TELL, f"{label} not given", (field,))
    measured = quantize(value)  # compared at 0.01 (D14)
    holds = measured < bound if strict else measured <= bound
    return criterion(
        table,
        key,
        Outcome.MET if holds else Outcome.NOT_MET,
        f"{label} {describe(value)}{unit} ({relation} {describe(bound)}{unit} needed)",
    )


@lru_cache(maxsize=256)
def in_order(decisions: frozenset[str]) -> tuple[str, ...]:
    """Decision ids (decisions.md) in numeric order; there are few distinct sets, so cached.

    Example:
        >>> in_order(frozenset({"D19", "D13", "D9"}))
        ('D9', 'D13', 'D19')
    """
    return tuple(sorted(decisions, key=lambda d: int(d[1:])))


def finish(
    definition: str,
    criteria: tuple[CriterionResult, ...],
    scores: tuple[Sledai2kResult, ...],
    version: str,
    extra_decisions: Iterable[str] = (),
) -> ResponseResult:
    """A definition's result from its criteria: all required, the missing inputs of the open ones.

    Example:
        >>> from astct_grading.criteria.sledai2k import LLDAS_CRITERIA
        >>> met = criterion(by_key(LLDAS_CRITERIA), "no_new_activity", Outcome.MET, "none")
        >>> finish("LLDAS", (met,), (), "LLDAS-2016").explanation
        'LLDAS met: none: met.'
    """
    outcome = combine([c.outcome for c in criteria])
    missing: tuple[str, ...] = ()
    applied = {d for score in scores for d in score.decisions}
    applied.update(("D19", *extra_decisions))
    if outcome is Outcome.CANNOT_TELL:
        missing = tuple(dict.fromkeys(f for c in criteria for f in c.missing))
        applied.add("D13")
    explanation = f"{definition} {_WORDS[outcome]}: " + "; ".join([c.detail for c in criteria])
    if missing:
        explanation += "; open until given: " + ", ".join(missing)
    return ResponseResult(
        definition,
        outcome,
        criteria,
        scores,
        missing,
        in_order(frozenset(applied)),
        version,
        explanation + ".",
    )


def flags(
    table: Mapping[str, Criterion],
    key: str,
    field: str,
    words: tuple[str, str],
    *,
    inverted: bool = False,
) -> Mapping[bool | None, CriterionResult]:
    """A yes/no criterion for each value its input can take (None, True, False), built once.

    ``inverted``: the criterion is met when the input is True (e.g. therapy at a stable dose).

    Example:
        >>> from astct_grading.criteria.sledai2k import LLDAS_CRITERIA
        >>> table = flags(by_key(LLDAS_CRITERIA), "no_new_activity", "new_activity",
        ...               ("new lupus activity", "no new lupus activity"))
        >>> table[None].missing, table[False].detail
        (('new_activity',), 'no new lupus activity: met')
    """
    return {
        value: _flag(
            table, key, None if value is None else (not value if inverted else value), field, words
        )
        for value in (None, True, False)
    }
