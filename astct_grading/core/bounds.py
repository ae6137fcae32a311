"""Bounds of a monotone grade over the unknown inputs (decisions.md D13).

Each grading function is written as a pure function of a few ordered *levels* (0 = the least severe
value of an input, higher = more severe), and is non-decreasing in each of them. An input that was
not given contributes a range of levels rather than one. Because the function is monotone, its
minimum over every completion of the unknowns is its value at all the lower ends and its maximum is
its value at all the upper ends; both are reached, so the bounds are tight.

Which unknown inputs *matter* (could change the grade) is found by trying every combination of the
ends of the unknown ranges; a grade has at most a handful of unknowns, so that is cheap, and it runs
only when something is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import product

__all__ = ["Level", "grade_bounds"]

#: A level range: (lowest possible, highest possible).
Level = tuple[int, int]


def grade_bounds(
    grade: Callable[[Sequence[int]], int], levels: Sequence[Level]
) -> tuple[int, int, tuple[int, ...]]:
    """Return (minimum, maximum, indices of the ranges that can change the grade).

    Args:
        grade: a function non-decreasing in each level.
        levels: one (low, high) pair per input level, low <= high.

    Returns:
        The grade at the low ends, the grade at the high ends, and the positions of the open ranges
        for which some choice of the other ranges makes the grade differ between their two ends.

    Example:
        >>> grade_bounds(max, [(1, 1), (0, 3)])
        (1, 3, (1,))
    """
    low = grade([lo for lo, _ in levels])
    high = grade([hi for _, hi in levels])
    if low == high:
        return low, high, ()
    open_ = [i for i, (lo, hi) in enumerate(levels) if lo != hi]
    matters: list[int] = []
    for i in open_:
        others = [j for j in open_ if j != i]
        for ends in product((0, 1), repeat=len(others)):
            point = [lo for lo, _ in levels]
            for j, end in zip(others, ends, strict=True):
                point[j] = levels[j][end]
            point[i] = levels[i][0]
            at_low = grade(point)
            point[i] = levels[i][1]
            if grade(point) != at_low:
                matters.append(i)
                break
    return low, high, tuple(matters)
