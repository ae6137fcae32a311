"""Weighted kappa and its interval, checked against a published example and independent formulas."""

from __future__ import annotations

import math
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astct_grading.cdisc import weighted_kappa


def test_cohens_kappa_published_two_by_two_example() -> None:
    # Wikipedia, "Cohen's kappa", worked example: 50 proposals, yes/yes 20, yes/no 5, no/yes 10,
    # no/no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4. With two categories every weighting is the same.
    for weights in ("linear", "quadratic"):
        assert weighted_kappa([[20, 5], [10, 15]], weights).kappa == pytest.approx(0.4)


def _independent_linear(table: list[list[int]]) -> float:
    # 1 - observed mean |i - j| / its expectation under independent margins.
    n = sum(map(sum, table))
    k = len(table)
    rows = [sum(r) / n for r in table]
    cols = [sum(table[i][j] for i in range(k)) / n for j in range(k)]
    observed = sum(table[i][j] * abs(i - j) for i, j in product(range(k), repeat=2)) / n
    expected = sum(rows[i] * cols[j] * abs(i - j) for i, j in product(range(k), repeat=2))
    return 1 - observed / expected


def _independent_quadratic(table: list[list[int]]) -> float:
    # Quadratic kappa = 2 cov(X, Y) / (var X + var Y + (mean X - mean Y)^2) (Cohen 1968).
    n = sum(map(sum, table))
    k = len(table)
    pairs = [(i, j, table[i][j] / n) for i, j in product(range(k), repeat=2)]
    mx = sum(i * p for i, _, p in pairs)
    my = sum(j * p for _, j, p in pairs)
    vx = sum((i - mx) ** 2 * p for i, _, p in pairs)
    vy = sum((j - my) ** 2 * p for _, j, p in pairs)
    cov = sum((i - mx) * (j - my) * p for i, j, p in pairs)
    return 2 * cov / (vx + vy + (mx - my) ** 2)


def _delta_method_se(table: list[list[int]], weights: str) -> float:
    # The large-sample variance by the delta method, with a numerical gradient: an independent
    # derivation of the Fleiss-Cohen-Everitt (1969) formula.
    n = sum(map(sum, table))
    k = len(table)
    p = [cell / n for row in table for cell in row]

    def kappa(q: list[float]) -> float:
        total = sum(q)
        q = [x / total for x in q]
        rows = [sum(q[i * k + j] for j in range(k)) for i in range(k)]
        cols = [sum(q[i * k + j] for i in range(k)) for j in range(k)]

        def w(i: int, j: int) -> float:
            d = abs(i - j) / (k - 1)
            return 1 - (d if weights == "linear" else d * d)

        po = sum(w(i, j) * q[i * k + j] for i, j in product(range(k), repeat=2))
        pe = sum(w(i, j) * rows[i] * cols[j] for i, j in product(range(k), repeat=2))
        return (po - pe) / (1 - pe)

    h = 1e-6
    grad = []
    for index in range(len(p)):
        up = list(p)
        up[index] += h
        down = list(p)
        down[index] -= h
        grad.append((kappa(up) - kappa(down)) / (2 * h))
    mean = sum(g * x for g, x in zip(grad, p, strict=True))
    variance = sum(x * (g - mean) ** 2 for g, x in zip(grad, p, strict=True)) / n
    return math.sqrt(variance)


TABLES = st.lists(st.lists(st.integers(1, 30), min_size=4, max_size=4), min_size=4, max_size=4)


@settings(max_examples=60, deadline=None)
@given(TABLES)
def test_kappa_and_its_standard_error_equal_independent_computations(
    table: list[list[int]],
) -> None:
    linear = weighted_kappa(table, "linear")
    quadratic = weighted_kappa(table, "quadratic")
    assert linear.kappa == pytest.approx(_independent_linear(table), abs=1e-9)
    assert quadratic.kappa == pytest.approx(_independent_quadratic(table), abs=1e-9)
    assert linear.se == pytest.approx(_delta_method_se(table, "linear"), rel=1e-4)
    assert quadratic.se == pytest.approx(_delta_method_se(table, "quadratic"), rel=1e-4)
    for kappa in (linear, quadratic):
        assert kappa.kappa is not None
        assert kappa.lower is not None
        assert kappa.upper is not None
        assert -1 <= kappa.lower <= kappa.kappa <= kappa.upper <= 1


@pytest.mark.parametrize("table", [[[0, 0], [0, 0]], [[5]], [[5, 0], [0, 0]]])
def test_kappa_is_undefined_without_pairs_or_without_chance_disagreement(
    table: list[list[int]],
) -> None:
    kappa = weighted_kappa(table, "linear")
    assert (kappa.kappa, kappa.se, kappa.lower, kappa.upper) == (None, None, None, None)


def test_perfect_agreement_is_one_with_no_spread() -> None:
    kappa = weighted_kappa([[3, 0, 0], [0, 4, 0], [0, 0, 5]], "quadratic")
    assert kappa.kappa == pytest.approx(1.0)
    assert kappa.se == pytest.approx(0.0, abs=1e-9)
