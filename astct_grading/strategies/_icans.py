"""Strategies for the ICANS inputs (ASTCT 2019): ICE, CAPD and ICANS assessments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from astct_grading.core.validation import (
    quantize,
)
from astct_grading.criteria.icans import (
    CAPD_BANDS,
    CAPD_ITEM_MAX,
    CAPD_ITEMS,
    CAPD_MAX,
    ICE_BANDS,
    ICE_DOMAINS,
    ICE_ITEMS,
    ICE_MAX,
    ICE_MIN_AGE_YEARS,
    RASS_DEEP_SEDATION_MAX,
    SEIZURE_PROLONGED_MIN,
    CapdAnswer,
    ConsciousnessLevel,
    IcpFinding,
    MotorFinding,
)
from astct_grading.icans import CapdAssessment, IcansAssessment, IceAssessment
from astct_grading.strategies._common import (
    Completeness,
    Record,
    _check_completeness,
    _edged,
    _hundredths,
    _near,
)
from astct_grading.strategies._crs import (
    _CAUSES,
    _blank,
    _models,
    _slots_to_blank,
)

# --- ICE, CAPD, ICANS ------------------------------------------------------------------------

_ICE_NAMES = [item.name for item in ICE_ITEMS]
_CAPD_NAMES = [item.name for item in CAPD_ITEMS]
_CAPD_POINT_NAMES = [f"{name}_points" for name in _CAPD_NAMES]
#: Both ends of every ICE band (D10): 10, 9, 7, 6, 3, 2, 0.
_ICE_EDGES = sorted({end for low, high, _ in ICE_BANDS for end in (low, high)}, reverse=True)
#: Both ends of every CAPD band (D8): 0, 1, 8, 9, 32.
_CAPD_EDGES = sorted({end for low, high, _ in CAPD_BANDS for end in (low, high)})
_ANSWERS = list(CapdAnswer)


def _total_in(edges: Sequence[int], low: int, high: int) -> st.SearchStrategy[int]:
    inside = [edge for edge in edges if low <= edge <= high]
    spread = st.integers(low, high)
    return st.one_of(st.sampled_from(inside), spread) if inside else spread


@st.composite
def _ice_dicts(
    draw: st.DrawFn,
    completeness: str,
    low: int = 0,
    high: int = ICE_MAX,
    not_performed: bool = True,
) -> Record:
    kinds = ["items", "total", "both", "domains"]
    if completeness == "partial":
        kinds = ["items", "domains"]
    elif not_performed and low == 0:
        kinds.append("unarousable")  # ICE 0, determined (D10)
        if completeness == "any":
            kinds.append("sedated_or_intubated")  # not assessable: no score (D10)
    kind = draw(st.sampled_from(kinds))
    if kind in ("unarousable", "sedated_or_intubated"):
        return {"not_performed": kind}
    total = draw(_total_in(_ICE_EDGES, low, high))
    correct = set(draw(st.permutations(_ICE_NAMES))[:total])
    items = {name: int(name in correct) for name in _ICE_NAMES}
    if kind == "domains":
        return _ice_domain_dicts(draw, items, completeness)
    record: Record = {} if kind == "total" else dict(items)
    if kind != "items":
        record["total"] = total
    if kind == "items":
        for name in _slots_to_blank(draw, _ICE_NAMES, completeness):
            _blank(record, name, draw)
    return record


def _ice_domain_dicts(draw: st.DrawFn, items: dict[str, int], completeness: str) -> Record:
    """The ICE by domain (D10): each domain as its subtotal, its items, or both (agreeing).

    With ``partial``, at least one domain is left out entirely (its subtotal and its items).
    """
    record: Record = {}
    for domain, names in ICE_DOMAINS.items():
        form = draw(st.sampled_from(["subtotal", "items", "both"]))
        if form != "subtotal":
            record.update({name: items[name] for name in names})
        if form != "items":
            record[domain] = sum(items[name] for name in names)
    if completeness == "partial":
        for domain in draw(st.lists(st.sampled_from(list(ICE_DOMAINS)), min_size=1, unique=True)):
            for key in (domain, *ICE_DOMAINS[domain]):
                record.pop(key, None)
    return record


def _check_range(low: int, high: int, top: int) -> None:
    if not 0 <= low <= high <= top:
        raise InvalidArgument(f"need 0 <= min_value <= max_value <= {top}, not {low}, {high}")


def ice_assessments(
    *, completeness: Completeness = "any", min_value: int = 0, max_value: int = ICE_MAX
) -> st.SearchStrategy[IceAssessment]:
    """ICE assessments (D10): ten items, a total, or both, or a reason the ICE was not done.

    Totals lean on both ends of every band (10, 9, 7, 6, 3, 2, 0), with the correct items spread
    over the ten. With ``"any"``, some ICEs are not performed (unarousable: ICE 0; sedated or
    intubated: not assessable, no score). Shrinks towards the record with the fewest inputs (an
    ICE not performed when ``"any"`` allows it), else towards a score of 10 given item by item.

    Args:
        completeness: ``"complete"``: the score is determined; ``"partial"``: some items are
            unknown (no total); ``"any"``: both, and not-assessable ICEs.
        min_value: the lowest total drawn (the complete score, before items are blanked).
        max_value: the highest total drawn.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading.icans import score_ice
        >>> score_ice(find(ice_assessments(completeness="complete"), lambda a: True)).score
        0
        >>> found = find(ice_assessments(min_value=3, max_value=6), lambda a: True)
        >>> 3 <= score_ice(found).score <= 6
        True
    """
    _check_completeness(completeness)
    _check_range(min_value, max_value, ICE_MAX)
    return _models(_ice_dicts(completeness, min_value, max_value), IceAssessment)


@st.composite
def _capd_points(draw: st.DrawFn, total: int) -> dict[str, int]:
    """Points per item adding up to ``total``, spread over the items in a drawn order."""
    order = draw(st.permutations(_CAPD_NAMES))
    points: dict[str, int] = {}
    remaining = total
    for left, name in zip(range(len(order) - 1, -1, -1), order, strict=True):
        low = max(0, remaining - CAPD_ITEM_MAX * left)
        points[name] = draw(st.integers(low, min(CAPD_ITEM_MAX, remaining)))
        remaining -= points[name]
    return points


def _answer(name: str, points: int) -> str:
    reverse = next(item.reverse for item in CAPD_ITEMS if item.name == name)
    return _ANSWERS[CAPD_ITEM_MAX - points if reverse else points].value


_SCORED_RASS = st.none() | st.integers(RASS_DEEP_SEDATION_MAX + 1, 4)
_DEEP_RASS = st.integers(-5, RASS_DEEP_SEDATION_MAX)


@st.composite
def _capd_dicts(
    draw: st.DrawFn,
    completeness: str,
    low: int = 0,
    high: int = CAPD_MAX,
    not_performed: bool = True,
) -> Record:
    kinds = ["answers", "total", "both", "points"]
    if completeness == "partial":
        kinds = ["answers", "points"]
    elif completeness == "any" and not_performed:
        kinds += ["unable", "deep_sedation", "neuromuscular_blockade", "deep_rass"]
    kind = draw(st.sampled_from(kinds))
    if kind == "unable":  # unable because of ICANS: grade 4 (D8); never under deep sedation
        return {"not_performed": kind, **_maybe("rass", draw(_SCORED_RASS))}
    if kind == "deep_sedation":
        return {"not_performed": kind, **_maybe("rass", draw(st.none() | _DEEP_RASS))}
    if kind == "neuromuscular_blockade":
        return {"not_performed": kind}
    if kind == "deep_rass":  # RASS -4 or -5: not scored, not assessable (D8)
        return {"rass": draw(_DEEP_RASS)}
    total = draw(_total_in(_CAPD_EDGES, low, high))
    points = draw(_capd_points(total))
    if kind == "points":
        record = _capd_point_dicts(draw, points, total)
    else:
        record = {} if kind == "total" else {n: _answer(n, points[n]) for n in _CAPD_NAMES}
        if kind != "answers":
            record["total"] = total
    record.update(_maybe("rass", draw(_SCORED_RASS)))
    if kind in ("answers", "points"):
        for name in _slots_to_blank(draw, _CAPD_NAMES, completeness):
            _blank(record, name, draw)
            record.pop(f"{name}_points", None)
            if "total" in record:
                del record["total"]
    return record


def _capd_point_dicts(draw: st.DrawFn, points: dict[str, int], total: int) -> Record:
    """The CAPD as charted points (D8), each item in one of three forms.

    An item is its scored points (0-4 after the reverse scoring of items 1-4), its answer, or
    both (agreeing); the total is given or not.
    """
    record: Record = {}
    for name in _CAPD_NAMES:
        form = draw(st.sampled_from(["points", "answer", "both"]))
        if form != "points":
            record[name] = _answer(name, points[name])
        if form != "answer":
            record[f"{name}_points"] = points[name]
    if draw(st.booleans()):
        record["total"] = total
    return record


def _maybe(key: str, value: Any) -> Record:
    return {} if value is None else {key: value}


def capd_assessments(
    *, completeness: Completeness = "any", min_value: int = 0, max_value: int = CAPD_MAX
) -> st.SearchStrategy[CapdAssessment]:
    """CAPD assessments (D8): eight answers, a total, or both, with an optional RASS.

    Totals lean on both ends of every band (0, 1, 8, 9, 32); the answers are spread over the
    reverse-scored and the directly scored items to add up to the total. Some CAPDs chart items as
    their scored points (``<item>_points``, 0-4 after the reverse scoring of items 1-4), alone or
    beside the answer (agreeing), with or without the total. A RASS, when given, is
    above deep sedation (-3 to +4) for a scored CAPD. With ``"any"``, some CAPDs are not done
    (unable because of ICANS; deep sedation; neuromuscular blockade). Shrinks towards the record
    with the fewest inputs (a CAPD not performed when ``"any"`` allows it), else a total of 0.

    Args:
        completeness: ``"complete"``: the total is determined; ``"partial"``: some answers are
            unknown (no total); ``"any"``: both, and CAPDs without a total.
        min_value: the lowest total drawn (before answers are blanked).
        max_value: the highest total drawn.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading.icans import score_capd
        >>> strategy = capd_assessments(completeness="complete", min_value=8, max_value=9)
        >>> found = find(strategy, lambda a: True)
        >>> score_capd(found).score in (8, 9)
        True
    """
    _check_completeness(completeness)
    _check_range(min_value, max_value, CAPD_MAX)
    return _models(_capd_dicts(completeness, min_value, max_value), CapdAssessment)


#: Ages on and beside the ICE/CAPD cut of D7 (12.0 years, compared at 0.01 year: 11.995 is 12.0).
_AGE_EDGES = _near(ICE_MIN_AGE_YEARS, -0.01, 0.01, -0.005, -0.006)
#: Seizure durations on and beside "> 5 minutes" (D11), compared at 0.01 min.
_SEIZURE_EDGES = _near(SEIZURE_PROLONGED_MIN, -0.01, 0.01, 0.004, 0.005)

_ICANS_SLOTS = (
    "age_years",
    "developmental_delay",
    "instrument",
    "instrument_items",
    "encephalopathy_other_cause",
    "consciousness",
    "consciousness_other_cause",
    "seizure",
    "seizure_details",
    "seizure_other_cause",
    "motor",
    "motor_other_cause",
    "icp",
    "icp_other_cause",
    "death_due_to_icans",
)


@st.composite
def _icans_dicts(  # noqa: PLR0915 - one line per input of the model
    draw: st.DrawFn, completeness: str, in_course: bool = False
) -> Record:
    age = draw(st.sampled_from([40.0, *_AGE_EDGES, 0.0, 130.0]) | _hundredths(0, 130))
    delay = draw(st.sampled_from([False, False, False, True]))
    capd_used = delay or quantize(age) < ICE_MIN_AGE_YEARS  # D7
    level = draw(st.sampled_from(list(ConsciousnessLevel)))
    sedated = draw(_CAUSES)  # depressed consciousness from another cause, e.g. sedation (D9)
    unarousable = level is ConsciousnessLevel.UNAROUSABLE
    record: Record = {"age_years": age, "developmental_delay": delay}
    instrument = "capd" if capd_used else "ice"
    if unarousable and capd_used:
        reason = draw(st.sampled_from(["deep_sedation", "neuromuscular_blockade"]))
        record["capd"] = {"not_performed": reason if sedated else "unable"}
    elif unarousable:
        record["ice"] = {"not_performed": "sedated_or_intubated" if sedated else "unarousable"}
    elif capd_used:
        record["capd"] = draw(_capd_dicts("complete", not_performed=False))
    else:
        record["ice"] = draw(_ice_dicts("complete", not_performed=False))
    ice_zero = record.get("ice", {}).get("total") == 0 or (
        record.get("ice") and sum(record["ice"].get(n, 0) for n in _ICE_NAMES) == 0
    )
    record["encephalopathy_other_cause"] = draw(_CAUSES)
    record["consciousness"] = level.value
    record["consciousness_other_cause"] = sedated
    # Global aphasia matters only for an ICE of 0 in an awake patient (D10).
    record["global_aphasia"] = bool(not unarousable and ice_zero and draw(st.booleans()))
    if not draw(st.booleans()):
        record["seizure"] = False
    else:
        record["seizure"] = True
        how = draw(st.sampled_from(["duration", "flag", "both"]))
        minutes = draw(_edged(_SEIZURE_EDGES, 0.01, 120.0))
        if how != "flag":
            record["seizure_duration_min"] = minutes
        if how != "duration":
            over = quantize(minutes) > SEIZURE_PROLONGED_MIN
            record["seizure_over_5_min"] = over if how == "both" else draw(st.booleans())
        record["seizure_without_return_to_baseline"] = draw(st.booleans())
    record["seizure_other_cause"] = draw(_CAUSES)
    record["motor"] = draw(st.sampled_from(list(MotorFinding))).value
    record["motor_other_cause"] = draw(_CAUSES)
    record["icp"] = [f.value for f in draw(st.lists(st.sampled_from(list(IcpFinding)), max_size=3))]
    record["icp_other_cause"] = draw(_CAUSES)
    for name in ("tremor", "myoclonus", "intracranial_haemorrhage"):  # recorded, never graded
        value = draw(st.sampled_from([None, False, True]))
        if value is not None:
            record[name] = value
    if not in_course:
        record["death_due_to_icans"] = draw(st.sampled_from([False, False, True]))

    slots = [s for s in _ICANS_SLOTS if s in record or s.startswith(("instrument", "seizure"))]
    if not any(
        n in record[instrument]
        for n in (_ICE_NAMES if instrument == "ice" else [*_CAPD_NAMES, *_CAPD_POINT_NAMES])
    ):
        slots.remove("instrument_items")
    if record["seizure"] is False:
        slots.remove("seizure_details")
    for slot in _slots_to_blank(draw, slots, completeness):
        if slot == "instrument":
            _blank(record, instrument, draw)
        elif slot == "instrument_items":
            if isinstance(record.get(instrument), dict):
                names = _ICE_NAMES if instrument == "ice" else _CAPD_NAMES
                part = record[instrument]
                part.pop("total", None)
                for name in draw(st.lists(st.sampled_from(names), min_size=1, unique=True)):
                    _blank(part, name, draw)
                    part.pop(f"{name}_points", None)  # a CAPD item charted as points
        elif slot == "seizure":
            for key in ("seizure", "seizure_duration_min", "seizure_over_5_min"):
                record.pop(key, None)
            record.pop("seizure_without_return_to_baseline", None)
        elif slot == "seizure_details":
            for key in ("seizure_duration_min", "seizure_over_5_min"):
                record.pop(key, None)
        elif slot.endswith("other_cause") or slot in ("developmental_delay", "death_due_to_icans"):
            record[slot] = None  # these default to False: unknown must be an explicit null
        else:
            _blank(record, slot, draw)
    return record


def icans_assessments(*, completeness: Completeness = "any") -> st.SearchStrategy[IcansAssessment]:
    """ICANS assessments (ASTCT 2019): the instrument that fits the age (D7) and coherent domains.

    Ages lean on the 12.0-year cut (11.99, 11.995 which counts as 12.0, 12.0, 12.01); ICE totals
    on every band edge and CAPD totals on 0/1/8/9; seizure durations on "> 5 minutes" (5.0, 5.004,
    5.005, 5.01). An unarousable patient has an ICE not performed (unarousable, or sedated when
    depressed consciousness has another cause) or a CAPD the child was unable to perform (or not
    assessable under sedation); global aphasia appears only with an ICE of 0. Shrinks towards a
    40-year-old (ICE) with the fewest inputs, e.g. an unarousable patient whose ICE was not done.

    Args:
        completeness: ``"complete"``: every input the grade needs, so it is determined;
            ``"partial"``: at least one unknown input (D13); ``"any"``: both.

    Example:
        >>> from hypothesis import given, settings
        >>> from astct_grading.icans import grade_icans
        >>> @settings(max_examples=25, deadline=None)
        ... @given(icans_assessments(completeness="complete"))
        ... def test_the_instrument_is_known(assessment):
        ...     assert grade_icans(assessment).instrument in ("ICE", "CAPD")
        >>> test_the_instrument_is_known()
    """
    _check_completeness(completeness)
    return _models(_icans_dicts(completeness), IcansAssessment)
