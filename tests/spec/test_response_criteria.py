"""SRI-4, DORIS and LLDAS criteria as data: each sentence states exactly its threshold.

Each criterion's rule (the sentence a reader sees in every result) and its key restate a constant
of :mod:`astct_grading.criteria.sledai2k`. Each is checked against it: the threshold and its
relation appear, and no other number does (names such as "SLEDAI-2K" and the PGA's 0-3 scale
aside).
"""

from __future__ import annotations

import re

import pytest

from astct_grading.core.criterion import Criterion
from astct_grading.criteria.sledai2k import (
    DORIS_PGA_BELOW,
    DORIS_PREDNISOLONE_MAX_MG,
    LLDAS_PGA_MAX,
    LLDAS_PREDNISOLONE_MAX_MG,
    LLDAS_SLEDAI_MAX,
    SRI4_MAX_NEW_BILAG_A,
    SRI4_MAX_NEW_BILAG_B,
    SRI4_MIN_REDUCTION,
    SRI4_PGA_INCREASE_BELOW,
    doris_criteria,
    lldas_criteria,
    sri4_criteria,
)
from astct_grading.sle.inputs import PGA_MAX, PGA_MIN

#: Names that carry digits, and the PGA scale, taken out before reading a rule's numbers.
NAMES = ("SLEDAI-2K", "SELENA-SLEDAI", "SRI-4", f"({PGA_MIN}-{PGA_MAX} scale)")


def every() -> dict[str, Criterion]:
    """Every criterion by key, read when a test runs (the tables are built lazily)."""
    return {c.key: c for c in (*doris_criteria(), *lldas_criteria(), *sri4_criteria())}


#: key -> (threshold, relation as the rule writes it); None: a yes/no criterion, no number.
THRESHOLDS: dict[str, tuple[float, str] | None] = {
    # DORIS 2021
    "clinical_sledai_zero": (0, "is"),
    "pga_below_0_5": (DORIS_PGA_BELOW, "<"),
    "prednisolone_at_most_5": (DORIS_PREDNISOLONE_MAX_MG, "≤"),
    "stable_maintenance": None,
    # LLDAS
    "sledai_at_most_4": (LLDAS_SLEDAI_MAX, "≤"),
    "no_major_organ_activity": None,
    "no_haemolytic_anaemia": None,
    "no_gastrointestinal_activity": None,
    "no_new_activity": None,
    "pga_at_most_1": (LLDAS_PGA_MAX, "≤"),
    "prednisolone_at_most_7_5": (LLDAS_PREDNISOLONE_MAX_MG, "≤"),
    "standard_maintenance": None,
    # SRI-4
    "sledai_reduction_at_least_4": (SRI4_MIN_REDUCTION, "≥"),
    "no_new_bilag_a": (SRI4_MAX_NEW_BILAG_A, "no"),
    "at_most_one_new_bilag_b": (SRI4_MAX_NEW_BILAG_B, "no more than"),
    "pga_increase_below_0_3": (SRI4_PGA_INCREASE_BELOW, "<"),
}


def numbers(text: str) -> set[float]:
    for name in NAMES:
        text = text.replace(name, " ")
    text = re.sub(r"\bD\d+\b", " ", text)  # decision ids (decisions.md)
    return {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}


def shown(value: float) -> str:
    return f"{value:g}"


def test_every_criterion_has_its_threshold_listed() -> None:
    assert set(THRESHOLDS) == set(every())
    assert len(every()) == len(doris_criteria()) + len(lldas_criteria()) + len(sri4_criteria())


@pytest.mark.parametrize("key", sorted(THRESHOLDS))
def test_each_rule_states_its_threshold_and_only_it(key: str) -> None:
    rule = every()[key].rule
    expected = THRESHOLDS[key]
    if expected is None:
        assert numbers(rule) == set()
        return
    threshold, relation = expected
    if relation == "no":  # "no new BILAG A": none allowed
        assert threshold == 0
        assert rule.startswith("no ")
        assert numbers(rule) == set()
        return
    assert numbers(rule) == {float(threshold)}
    assert f"{relation} {shown(threshold)}" in rule


@pytest.mark.parametrize("key", sorted(k for k, v in THRESHOLDS.items() if v is not None))
def test_each_key_names_its_threshold(key: str) -> None:
    expected = THRESHOLDS[key]
    assert expected is not None
    threshold, _ = expected
    words = {0: "zero", 1: "one"}
    spelled = shown(threshold).replace(".", "_")
    assert (
        key.endswith(f"_{spelled}")
        or f"_{words.get(int(threshold), '?')}_" in f"_{key}_"
        or (threshold == 0 and key.startswith("no_"))
    )


def test_the_pga_rules_state_the_scale() -> None:
    for key in ("pga_below_0_5", "pga_at_most_1", "pga_increase_below_0_3"):
        assert f"({PGA_MIN}-{PGA_MAX} scale)" in every()[key].rule


@pytest.mark.parametrize("key", sorted(THRESHOLDS))
def test_each_source_cites_its_paper(key: str) -> None:
    criterion = every()[key]
    paper = {"DORIS": "DORIS 2021", "LLDAS": "(LLDAS)", "SRI": "(SRI-4)"}
    family = (
        "DORIS"
        if criterion in doris_criteria()
        else "LLDAS"
        if criterion in lldas_criteria()
        else "SRI"
    )
    assert paper[family] in criterion.source


def test_quoted_thresholds_in_the_sources_are_the_constants() -> None:
    # DORIS 2021 abstract: "< 0.5" and "5 mg/day or less".
    assert f"('< {shown(DORIS_PGA_BELOW)}')" in every()["pga_below_0_5"].source
    assert f"('{shown(DORIS_PREDNISOLONE_MAX_MG)} mg/day or less')" in (
        every()["prednisolone_at_most_5"].source
    )
