"""Strategies for the SLE inputs: SLEDAI-2K visits (Gladman 2002) and the response inputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from astct_grading.core.validation import (
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
)
from astct_grading.criteria.sledai2k import (
    ARTHRITIS_MIN_JOINTS,
    DORIS_PGA_BELOW,
    DORIS_PREDNISOLONE_MAX_MG,
    LAB_BOUNDS,
    LLDAS_PGA_MAX,
    LLDAS_PREDNISOLONE_MAX_MG,
    SRI4_MAX_NEW_BILAG_A,
    SRI4_MAX_NEW_BILAG_B,
    SRI4_PGA_INCREASE_BELOW,
    WINDOWS_DAYS,
    Descriptor,
    LabBound,
    descriptors,
)
from astct_grading.sle.response import DorisInput, LldasInput, SledaiChangeInput, Sri4Input
from astct_grading.sle.sledai import AntiDsDnaMeasurement, ComplementMeasurement, SledaiVisit
from astct_grading.strategies._common import (
    Completeness,
    Record,
    _check_completeness,
    _edged,
    _hundredths,
    _near,
    _temperature_dicts,
)
from astct_grading.strategies._crs import (
    _models,
    _slots_to_blank,
)

# --- SLEDAI-2K -------------------------------------------------------------------------------

_LAB_BY_DESCRIPTOR: Mapping[Descriptor, LabBound] = {b.descriptor: b for b in LAB_BOUNDS}
_COMPLEMENTS = ("c3", "c4", "ch50")
#: Plausibility limits of the raw values (SledaiVisit fields; D15).
_LAB_LIMITS: Mapping[str, float] = {
    "platelets_10e9_l": 5000.0,
    "wbc_10e9_l": 1000.0,
    "proteinuria_g_24h": 100.0,
    "urine_rbc_per_hpf": 1000.0,
    "urine_wbc_per_hpf": 1000.0,
}


def _lab_values(bound: LabBound, present: bool) -> st.SearchStrategy[Any]:
    """A raw value on the side of ``bound`` that makes the descriptor ``present`` (D17).

    The values lean on the bound from both sides at the 0.01 comparison precision (D14): the bound
    itself, 0.01 either side, and the half-hundredths that round onto or off it.
    """
    if bound.field == "temperature":  # fever > 38.0 °C, strictly
        if present:
            return _temperature_dicts(bound.bound + 0.005, TEMPERATURE_MAX_C)
        return _temperature_dicts(TEMPERATURE_MIN_C, bound.bound)
    top, b = _LAB_LIMITS[bound.field], bound.bound
    if bound.relation == "<":
        if present:  # below the bound once rounded: b - 0.006 rounds to b - 0.01
            return _edged(_near(b, -0.01, -0.006), 0.0, b - 0.006)
        return _edged(_near(b, 0.0, 0.01, -0.004), b - 0.004, top)  # b - 0.004 rounds onto b
    if present:  # above the bound once rounded: b + 0.005 rounds to b + 0.01
        return _edged(_near(b, 0.01, 0.005), b + 0.005, top)
    return _edged(_near(b, 0.0, -0.01, 0.004), 0.0, b + 0.004)  # b + 0.004 rounds onto b


@st.composite
def _limit_pairs(draw: st.DrawFn, above: bool | None) -> tuple[float, float]:
    """(value, laboratory limit): value below (False), equal or above (None), above (True)."""
    limit = draw(st.sampled_from([0.9, 0.1, 30.0]) | _hundredths(0.01, 200))
    if above is None:
        value = draw(st.sampled_from([limit, limit + 0.01]) | _hundredths(limit, limit + 100))
    elif above:
        value = draw(st.sampled_from([limit + 0.01]) | _hundredths(limit + 0.01, limit + 100))
    else:
        value = draw(st.sampled_from([limit - 0.01, 0.0]) | _hundredths(0, limit - 0.01))
    return round(max(0.0, value), 2), limit


def _measurement(value: float, limit: float, key: str) -> Record:
    return {"value": value, key: limit}


@st.composite
def _complement_dicts(draw: st.DrawFn, low: bool | None = None) -> Record:
    low = draw(st.booleans()) if low is None else low
    value, limit = draw(_limit_pairs(None if not low else False))
    record = _measurement(value, limit, "lower_limit")
    if draw(st.booleans()):
        record["unit"] = draw(st.sampled_from(["g/L", "mg/dL", "U/mL"]))
    return record


@st.composite
def _dna_dicts(draw: st.DrawFn, raised: bool | None = None) -> Record:
    raised = draw(st.booleans()) if raised is None else raised
    value, limit = draw(_limit_pairs(bool(raised)))
    if not raised and draw(st.booleans()):
        value = limit  # equal to the upper limit is not raised (strict)
    record = _measurement(value, limit, "upper_limit")
    if draw(st.booleans()):
        record["unit"] = "IU/mL"
    return record


def complement_measurements(*, low: bool | None = None) -> st.SearchStrategy[ComplementMeasurement]:
    """A complement level with the lab's lower limit; leans on value == limit (not low, D17).

    Shrinks towards a level equal to its limit.

    Args:
        low: True for levels below the limit, False for levels at or above it, None for both.

    Example:
        >>> from hypothesis import find
        >>> find(complement_measurements(low=True), lambda m: True).low
        True
    """
    return _complement_dicts(low).map(ComplementMeasurement.model_validate)


def anti_dsdna_measurements(
    *, raised: bool | None = None
) -> st.SearchStrategy[AntiDsDnaMeasurement]:
    """An anti-dsDNA level with the lab's upper limit; leans on value == limit (not raised).

    Shrinks towards a level on its limit or 0.01 above it.

    Args:
        raised: True for levels above the limit, False for levels at or below it, None for both.

    Example:
        >>> from hypothesis import find
        >>> find(anti_dsdna_measurements(raised=False), lambda m: True).raised
        False
    """
    return _dna_dicts(raised).map(AntiDsDnaMeasurement.model_validate)


_RAW_DESCRIPTORS = frozenset(
    {*_LAB_BY_DESCRIPTOR, Descriptor.LOW_COMPLEMENT, Descriptor.INCREASED_DNA_BINDING}
    | {Descriptor.ARTHRITIS}
)
_OTHER_CAUSE = {
    d: f"{d.value}_other_cause" for d, rule in descriptors().items() if rule.excluded_causes
}


@st.composite
def _raw_for(draw: st.DrawFn, descriptor: Descriptor, present: bool) -> Record:
    """Raw measurements that make ``descriptor`` present or absent on their own (D16, D17)."""
    if descriptor in _LAB_BY_DESCRIPTOR:
        bound = _LAB_BY_DESCRIPTOR[descriptor]
        return {bound.field: draw(_lab_values(bound, present))}
    if descriptor is Descriptor.ARTHRITIS:  # >= 2 joints (D16): 1, 2 and 3 on the edge
        edges = [ARTHRITIS_MIN_JOINTS, ARTHRITIS_MIN_JOINTS + 1] if present else [1, 0]
        top = 68 if present else ARTHRITIS_MIN_JOINTS - 1
        low = ARTHRITIS_MIN_JOINTS if present else 0
        return {"arthritis_joint_count": draw(st.sampled_from(edges) | st.integers(low, top))}
    if descriptor is Descriptor.INCREASED_DNA_BINDING:
        return {"anti_dsdna": draw(_dna_dicts(present))}
    # Low complement: one level below its limit, or all three not below theirs.
    if present:
        which = draw(st.lists(st.sampled_from(_COMPLEMENTS), min_size=1, unique=True))
        out = {name: draw(_complement_dicts(low=name == which[0] or None)) for name in which}
        return out
    return {name: draw(_complement_dicts(low=False)) for name in _COMPLEMENTS}


@st.composite
def _sledai_dicts(
    draw: st.DrawFn,
    completeness: str,
    visit_date: date | None = None,
    max_present: int = 24,
    dated: bool = True,
) -> Record:
    record: Record = {}
    if visit_date is not None:
        record["visit_date"] = visit_date.isoformat()
    elif dated and draw(st.booleans()):
        record["visit_date"] = draw(st.dates(date(2000, 1, 1), date(2040, 12, 31))).isoformat()
    window = draw(st.sampled_from([None, *WINDOWS_DAYS]))
    if window is not None:
        record["window_days"] = window
    present = set(
        draw(st.lists(st.sampled_from(list(Descriptor)), unique=True, max_size=max_present))
    )
    raw_given: set[Descriptor] = set()
    for descriptor in Descriptor:
        is_present = descriptor in present
        if descriptor in _RAW_DESCRIPTORS and draw(st.booleans()):
            record.update(draw(_raw_for(descriptor, is_present)))
            raw_given.add(descriptor)
            if draw(st.booleans()):
                continue  # the raw value alone decides (D17)
        record[descriptor.value] = is_present
        if descriptor in _OTHER_CAUSE:
            record[_OTHER_CAUSE[descriptor]] = draw(st.sampled_from([False, False, True]))
    for field in _OTHER_CAUSE.values():
        if field not in record:
            record[field] = draw(st.sampled_from([False, False, True]))

    slots = [d.value for d in Descriptor] + list(_OTHER_CAUSE.values())
    for slot in _slots_to_blank(draw, slots, completeness):
        if slot.endswith("_other_cause"):
            record[slot] = None
            continue
        descriptor = Descriptor(slot)
        record.pop(slot, None)
        if descriptor in raw_given:
            if descriptor is Descriptor.LOW_COMPLEMENT:
                for name in _COMPLEMENTS:
                    record.pop(name, None)
            elif descriptor is Descriptor.INCREASED_DNA_BINDING:
                record.pop("anti_dsdna", None)
            elif descriptor is Descriptor.ARTHRITIS:
                record.pop("arthritis_joint_count", None)
            else:
                record.pop(_LAB_BY_DESCRIPTOR[descriptor].field, None)
        if draw(st.booleans()):
            record[slot] = None
    return record


def sledai_visits(
    *, completeness: Completeness = "any", max_present: int = 24
) -> st.SearchStrategy[SledaiVisit]:
    """SLEDAI-2K visits: each descriptor given, derived from its raw value, or both (agreeing).

    Raw values sit on both sides of every laboratory bound of the criteria table (fever > 38.0 °C,
    platelets < 100, WBC < 3.0, proteinuria > 0.5, urine RBC and WBC > 5), at the bound, 0.01 off
    it and on the half-hundredths that round onto or off it (D14, D17); complement and anti-dsDNA
    levels sit on their laboratory limits; joint counts on 1/2/3 (D16). Some descriptors are
    attributed to a cause their definition excludes. Shrinks towards a visit with every
    descriptor absent (score 0).

    Args:
        completeness: ``"complete"``: every descriptor and cause known, so the score is
            determined; ``"partial"``: at least one unknown (D13); ``"any"``: both.
        max_present: the most descriptors present (before causes exclude any).

    Example:
        >>> from hypothesis import find
        >>> from astct_grading import score_sledai2k
        >>> score_sledai2k(find(sledai_visits(completeness="complete"), lambda v: True)).score
        0
    """
    _check_completeness(completeness)
    if not 0 <= max_present <= len(Descriptor):
        raise InvalidArgument(f"max_present must be 0-{len(Descriptor)}, not {max_present!r}")
    return _models(_sledai_dicts(completeness, max_present=max_present), SledaiVisit)


# --- SLE response inputs ---------------------------------------------------------------------


def _split(draw: st.DrawFn, completeness: str, parts: int) -> list[str]:
    """Completeness per part: for ``"partial"``, at least one part is partial."""
    if completeness != "partial":
        return [completeness] * parts
    chosen = draw(st.integers(0, parts - 1))
    return ["partial" if i == chosen else "any" for i in range(parts)]


@st.composite
def _visit_pairs(draw: st.DrawFn, completeness: Sequence[str], max_present: int) -> Record:
    first = None
    second = None
    if draw(st.booleans()):  # dated visits: the follow-up never before the baseline
        first = draw(st.dates(date(2000, 1, 1), date(2039, 1, 1)))
        second = first + timedelta(days=draw(st.sampled_from([0, 1, 90]) | st.integers(0, 700)))
    return {
        "baseline": draw(_sledai_dicts(completeness[0], first, max_present, dated=False)),
        "follow_up": draw(_sledai_dicts(completeness[1], second, max_present, dated=False)),
    }


def _fill(
    draw: st.DrawFn, record: Record, values: Mapping[str, st.SearchStrategy[Any]], mode: str
) -> None:
    """Add the definition's inputs: all (complete), or some unknown (partial needs one)."""
    keys = list(values)
    blank = set(_slots_to_blank(draw, keys, mode))
    for key in keys:
        if key not in blank:
            record[key] = draw(values[key])


