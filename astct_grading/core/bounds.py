"""The one engine for grades and scores with unknown inputs (decisions.md D13).

A missing input is never taken as normal: a result either holds for every value the unknown inputs
could take, or gives the exact range over them and names the unknown inputs that could change it.
Every scale is described to this engine in the same way:

* an *input* is one unknown-or-known quantity of the record, given as the tuple of values it can
  still take (:data:`Values`): one value when known, all of its feasible values when not;
* a *domain* is a small pure function (a *rule*) of a few inputs no other domain reads, returning
  the domain's grade at one combination of their values, or None for a combination the record
  rules out (a contradiction the validators would reject);
* the grade is the *worst* (highest) domain grade, or the death grade when death is due to the
  toxicity (decisions.md D6).

:func:`domain` enumerates a rule over its inputs once and keeps, for each *floor* (the grade the
other domains reach anyway), the inputs that can still change the grade (:data:`Matters`);
:func:`worst` combines the domains: the bounds are the worst of the lowest and of the highest
domain grades (exact, because domains share no inputs), and an input matters when it matters to
its domain above the floor the other domains set.

Scores that are *sums* (SLEDAI-2K and the response definitions built on its totals) use
:func:`sum_matters`: which open terms of a sum can change a yes/no answer about the total.

:func:`exhaustive` is the definition all of this must agree with: it tries every combination of
every input. Tests compare it with :func:`domain` and :func:`worst` on whole scales
(tests/properties/test_bounds_engine.py); it is too slow to grade with.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from itertools import product
from typing import NamedTuple, TypeVar

__all__ = [
    "GRADE_MAX",
    "NOTHING_OPEN",
    "Domain",
    "Level",
    "Matters",
    "Values",
    "domain",
    "exhaustive",
    "known",
    "matters_by_floor",
    "open_inputs",
    "points",
    "span",
    "sum_matters",
    "worst",
]

#: The highest grade of the ASTCT scales (death due to the toxicity, D6).
GRADE_MAX = 5

#: A range of grades or points: (lowest possible, highest possible).
Level = tuple[int, int]
#: The values one input can take: one value when the input is known.
Values = tuple[Hashable, ...]
#: For each floor 0 to GRADE_MAX, the positions of a domain's inputs that can change the grade.
Matters = tuple[tuple[int, ...], ...]
#: Nothing open: no input matters whatever the floor.
NOTHING_OPEN: Matters = ((),) * (GRADE_MAX + 1)

_T = TypeVar("_T")


class Domain(NamedTuple):
    """One domain, read once per pattern of its inputs' values.

    Attributes:
        span: the domain's lowest and highest grade over its inputs' values.
        present: whether its finding is present, as a 0/1 range (``(0, 1)``: not known).
        matters: by floor, the positions of its inputs that can change the grade.
    """

    span: Level
    present: Level
    matters: Matters


def known(grade: int, present: bool) -> Domain:
    """The domain when every input is known: one grade, nothing open.

    Example:
        >>> known(3, True)
        Domain(span=(3, 3), present=(1, 1), matters=((), (), (), (), (), ()))
    """
    flag = int(present)
    return Domain((grade, grade), (flag, flag), NOTHING_OPEN)


def points(rule: Callable[..., _T | None], inputs: Sequence[Values]) -> dict[Values, _T]:
    """The rule at every feasible combination of its inputs' values.

    Example:
        >>> points(lambda a, b: None if a and b else a + b, [(0, 1), (0, 1)])
        {(0, 0): 0, (0, 1): 1, (1, 0): 1}
    """
    found: dict[Values, _T] = {}
    for combination in product(*inputs):
        value = rule(*combination)
        if value is not None:
            found[combination] = value
    return found


def span(values: Sequence[int]) -> Level:
    """The lowest and the highest of ``values`` (at least one).

    Example:
        >>> span([2, 0, 3])
        (0, 3)
    """
    if len(values) == 1:
        return values[0], values[0]
    return min(values), max(values)


def open_inputs(
    found: Mapping[Values, int], inputs: Sequence[Values]
) -> list[tuple[int, int, list[Level]]]:
    """(position, top, spans) for each open input (more than one value) of a domain.

    ``top`` is the highest domain grade among the pairs of combinations that differ in that input
    alone and give different grades (-1 when there is no such pair); ``spans`` holds the domain's
    range with the input fixed at each of its feasible values.

    Example:
        >>> open_inputs(points(max, [(0, 2), (1,)]), [(0, 2), (1,)])
        [(0, 2, [(1, 1), (2, 2)])]
    """
    open_ = [index for index, values in enumerate(inputs) if len(values) > 1]
    tops = dict.fromkeys(open_, -1)
    spans: dict[int, dict[Hashable, Level]] = {index: {} for index in open_}
    for combination, value in found.items():
        for index in open_:
            key = combination[index]
            seen = spans[index].get(key)
            spans[index][key] = (
                (value, value) if seen is None else (min(seen[0], value), max(seen[1], value))
            )
            for other in inputs[index]:
                if other == key:
                    continue
                neighbour = found.get((*combination[:index], other, *combination[index + 1 :]))
                if neighbour is not None and neighbour != value:
                    tops[index] = max(tops[index], value, neighbour)
    return [(i, tops[i], list(spans[i].values())) for i in open_]


def matters_by_floor(grades: Level, opened: Sequence[tuple[int, int, list[Level]]]) -> Matters:
    """The open inputs of a domain that can change the grade, for each floor 0 to GRADE_MAX.

    The domains share no inputs, so the other domains can all sit at their lowest at once (the
    floor). An input matters when knowing it could change the domain's range above that floor, or
    when two of its values give the domain different grades, the higher of which is above the
    floor.

    Example:
        >>> inputs = [(0, 2), (1,)]
        >>> matters_by_floor((1, 2), open_inputs(points(max, inputs), inputs))
        ((0,), (0,), (), (), (), ())
    """
    by_floor: list[tuple[int, ...]] = []
    for floor in range(GRADE_MAX + 1):
        seen = (max(grades[0], floor), max(grades[1], floor))
        by_floor.append(
            tuple(
                index
                for index, top, spans in opened
                if top > floor or any((max(lo, floor), max(hi, floor)) != seen for lo, hi in spans)
            )
        )
    return tuple(by_floor)


def domain(
    rule: Callable[..., int | None],
    inputs: Sequence[Values],
    present: Callable[[Values], bool],
) -> Domain:
    """A domain's grades over every feasible combination of its inputs, by enumeration.

    Args:
        rule: the domain's grade at one combination (None: a combination the record rules out).
        inputs: the values each input can take.
        present: whether the domain's finding is present at one combination.

    Example:
        >>> def motor_rule(grade, other):
        ...     return 0 if other else grade
        >>> motor = domain(motor_rule, [(0, 4), (False,)], lambda c: c[0] > 0)
        >>> motor.span, motor.present, motor.matters[0], motor.matters[4]
        ((0, 4), (0, 1), (0,), ())
    """
    found = points(rule, inputs)
    grades = span(list(found.values()))
    return Domain(
        grades,
        span([int(present(combination)) for combination in found]),
        matters_by_floor(grades, open_inputs(found, inputs)),
    )


def worst(domains: Sequence[Domain], death: Values) -> tuple[int, int, list[tuple[int, ...]]]:
    """The grade's bounds, and for each domain the positions of its inputs that can change it.

    The grade is the worst domain grade, or GRADE_MAX when death is due to the toxicity (D6);
    ``death`` holds the values the death input can take (False/True). The bounds are exact:
    domains share no inputs, so all can sit at their lowest, or all at their highest, at once.
    Each domain's floor is the highest of the other domains' lowest grades. The death input
    itself matters whenever it is unknown (grade GRADE_MAX is above any open range's low end).

    Example:
        >>> a = domain(max, [(0, 2), (1,)], lambda c: True)
        >>> b = known(1, True)
        >>> worst([a, b], (False,))
        (1, 2, [(0,), ()])
    """
    lows = [item.span[0] for item in domains]
    low = GRADE_MAX if all(death) else max(lows)
    high = GRADE_MAX if any(death) else max(item.span[1] for item in domains)
    if low == high:
        return low, high, [() for _ in domains]
    matters = []
    for index, item in enumerate(domains):
        floor = max(lows[:index] + lows[index + 1 :], default=0)
        matters.append(item.matters[floor])
    return low, high, matters


#: One open term of a sum: its signed weight (the points it adds when present).
Term = int


def sum_matters(fixed: int, weights: Sequence[Term], holds: Callable[[int], bool]) -> list[int]:
    """The positions of the open terms of a sum that can change ``holds(total)`` (D13).

    ``total`` is ``fixed`` plus the weights of any subset of the open terms. A term matters when
    some subset of the other terms gives a total at which adding it changes the answer. The
    reachable totals are kept as a bit set, and terms of one weight share the answer.

    Example:
        >>> sum_matters(2, [4, 1], lambda total: total >= 6)
        [0]
    """
    floor = fixed + sum(w for w in weights if w < 0)
    by_weight: dict[int, bool] = {}
    found: list[int] = []
    for i, weight in enumerate(weights):
        if weight not in by_weight:
            reach = 1 << (fixed - floor)
            for j, other in enumerate(weights):
                if j != i:
                    reach |= reach << other if other > 0 else reach >> -other
            totals = (floor + k for k in range(reach.bit_length()) if reach >> k & 1)
            by_weight[weight] = any(holds(total) != holds(total + weight) for total in totals)
        if by_weight[weight]:
            found.append(i)
    return found


def exhaustive(
    rule: Callable[..., int | None], inputs: Sequence[Values]
) -> tuple[int, int, tuple[int, ...]]:
    """The definition the engine must agree with: every combination of every input.

    Returns the lowest and highest grade over the feasible combinations, and the positions of the
    inputs whose value matters: two feasible combinations differing in that input alone give
    different grades, or fixing the input at one of its values changes the range (a value can
    rule combinations out: an awake patient with global aphasia is not unarousable). Where every
    combination is feasible the second follows from the first. Exponential in the number of
    inputs: for tests.

    Example:
        >>> exhaustive(lambda a, b: max(a, b), [(0, 2), (1, 3)])
        (1, 3, (0, 1))
        >>> exhaustive(lambda a, b: None if a and b == 4 else b, [(False, True), (0, 4)])
        (0, 4, (0, 1))
    """
    found = points(rule, inputs)
    grades = span(list(found.values()))
    matters = tuple(
        index
        for index, top, spans in open_inputs(found, inputs)
        if top >= 0 or any(fixed != grades for fixed in spans)
    )
    return grades[0], grades[1], matters
