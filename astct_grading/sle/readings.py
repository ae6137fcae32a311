"""What a SLEDAI-2K descriptor's raw measurements say: present, absent or open (D16, D17).

Each laboratory descriptor (and arthritis, from the joint count) can be derived from the raw
measurement that defines it. A *reader* turns the visit's raw values into a reading: present
(None when they leave it open), the evidence for the explanation, and the raw fields still
unmeasured. The visit model checks a clinician's call against its reading; the scoring reads it.
The bounds are read from :mod:`astct_grading.criteria.sledai2k`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from pydantic_core import PydanticCustomError

from astct_grading.core.validation import describe, quantize
from astct_grading.criteria.sledai2k import (
    ARTHRITIS_MIN_JOINTS,
    LAB_BOUNDS,
    Descriptor,
    LabBound,
)

__all__ = [
    "COMPLEMENT_FIELDS",
    "EXCLUSION_HINT",
    "RAW_FIELDS",
    "RAW_FIELDS_BY_NAME",
    "Raw",
    "Reader",
    "complement_normal",
    "conflict",
    "raw_readings",
    "readers",
]

#: Names of the raw measurements, for explanations.
_LAB_NAMES: Mapping[str, str] = {
    "platelets_10e9_l": "platelets",
    "wbc_10e9_l": "WBC",
    "proteinuria_g_24h": "proteinuria",
    "urine_rbc_per_hpf": "urine RBC",
    "urine_wbc_per_hpf": "urine WBC",
}
_COMPLEMENTS = (("c3", "C3"), ("c4", "C4"), ("ch50", "CH50"))
COMPLEMENT_FIELDS = tuple(field for field, _ in _COMPLEMENTS)

#: The raw fields that can decide each laboratory descriptor (D16, D17).
RAW_FIELDS: Mapping[Descriptor, tuple[str, ...]] = {
    **{b.descriptor: (b.field,) for b in LAB_BOUNDS},
    Descriptor.LOW_COMPLEMENT: COMPLEMENT_FIELDS,
    Descriptor.INCREASED_DNA_BINDING: ("anti_dsdna",),
    Descriptor.ARTHRITIS: ("arthritis_joint_count",),
}
RAW_FIELDS_BY_NAME: Mapping[str, tuple[str, ...]] = {d.value: f for d, f in RAW_FIELDS.items()}

#: What the raw measurements say about one descriptor: present (None when they leave it open),
#: the detail for the explanation, and the raw fields still unmeasured. A plain tuple: one is
#: built for every raw value scored or validated.
Raw = tuple[bool | None, str, tuple[str, ...]]

#: Reads what a descriptor's raw values say, from the visit's fields and the fewest joints that
#: make arthritis (D16). Called only when one of its raw fields is given.
Reader = Callable[[Mapping[str, Any], int], Raw]


def _lab_reader(bound: LabBound) -> Reader:
    """The reader of one absolute laboratory bound (D17), its texts built once."""
    field, limit, below = bound.field, bound.bound, bound.relation == "<"
    # The temperature shows itself (with its unit and, in °F, its value in °C).
    label = None if field == "temperature" else f"{_LAB_NAMES[field]} "
    if_present = f" {bound.relation} {limit:.1f} {bound.unit}"
    if_absent = f" not {bound.relation} {limit:.1f} {bound.unit}"

    def read(data: Mapping[str, Any], min_joints: int) -> Raw:
        value = data[field]
        if label is None:
            present = value.celsius > limit  # already rounded to 0.01 °C (D14)
            shown = str(value)
        else:
            measured = quantize(value)  # compared at 0.01 of the unit (D14)
            present = measured < limit if below else measured > limit
            shown = label + describe(value)
        return present, shown + (if_present if present else if_absent), ()

    return read


def _complement_normal(measured: tuple[bool, bool, bool]) -> Raw:
    """The evidence when the measured complements are all at or above their lower limits."""
    normal = ", ".join(name for (_, name), m in zip(_COMPLEMENTS, measured, strict=True) if m)
    unmeasured = tuple(field for (field, _), m in zip(_COMPLEMENTS, measured, strict=True) if not m)
    if not unmeasured:
        return False, f"{normal} not below the lab lower limits", ()
    names = ", ".join(name for (_, name), m in zip(_COMPLEMENTS, measured, strict=True) if not m)
    return None, f"{normal} not below the lab lower limit, {names} not measured", unmeasured


@cache
def complement_normal() -> Mapping[tuple[bool, bool, bool], Raw]:
    """Which complements were measured -> the evidence when none is low (seven patterns).

    Built on first use, lazily, so that mutation testing rebuilds it after emptying caches.

    Example:
        >>> complement_normal()[True, True, True][0]
        False
    """
    return {
        (c3, c4, ch50): _complement_normal((c3, c4, ch50))
        for c3 in (True, False)
        for c4 in (True, False)
        for ch50 in (True, False)
        if c3 or c4 or ch50
    }


def _complement(data: Mapping[str, Any], min_joints: int) -> Raw:
    # Some complements may be missing from a partly validated visit (D17 check).
    c3, c4, ch50 = data.get("c3"), data.get("c4"), data.get("ch50")
    low = [
        f"{name} {describe(m.value)} < {describe(m.lower_limit)} (lab lower limit)"
        for name, m in (("C3", c3), ("C4", c4), ("CH50", ch50))
        if m is not None and m.low
    ]
    if low:
        return True, "; ".join(low), ()
    return complement_normal()[c3 is not None, c4 is not None, ch50 is not None]


def _dna(data: Mapping[str, Any], min_joints: int) -> Raw:
    m = data["anti_dsdna"]
    raised = m.raised
    relation = ">" if raised else "not >"
    return (
        raised,
        f"anti-dsDNA {describe(m.value)} {relation} {describe(m.upper_limit)} (lab upper limit)",
        (),
    )


#: (the reading is "≥ 2", present) -> the end of the arthritis evidence (D16).
_ARTHRITIS_WORDS: Mapping[tuple[bool, bool], str] = {
    (two_or_more, present): (
        f" inflamed joints {'meets' if present else 'does not meet'} "
        f"'{'≥ 2' if two_or_more else 'more than 2'} joints' (D16)"
    )
    for two_or_more in (True, False)
    for present in (True, False)
}


def _arthritis(data: Mapping[str, Any], min_joints: int) -> Raw:
    count = data["arthritis_joint_count"]
    present = count >= min_joints
    return present, f"{count}{_ARTHRITIS_WORDS[min_joints == ARTHRITIS_MIN_JOINTS, present]}", ()


@cache
def readers() -> Mapping[str, Reader]:
    """Descriptor -> the reader of its raw values (D16, D17), built on first use.

    Example:
        >>> sorted(readers())[:3]
        ['arthritis', 'fever', 'haematuria']
    """
    return {
        **{b.descriptor.value: _lab_reader(b) for b in LAB_BOUNDS},
        Descriptor.LOW_COMPLEMENT.value: _complement,
        Descriptor.INCREASED_DNA_BINDING.value: _dna,
        Descriptor.ARTHRITIS.value: _arthritis,
    }


def raw_readings(descriptor: Descriptor) -> tuple[tuple[bool | None, tuple[str, ...]], ...]:
    """Every (present, unmeasured) that a descriptor's raw values can give (D17).

    Example:
        >>> raw_readings(Descriptor.FEVER)
        ((True, ()), (False, ()))
    """
    if descriptor is Descriptor.LOW_COMPLEMENT:
        return ((True, ()), *((raw[0], raw[2]) for raw in complement_normal().values()))
    return ((True, ()), (False, ()))


def conflict(descriptor: Descriptor, given: bool, evidence: str, note: str) -> PydanticCustomError:
    """The error of a clinician's call that contradicts its raw value (D16, D17).

    Example:
        >>> conflict(Descriptor.FEVER, False, "38.5 °C > 38.0 °C", "D17").type
        'sledai_descriptor_conflict'
    """
    return PydanticCustomError(
        "sledai_descriptor_conflict",
        "{descriptor}={given} contradicts the raw value: {evidence} ({note})",
        {"descriptor": descriptor.value, "given": str(given), "evidence": evidence, "note": note},
    )


EXCLUSION_HINT = "D17; record an excluding cause in the *_other_cause field, not an absent finding"
