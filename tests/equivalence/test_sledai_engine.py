"""SLEDAI-2K descriptors and totals == the core engine's exhaustive definition (D13).

Each descriptor's points range, and which of its two inputs (present; due to an excluded cause,
D17) can change them, are computed once per case by :func:`astct_grading.core.bounds.domain`.
Here every case is checked against :func:`astct_grading.core.bounds.exhaustive`, and whole visits
against trying every value of every unknown input at once.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astct_grading.core.bounds import Values, exhaustive
from astct_grading.criteria.sledai2k import DESCRIPTORS, DescriptorRule
from astct_grading.sle.descriptors import (
    CALLS,
    cause_values,
    descriptor_inputs,
    descriptor_points,
    template,
)
from astct_grading.sle.readings import RAW_FIELDS, raw_readings
from astct_grading.sle.sledai import score_sledai2k


def _cases() -> list[tuple[DescriptorRule, bool | None, bool | None, Any]]:
    cases = []
    for rule in DESCRIPTORS.values():
        readings: tuple[Any, ...] = (None,)
        if rule.descriptor in RAW_FIELDS:
            readings += raw_readings(rule.descriptor)
        for given_ in CALLS:
            for other in cause_values(rule):
                for reading in readings:
                    cases.append((rule, given_, other, reading))
    return cases


CASES = _cases()


@pytest.mark.parametrize(("rule", "given_", "other", "reading"), CASES)
def test_each_descriptor_case_is_the_exhaustive_one(
    rule: DescriptorRule, given_: bool | None, other: bool | None, reading: Any
) -> None:
    scored = template(rule, given_, other, reading)
    present = given_ if given_ is not None else (reading[0] if reading is not None else None)
    low, high, matters = exhaustive(
        descriptor_points(rule.weight), descriptor_inputs(present, other)
    )
    assert (scored.points_min, scored.points_max) == (low, high)
    name = rule.descriptor.value
    assert (name in scored.missing) == (0 in matters)
    assert (f"{name}_other_cause" in scored.missing) == (1 in matters)


def test_every_case_is_covered() -> None:
    # 24 descriptors, 3 calls, 3 causes where the form names exclusions, and the raw readings.
    assert len(CASES) == len({(r.descriptor, g, o, x) for r, g, o, x in CASES}) > 24 * 3


RULES = list(DESCRIPTORS.values())


@st.composite
def visits(draw: st.DrawFn) -> dict[str, Any]:
    """Every descriptor and cause given, then up to 6 of them unknown; shrinks towards absent."""
    data: dict[str, Any] = {}
    for rule in RULES:
        data[rule.descriptor.value] = draw(st.booleans())
        if rule.excluded_causes:
            data[f"{rule.descriptor.value}_other_cause"] = draw(st.booleans())
    for field in draw(st.lists(st.sampled_from(sorted(data)), max_size=6, unique=True)):
        data[field] = None
    return data


@settings(max_examples=150, deadline=None)
@given(visits())
def test_a_visit_total_is_the_exhaustive_sum(data: dict[str, Any]) -> None:
    inputs: list[Values] = []
    names: list[str] = []
    for rule in RULES:
        name = rule.descriptor.value
        cause = data.get(f"{name}_other_cause", False)
        inputs.extend(descriptor_inputs(data[name], cause))
        names.extend((name, f"{name}_other_cause"))

    def total(*values: bool) -> int:
        return sum(
            descriptor_points(rule.weight)(values[2 * i], values[2 * i + 1])
            for i, rule in enumerate(RULES)
        )

    low, high, matters = exhaustive(total, inputs)
    result = score_sledai2k(data)
    assert (result.score_min, result.score_max) == (low, high)
    # An open laboratory descriptor also names the raw fields that would decide it.
    assert set(result.missing) & set(names) == {names[i] for i in matters}