_PGA = _hundredths(0, 3)


@st.composite
def _change_dicts(draw: st.DrawFn, completeness: str) -> Record:
    return draw(_visit_pairs(_split(draw, completeness, 2), 8))


@st.composite
def _sri4_dicts(draw: st.DrawFn, completeness: str) -> Record:
    modes = _split(draw, completeness, 3)
    record = draw(_visit_pairs(modes[:2], 8))
    base = draw(st.sampled_from([1.0, 0.0, 2.7]) | _PGA)
    step = draw(st.sampled_from(_near(SRI4_PGA_INCREASE_BELOW, -0.01, 0.01)) | _hundredths(-3, 3))
    follow = round(min(3.0, max(0.0, base + step)), 2)
    edges_a = [SRI4_MAX_NEW_BILAG_A, SRI4_MAX_NEW_BILAG_A + 1]
    edges_b = [SRI4_MAX_NEW_BILAG_B, SRI4_MAX_NEW_BILAG_B + 1]
    values = {
        "new_bilag_a": st.sampled_from(edges_a) | st.integers(0, 9),
        "new_bilag_b": st.sampled_from(edges_b) | st.integers(0, 9),
        "pga_baseline": st.just(base),
        "pga_follow_up": st.just(follow),
    }
    _fill(draw, record, values, modes[2])
    return record


