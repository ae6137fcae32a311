"""The response definitions' "which unknown descriptors matter" == the core engine == brute force.

A definition over a SLEDAI-2K total names, when it cannot tell, the inputs of the open
descriptors whose points can change the answer (D13). It asks the core engine
(:func:`astct_grading.core.bounds.sum_matters`) for the positions of the terms that matter and
names their inputs, each once; here both are checked against trying every subset of the terms.
"""

from __future__ import annotations

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from astct_grading.core.bounds import sum_matters
from astct_grading.sle.assessing import matters


def test_matters_against_brute_force_example() -> None:
    # fixed 4, terms +1, -8: "total >= 4" depends on the -8 only.
    terms = [(1, ("a",)), (-8, ("b",))]
    assert matters(4, terms, lambda total: total >= 4) == ("b",)


def test_inputs_shared_by_two_terms_are_named_once() -> None:
    terms = [(4, ("visit.haematuria", "visit.urine_rbc_per_hpf")), (4, ("visit.haematuria",))]
    assert matters(0, terms, lambda total: total <= 4) == (
        "visit.haematuria",
        "visit.urine_rbc_per_hpf",
    )


@settings(max_examples=300, deadline=None)
@given(
    st.integers(-20, 20),
    st.lists(
        st.tuples(st.sampled_from([-8, -4, -2, -1, 1, 2, 4, 8]), st.text("abc", min_size=1)),
        max_size=7,
        unique_by=lambda term: term[1],
    ),
    st.integers(-10, 10),
)
def test_matters_agrees_with_brute_force(
    fixed: int, raw_terms: list[tuple[int, str]], bound: int
) -> None:
    terms = [(weight, (name,)) for weight, name in raw_terms]

    def holds(total: int) -> bool:
        return total >= bound

    expected: list[str] = []
    for i, (weight, names) in enumerate(terms):
        others = [w for j, (w, _) in enumerate(terms) if j != i]
        for chosen in product((0, 1), repeat=len(others)):
            total = fixed + sum(w * c for w, c in zip(others, chosen, strict=True))
            if holds(total) != holds(total + weight):
                expected.extend(names)
                break
    assert matters(fixed, terms, holds) == tuple(expected)
    positions = sum_matters(fixed, [weight for weight, _ in terms], holds)
    assert [terms[i][1][0] for i in positions] == expected
