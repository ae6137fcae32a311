"""SLEDAI-2K criteria as data: each sentence a reader sees states exactly the numbers behind it.

The weights, laboratory bounds, joint counts, windows and activity bands are typed fields or
constants of :mod:`astct_grading.criteria.sledai2k`; their definitions and sources restate them in
words. Each sentence is checked against its numbers: every number appears, and no other does.
"""

from __future__ import annotations

import inspect
import re
from itertools import pairwise

import pytest

from astct_grading.criteria import sledai2k
from astct_grading.criteria.sledai2k import (
    ACTIVITY_BANDS,
    ARTHRITIS_MIN_JOINTS,
    DEFAULT_WINDOW_DAYS,
    LAB_BOUNDS,
    MAX_SCORE,
    ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS,
    WINDOW_SOURCE,
    WINDOWS_DAYS,
    Descriptor,
    LabBound,
    activity_band,
    descriptors,
)
from tests.sledai_form import WEIGHTS

#: The relation of a bound in words, as the definitions write it.
WORDS = {"<": ("below",), ">": ("above", "more than")}


def numbers(text: str, *names: str) -> set[float]:
    """The numbers in ``text``, once ``names`` (units, scale names with digits) are taken out."""
    for name in names:
        text = text.replace(name, " ")
    return {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}


def test_weights_are_the_forms() -> None:
    assert {rule.descriptor.value: rule.weight for rule in descriptors().values()} == WEIGHTS
    # "Weights 8/4/2/1, maximum 105 (the form)."
    assert {rule.weight for rule in descriptors().values()} == {8, 4, 2, 1}


#: Each descriptor's name on the form (Gladman 2002), as the docs' descriptor table prints it.
LABELS = {
    "seizure": "Seizure",
    "psychosis": "Psychosis",
    "organic_brain_syndrome": "Organic brain syndrome",
    "visual_disturbance": "Visual disturbance",
    "cranial_nerve_disorder": "Cranial nerve disorder",
    "lupus_headache": "Lupus headache",
    "cerebrovascular_accident": "CVA",
    "vasculitis": "Vasculitis",
    "arthritis": "Arthritis",
    "myositis": "Myositis",
    "urinary_casts": "Urinary casts",
    "haematuria": "Haematuria",
    "proteinuria": "Proteinuria",
    "pyuria": "Pyuria",
    "rash": "Rash",
    "alopecia": "Alopecia",
    "mucosal_ulcers": "Mucosal ulcers",
    "pleurisy": "Pleurisy",
    "pericarditis": "Pericarditis",
    "low_complement": "Low complement",
    "increased_dna_binding": "Increased DNA binding",
    "fever": "Fever",
    "thrombocytopenia": "Thrombocytopenia",
    "leukopenia": "Leukopenia",
}


def test_labels_are_the_forms_names() -> None:
    assert {rule.descriptor.value: rule.label for rule in descriptors().values()} == LABELS


def test_the_maximum_is_the_sum_of_the_weights_as_its_comment_says() -> None:
    counts = {w: sum(1 for r in descriptors().values() if r.weight == w) for w in (8, 4, 2, 1)}
    assert MAX_SCORE == sum(w * n for w, n in counts.items()) == 105
    stated = " + ".join(f"{n}x{w}" for w, n in counts.items()) + f" = {MAX_SCORE}"
    assert stated == "8x8 + 6x4 + 7x2 + 3x1 = 105"
    assert stated in inspect.getsource(sledai2k)


@pytest.mark.parametrize("bound", LAB_BOUNDS, ids=lambda b: b.field)
def test_each_laboratory_bound_is_stated_by_its_definition_and_sources(bound: LabBound) -> None:
    rule = descriptors()[bound.descriptor]
    # The definition: the bound, and no other number, with the relation in words.
    assert numbers(rule.definition, bound.unit, "x10^9/L", "g/24 h") == {bound.bound}
    assert any(word in rule.definition for word in WORDS[bound.relation])
    other = ">" if bound.relation == "<" else "<"
    assert not any(word in rule.definition for word in WORDS[other])
    # The sources quote the form: relation, bound and unit.
    quote = f"'{bound.relation} {bound.bound:g} {bound.unit}'"
    assert quote in bound.source
    assert quote in rule.source
    assert "D17" in bound.source


def test_every_laboratory_descriptor_has_one_bound() -> None:
    assert len({b.descriptor for b in LAB_BOUNDS}) == len(LAB_BOUNDS)
    assert {b.descriptor for b in LAB_BOUNDS} == {
        Descriptor.FEVER,
        Descriptor.THROMBOCYTOPENIA,
        Descriptor.LEUKOPENIA,
        Descriptor.PROTEINURIA,
        Descriptor.HAEMATURIA,
        Descriptor.PYURIA,
    }


def test_arthritis_joint_counts_are_stated() -> None:
    rule = descriptors()[Descriptor.ARTHRITIS]
    # "at least 2 joints ... the original SLEDAI reads 'more than 2'".
    assert f"at least {ARTHRITIS_MIN_JOINTS} joints" in rule.definition
    assert f"'more than {ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS - 1}'" in rule.definition
    assert numbers(rule.definition) == {
        ARTHRITIS_MIN_JOINTS,
        ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS - 1,
    }
    assert f"'≥ {ARTHRITIS_MIN_JOINTS} joints'" in rule.source


def test_the_windows_are_stated() -> None:
    assert DEFAULT_WINDOW_DAYS in WINDOWS_DAYS == (10, 30)
    assert f"in the preceding {DEFAULT_WINDOW_DAYS} days" in WINDOW_SOURCE
    assert numbers(WINDOW_SOURCE.removeprefix(sledai2k.FORM).split(";")[0]) == {DEFAULT_WINDOW_DAYS}


@pytest.mark.parametrize("descriptor", Descriptor, ids=lambda d: d.value)
def test_definitions_without_a_bound_state_no_number_but_their_counts(
    descriptor: Descriptor,
) -> None:
    rule = descriptors()[descriptor]
    if (
        rule.descriptor in {b.descriptor for b in LAB_BOUNDS}
        or rule.descriptor is Descriptor.ARTHRITIS
    ):
        return
    # Only "at least 2 of" (organic brain syndrome) and "at least 1 of" (pericarditis) are counts.
    text = rule.definition.replace("CH50", "").replace("C3", "").replace("C4", "")
    assert numbers(text) <= {1.0, 2.0}
    assert numbers(text) == {float(n) for n in re.findall(r"at least (\d+) of", rule.definition)}


def test_the_activity_bands_are_the_ones_their_docstring_lists() -> None:
    # "none (0), mild (1-5), moderate (6-10), high (11-19), very high (≥ 20)"
    doc = activity_band.__doc__ or ""
    lows = [low for _, low in ACTIVITY_BANDS]
    words = [
        f"{band.value.replace('_', ' ')} ({low}-{high - 1})"
        for (band, low), (_, high) in pairwise(ACTIVITY_BANDS)
        if high - 1 > low
    ]
    assert "none (0)" in doc
    for phrase in words:
        assert phrase in doc
    assert f"very high (≥ {lows[-1]})" in doc
    assert lows == sorted(lows)
    for band, low in ACTIVITY_BANDS:
        assert activity_band(low) is band
        if low > 0:
            assert activity_band(low - 1) is not band