def _one_visit(draw: st.DrawFn, completeness: str) -> tuple[Record, str]:
    modes = _split(draw, completeness, 2)
    return {"visit": draw(_sledai_dicts(modes[0], max_present=4))}, modes[1]


@st.composite
def _doris_dicts(draw: st.DrawFn, completeness: str) -> Record:
    record, mode = _one_visit(draw, completeness)
    values = {
        "pga": _edged(_near(DORIS_PGA_BELOW, -0.01, 0.01), 0, 3),
        "prednisolone_mg_day": _edged(_near(DORIS_PREDNISOLONE_MAX_MG, -0.01, 0.01), 0, 60),
        "stable_maintenance": st.booleans(),
    }
    _fill(draw, record, values, mode)
    return record


@st.composite
def _lldas_dicts(draw: st.DrawFn, completeness: str) -> Record:
    record, mode = _one_visit(draw, completeness)
    values = {
        "haemolytic_anaemia": st.sampled_from([False, True]),
        "gastrointestinal_activity": st.sampled_from([False, True]),
        "new_activity": st.sampled_from([False, True]),
        "pga": _edged(_near(LLDAS_PGA_MAX, -0.01, 0.01), 0, 3),
        "prednisolone_mg_day": _edged(_near(LLDAS_PREDNISOLONE_MAX_MG, -0.01, 0.01), 0, 60),
        "standard_maintenance": st.sampled_from([True, False]),
    }
    _fill(draw, record, values, mode)
    return record


