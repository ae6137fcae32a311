"""The one engine (core/bounds.py) agrees with its exhaustive definition on any scale (D13).

Random small rules over random values: each domain is a table from its inputs' values to a grade;
the grade is the worst domain, or 5 when death is due to the toxicity. ``domain`` and ``worst``
must give exactly what ``exhaustive`` gives by trying every combination of every input; and
``sum_matters`` must name exactly the open terms of a sum that some subset of the others lets
change the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain, combinations, product

from hypothesis import given
from hypothesis import strategies as st

from astct_grading.core.bounds import (
    GRADE_MAX,
    NOTHING_OPEN,
    Domain,
    Values,
    domain,
    exhaustive,
    known,
    open_inputs,
    points,
    sum_matters,
    worst,
)

# --- Cases from the former grade_bounds tests, on the engine's functions -----------------------


def _and_max(gate: int, a: int, b: int) -> int:
    return max(a, b) if gate else 0


def _one(value: int) -> int:
    return value


def _single(values: Values) -> Domain:
    """One input as its own domain: its value is its grade."""
    return domain(_one, [values], lambda combination: combination[0] > 0)  # type: ignore[operator]


def _max_of(inputs: Sequence[Values]) -> tuple[int, int, tuple[int, ...]]:
    """The bounds of max over independent inputs, each its own domain, as worst gives them."""
    low, high, matters = worst([_single(values) for values in inputs], (False,))
    return low, high, tuple(i for i, found in enumerate(matters) if found)


def _maximum(*values: int) -> int:
    return max(values)


def test_bounds_of_a_determined_function() -> None:
    assert exhaustive(_maximum, [(2,), (1,)]) == (2, 2, ())
    assert _max_of([(2,), (1,)]) == (2, 2, ())
    assert worst([known(2, True), known(1, True)], (False,)) == (2, 2, [(), ()])


def test_an_unknown_that_matters_only_with_another() -> None:
    # b matters only when the gate is open: still listed.
    assert exhaustive(_and_max, [(0, 1), (0,), (0, 3)]) == (0, 3, (0, 2))
    gated = domain(_and_max, [(0, 1), (0,), (0, 3)], lambda c: True)
    assert (gated.span, gated.matters[0]) == ((0, 3), (0, 2))
    assert worst([gated], (False,)) == (0, 3, [(0, 2)])


def test_an_unknown_that_never_matters_is_not_listed() -> None:
    assert exhaustive(_maximum, [(4,), (0, 3)]) == (4, 4, ())
    assert exhaustive(_maximum, [(0, 4), (0, 3), (1,)]) == (1, 4, (0, 1))
    assert exhaustive(_maximum, [(0, 4), (0, 1), (3,)]) == (3, 4, (0,))
    assert _max_of([(4,), (0, 3)]) == (4, 4, ())
    assert _max_of([(0, 4), (0, 3), (1,)]) == (1, 4, (0, 1))
    assert _max_of([(0, 4), (0, 1), (3,)]) == (3, 4, (0,))


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)).map(sorted), min_size=1, max_size=5)
)
def test_bounds_of_max_are_min_and_max_of_ends(pairs: list[list[int]]) -> None:
    levels: list[Values] = [(lo,) if lo == hi else (lo, hi) for lo, hi in pairs]
    low, high, matters = exhaustive(_maximum, levels)
    assert low == max(lo for lo, _ in pairs)
    assert high == max(hi for _, hi in pairs)
    for index in matters:
        assert pairs[index][1] > low
    assert _max_of(levels) == (low, high, matters)


# --- Random rules over random values ------------------------------------------------------------

Ints = tuple[int, ...]
Table = dict[Ints, int]


@st.composite
def domains(draw: st.DrawFn) -> tuple[list[Ints], Table]:
    """A domain: 1-3 inputs of 1-3 values each, and a grade 0-4 at every combination."""
    inputs: list[Ints] = draw(
        st.lists(
            st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True).map(tuple),
            min_size=1,
            max_size=3,
        )
    )
    table = {combination: draw(st.integers(0, GRADE_MAX - 1)) for combination in product(*inputs)}
    return inputs, table


def _lookup(table: Table) -> Callable[..., int]:
    def rule(*combination: int) -> int:
        return table[combination]

    return rule


DEATHS: list[Values] = [(False,), (True,), (False, True)]


@given(st.lists(domains(), min_size=1, max_size=3), st.sampled_from(DEATHS))
def test_domain_and_worst_are_exhaustive_on_max_combined_rules(
    scale: list[tuple[list[Ints], Table]], death: Values
) -> None:
    built = [domain(_lookup(table), inputs, lambda c: True) for inputs, table in scale]
    low, high, matters = worst(built, death)
    sizes = [len(inputs) for inputs, _ in scale]
    starts = [sum(sizes[:index]) for index in range(len(sizes))]

    def whole(*values: int) -> int:
        if values[-1]:
            return GRADE_MAX  # death due to the toxicity (D6)
        return max(
            table[values[start : start + size]]
            for (_, table), start, size in zip(scale, starts, sizes, strict=True)
        )

    every = [values for inputs, _ in scale for values in inputs]
    positions = tuple(
        start + index for start, found in zip(starts, matters, strict=True) for index in found
    )
    if len(death) > 1 and low != high:
        positions = (*positions, len(every))  # death matters whenever it is open
    assert (low, high, positions) == exhaustive(whole, [*every, death])


@given(domains())
def test_one_domain_spans_its_rule(case: tuple[list[Ints], Table]) -> None:
    inputs, table = case
    built = domain(_lookup(table), inputs, lambda c: _lookup(table)(*c) > 0)
    assert built.span == (min(table.values()), max(table.values()))
    assert built.present == (min(int(g > 0) for g in table.values()), int(max(table.values()) > 0))
    _, _, matters = exhaustive(_lookup(table), inputs)
    assert built.matters[0] == matters
    for floor in range(GRADE_MAX + 1):
        assert set(built.matters[floor]) <= set(matters)


# --- Sums -----------------------------------------------------------------------------------------


def _brute_force(fixed: int, weights: Sequence[int], holds: Callable[[int], bool]) -> list[int]:
    found = []
    for i, weight in enumerate(weights):
        others = [w for j, w in enumerate(weights) if j != i]
        subsets = chain.from_iterable(combinations(others, k) for k in range(len(others) + 1))
        if any(holds(fixed + sum(s)) != holds(fixed + sum(s) + weight) for s in subsets):
            found.append(i)
    return found


@given(
    st.integers(-10, 20),
    st.lists(st.integers(-8, 8), max_size=7),
    st.integers(-10, 30),
    st.sets(st.integers(-30, 60), max_size=6),
    st.booleans(),
)
def test_sum_matters_is_brute_force_over_subsets(
    fixed: int, weights: list[int], threshold: int, chosen: set[int], by_threshold: bool
) -> None:
    def holds(total: int) -> bool:
        return total >= threshold if by_threshold else total in chosen

    assert sum_matters(fixed, weights, holds) == _brute_force(fixed, weights, holds)


# --- The engine's parts, one by one (their exact outputs) ------------------------------------


def test_a_known_domain_has_one_grade_its_presence_and_nothing_open() -> None:
    assert known(3, True) == Domain((3, 3), (1, 1), NOTHING_OPEN)
    assert known(0, False) == Domain((0, 0), (0, 0), NOTHING_OPEN)


def test_open_inputs_lists_only_inputs_with_several_values() -> None:
    inputs = [(0, 2), (1,)]
    assert open_inputs(points(max, inputs), inputs) == [(0, 2, [(1, 1), (2, 2)])]


def test_an_open_input_that_never_changes_the_rule_has_no_top() -> None:
    inputs = [(0, 1), (2,)]
    # max(a, 2) is 2 whatever a is: no pair differing in a alone gives different values.
    assert open_inputs(points(max, inputs), inputs) == [(0, -1, [(2, 2), (2, 2)])]


def test_an_open_inputs_top_is_the_highest_of_all_its_pairs_not_the_last() -> None:
    inputs = [(0, 1, 2)]
    # Grades 3, 1, 2: every pair differs and the highest grade of a pair is 3, though the last
    # pair met (value 2 against value 1) tops at 2.
    found = points(lambda a: (3, 1, 2)[a], inputs)
    assert open_inputs(found, inputs) == [(0, 3, [(3, 3), (1, 1), (2, 2)])]


def test_matters_is_given_for_every_floor_from_0_to_the_highest_grade() -> None:
    found = domain(max, [(0, 4), (1,)], lambda combination: combination[0] != 0)
    assert len(found.matters) == GRADE_MAX + 1
    assert found.matters == ((0,), (0,), (0,), (0,), (), ())


def test_exhaustive_counts_any_two_different_values_whatever_their_sign() -> None:
    # The definition is "two feasible combinations differing in that input alone differ", with
    # no assumption that the values are grades of 1 or more.
    assert exhaustive(lambda a: -a, [(0, 1)]) == (-1, 0, (0,))
    assert exhaustive(lambda a, b: b, [(0, 1), (0,)]) == (0, 0, ())


def test_exhaustive_counts_a_toggle_even_where_no_value_narrows_the_range() -> None:
    # -1 when a == b, else 0: every value of a leaves the range -1..0, yet toggling a alone
    # changes the value.
    assert exhaustive(lambda a, b: -1 if a == b else 0, [(0, 1), (0, 1)]) == (-1, 0, (0, 1))