def sledai_change_inputs(
    *, completeness: Completeness = "any"
) -> st.SearchStrategy[SledaiChangeInput]:
    """A baseline and a follow-up visit; when dated, the follow-up is not before the baseline.

    Each visit is drawn as by :func:`sledai_visits` (with at most 8 descriptors present). Shrinks
    towards two undated visits with every descriptor absent (change 0).

    Args:
        completeness: ``"complete"``: both visits determined; ``"partial"``: at least one visit
            has an unknown; ``"any"``: both.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading import change_from_baseline
        >>> change_from_baseline(
        ...     find(sledai_change_inputs(completeness="complete"), lambda p: True)
        ... ).change
        0
    """
    _check_completeness(completeness)
    return _models(_change_dicts(completeness), SledaiChangeInput)


def sri4_inputs(*, completeness: Completeness = "any") -> st.SearchStrategy[Sri4Input]:
    """SRI-4 inputs: two visits, new BILAG counts and a PGA at both visits.

    New BILAG counts sit on their limits (A: 0/1, B: 1/2) and the PGA increase on 0.3 (0.29, 0.3,
    0.31).

    Shrinks towards two visits with every descriptor absent, no new BILAG A, one new BILAG B and a
    PGA rising from 1.0 to 1.3 (not a response: no reduction, and the PGA rose by 0.3).

    Args:
        completeness: ``"complete"``: every input given, so the outcome is met or not met;
            ``"partial"``: at least one unknown (D13); ``"any"``: both.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading import assess_sri4
        >>> assess_sri4(find(sri4_inputs(completeness="complete"), lambda i: True)).outcome.value
        'not_met'
    """
    _check_completeness(completeness)
    return _models(_sri4_dicts(completeness), Sri4Input)


def doris_inputs(*, completeness: Completeness = "any") -> st.SearchStrategy[DorisInput]:
    """DORIS 2021 remission inputs: one visit, a PGA, a prednisolone dose and maintenance therapy.

    The visit has at most 4 descriptors present; the PGA sits on 0.5 and the dose on 5 mg/day
    (each 0.01 either side).

    Shrinks towards a visit with nothing present, PGA 0.5 and 5 mg/day (not in remission: PGA
    must be below 0.5).

    Args:
        completeness: ``"complete"``: every input given; ``"partial"``: at least one unknown;
            ``"any"``: both.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading import assess_doris_remission
        >>> found = find(doris_inputs(completeness="complete"), lambda i: True)
        >>> assess_doris_remission(found).outcome.value
        'not_met'
    """
    _check_completeness(completeness)
    return _models(_doris_dicts(completeness), DorisInput)


def lldas_inputs(*, completeness: Completeness = "any") -> st.SearchStrategy[LldasInput]:
    """LLDAS inputs: one visit, a PGA, a prednisolone dose and the yes/no criteria.

    The visit has at most 4 descriptors present (around the SLEDAI-2K limit of 4); the PGA sits on
    1.0 and the dose on 7.5 mg/day (each 0.01 either side).

    Shrinks towards a visit with nothing present, PGA 1.0, 7.5 mg/day and standard maintenance
    (LLDAS met).

    Args:
        completeness: ``"complete"``: every input given; ``"partial"``: at least one unknown;
            ``"any"``: both.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading import assess_lldas
        >>> assess_lldas(find(lldas_inputs(completeness="complete"), lambda i: True)).outcome.value
        'met'
    """
    _check_completeness(completeness)
    return _models(_lldas_dicts(completeness), LldasInput)
