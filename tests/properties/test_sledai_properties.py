"""SLEDAI-2K properties (Hypothesis): sum of weights, monotonicity, tight bounds (D13), clinical
SLEDAI never above SLEDAI-2K, JSON round trip, dict and model alike."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from itertools import product
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from astct_grading.sle.descriptors import entries, totals
from astct_grading.sle.options import DEFAULT_OPTIONS
from astct_grading.sle.sledai import (
    AntiDsDnaMeasurement,
    ComplementMeasurement,
    Sledai2kResult,
    SledaiItem,
    SledaiVisit,
    score_sledai2k,
)
from tests.sledai_form import WEIGHTS

SEROLOGY = {"low_complement", "increased_dna_binding"}
WITH_EXCLUSIONS = (
    "seizure",
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cerebrovascular_accident",
    "haematuria",
    "pyuria",
    "fever",
    "thrombocytopenia",
    "leukopenia",
)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)

known_flags = st.booleans()
flags = st.sampled_from([True, False, None])


@st.composite
def known_visits(draw: st.DrawFn) -> dict[str, Any]:
    """Fully known visits (every descriptor and cause given); shrinks towards all absent."""
    data: dict[str, Any] = {name: draw(known_flags) for name in WEIGHTS}
    for name in WITH_EXCLUSIONS:
        data[f"{name}_other_cause"] = draw(known_flags)
    return data


@st.composite
def partial_visits(draw: st.DrawFn, max_unknown: int = 6) -> dict[str, Any]:
    """Visits with a few unknown descriptors or causes; shrinks towards all absent."""
    data = draw(known_visits())
    fields = list(data)
    for field in draw(st.lists(st.sampled_from(fields), max_size=max_unknown, unique=True)):
        data[field] = None
    return data


def _hundredths(low: int, high: int) -> st.SearchStrategy[float]:
    return st.integers(low, high).map(lambda n: n / 100)


@st.composite
def raw_visits(draw: st.DrawFn) -> dict[str, Any]:
    """Visits with raw measurements, descriptors left to them or agreeing; any window and date."""
    data = draw(partial_visits(max_unknown=4))
    unit = draw(st.sampled_from(["C", "F"]))
    raws: dict[str, Any] = {
        "temperature": {
            "value": draw(_hundredths(3600, 4100) if unit == "C" else _hundredths(9700, 10600)),
            "unit": unit,
        },
        "platelets_10e9_l": draw(_hundredths(0, 40000)),
        "wbc_10e9_l": draw(_hundredths(0, 2000)),
        "proteinuria_g_24h": draw(_hundredths(0, 500)),
        "urine_rbc_per_hpf": draw(_hundredths(0, 2000)),
        "urine_wbc_per_hpf": draw(_hundredths(0, 2000)),
        "c3": {"value": draw(_hundredths(0, 200)), "lower_limit": 0.9, "unit": "g/L"},
        "c4": {"value": draw(_hundredths(0, 50)), "lower_limit": 0.1},
        "anti_dsdna": {"value": draw(_hundredths(0, 10000)), "upper_limit": 30.0},
        "arthritis_joint_count": draw(st.integers(0, 68)),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(raws)), max_size=3, unique=True))
    data.update({field: raws[field] for field in chosen})
    by_field = {
        "temperature": "fever",
        "platelets_10e9_l": "thrombocytopenia",
        "wbc_10e9_l": "leukopenia",
        "proteinuria_g_24h": "proteinuria",
        "urine_rbc_per_hpf": "haematuria",
        "urine_wbc_per_hpf": "pyuria",
        "c3": "low_complement",
        "c4": "low_complement",
        "anti_dsdna": "increased_dna_binding",
        "arthritis_joint_count": "arthritis",
    }
    for field in chosen:
        data[by_field[field]] = None  # let the raw value decide
    data["window_days"] = draw(st.sampled_from([10, 30]))
    data["visit_date"] = draw(st.none() | st.dates().map(lambda d: d.isoformat()))
    return data


def _items(data: dict[str, Any]) -> dict[str, SledaiItem]:
    result = score_sledai2k(data)
    return {item.name: item for item in result.items if isinstance(item, SledaiItem)}


@PROPERTY_SETTINGS
@given(known_visits())
def test_score_is_the_sum_of_the_weights_present(data: dict[str, Any]) -> None:
    expected = sum(
        weight
        for name, weight in WEIGHTS.items()
        if data[name] and not data.get(f"{name}_other_cause", False)
    )
    result = score_sledai2k(data)
    assert result.score == expected
    clinical = sum(
        weight
        for name, weight in WEIGHTS.items()
        if name not in SEROLOGY and data[name] and not data.get(f"{name}_other_cause", False)
    )
    assert result.clinical_score == clinical
    assert result.missing == ()


@PROPERTY_SETTINGS
@given(known_visits(), st.sampled_from(sorted(WEIGHTS)))
def test_score_is_monotone_in_each_descriptor(data: dict[str, Any], name: str) -> None:
    absent = score_sledai2k({**data, name: False})
    present = score_sledai2k({**data, name: True})
    assert absent.score is not None
    assert present.score is not None
    excluded = data.get(f"{name}_other_cause", False)
    assert present.score - absent.score == (0 if excluded else WEIGHTS[name])
    assert present.clinical_score is not None
    assert absent.clinical_score is not None
    assert present.clinical_score >= absent.clinical_score


def _scored(data: dict[str, Any]) -> Sledai2kResult | None:
    try:
        return score_sledai2k(data)
    except ValidationError:
        # That completion contradicts a raw value (D17), or the joint count under the default
        # arthritis reading (D16): not a possible visit.
        return None


def _completions(data: dict[str, Any]) -> list[Sledai2kResult]:
    """The scores of every visit the unknowns could be (each None set to True or to False)."""
    unknown = [field for field, value in data.items() if value is None and field != "visit_date"]
    candidates = (
        _scored({**data, **dict(zip(unknown, values, strict=True))})
        for values in product([False, True], repeat=len(unknown))
    )
    return [v for v in candidates if v is not None]


@PROPERTY_SETTINGS
@given(partial_visits() | raw_visits())
def test_bounds_are_sound_and_tight(data: dict[str, Any]) -> None:
    result = score_sledai2k(data)
    scores = _completions(data)
    assert all(s.score is not None and s.clinical_score is not None for s in scores)
    totals = {s.score_min for s in scores}
    clinical = {s.clinical_score_min for s in scores}
    assert (min(totals), max(totals)) == (result.score_min, result.score_max)
    assert (min(clinical), max(clinical)) == (result.clinical_score_min, result.clinical_score_max)
    assert (result.score is None) == (len(totals) > 1)
    assert bool(result.missing) == (len(totals) > 1)
    bands = {s.activity_band for s in scores}
    assert (result.activity_band is None) == (len(bands) > 1)


@PROPERTY_SETTINGS
@given(partial_visits() | raw_visits())
def test_each_open_descriptor_names_what_it_needs(data: dict[str, Any]) -> None:
    for name, item in _items(data).items():
        assert bool(item.missing) == (item.points is None)
        assert item.points_max in (0, WEIGHTS[name])
        assert item.points_min in (0, WEIGHTS[name])


@PROPERTY_SETTINGS
@given(partial_visits() | raw_visits())
def test_clinical_sledai_never_exceeds_sledai_2k(data: dict[str, Any]) -> None:
    result = score_sledai2k(data)
    assert result.clinical_score_min <= result.score_min
    assert result.clinical_score_max <= result.score_max
    items = [item for item in result.items if isinstance(item, SledaiItem)]
    serology = sum(item.points_min for item in items if item.serological)
    assert result.score_min - result.clinical_score_min == serology


@PROPERTY_SETTINGS
@given(raw_visits())
def test_visit_json_round_trip(data: dict[str, Any]) -> None:
    model = SledaiVisit.model_validate(data)
    again = SledaiVisit.model_validate_json(model.model_dump_json())
    assert again == model
    assert score_sledai2k(again) == score_sledai2k(model)


@PROPERTY_SETTINGS
@given(
    st.builds(
        ComplementMeasurement,
        value=st.floats(0, 1e6),
        lower_limit=st.floats(1e-6, 1e6),
        unit=st.none() | st.text(min_size=1, max_size=32),
    ),
    st.builds(
        AntiDsDnaMeasurement,
        value=st.floats(0, 1e6),
        upper_limit=st.floats(1e-6, 1e6),
        unit=st.none() | st.text(min_size=1, max_size=32),
    ),
)
def test_measurement_json_round_trip(
    complement: ComplementMeasurement, dna: AntiDsDnaMeasurement
) -> None:
    assert ComplementMeasurement.model_validate_json(complement.model_dump_json()) == complement
    assert AntiDsDnaMeasurement.model_validate_json(dna.model_dump_json()) == dna


@PROPERTY_SETTINGS
@given(partial_visits() | raw_visits())
def test_dict_and_model_give_the_same_result(data: dict[str, Any]) -> None:
    assert score_sledai2k(data) == score_sledai2k(SledaiVisit.model_validate(data))


@PROPERTY_SETTINGS
@given(partial_visits() | raw_visits())
def test_explanation_agrees_with_the_result(data: dict[str, Any]) -> None:
    result = score_sledai2k(data)
    if result.score is not None:
        assert result.explanation.startswith(f"SLEDAI-2K {result.score}, ")
    else:
        assert result.explanation.startswith(
            f"SLEDAI-2K {result.score_min} to {result.score_max} (undetermined)"
        )
    for item in result.items:
        if item.points_min > 0:
            assert f"{item.name} {item.points_min} (" in result.explanation
        if item.points is None:
            assert f"{item.name} 0 or {item.points_max}" in result.explanation


# --- The result, built with its explaining parts deferred (sle/results.py) -------------------


def _deferred_and_whole(data: dict[str, Any]) -> tuple[Sledai2kResult, Sledai2kResult, list[int]]:
    """``score_sledai2k``'s result with its explaining parts counted, and the same result built
    whole with the dataclass constructor from the parts the visit gives."""
    deferred = score_sledai2k(data)
    explain = object.__getattribute__(deferred, "_explain")
    calls: list[int] = []

    def counted() -> Any:
        calls.append(1)
        return explain()

    object.__setattr__(deferred, "_explain", counted)
    items, missing, decisions, explanation, excluded = explain()
    whole = Sledai2kResult(
        scale="SLEDAI-2K",
        score=deferred.score,
        score_min=deferred.score_min,
        score_max=deferred.score_max,
        items=items,
        missing=missing,
        decisions=decisions,
        criteria_version=deferred.criteria_version,
        explanation=explanation,
        clinical_score=deferred.clinical_score,
        clinical_score_min=deferred.clinical_score_min,
        clinical_score_max=deferred.clinical_score_max,
        activity_band=deferred.activity_band,
        activity_band_min=deferred.activity_band_min,
        activity_band_max=deferred.activity_band_max,
        band_source=deferred.band_source,
        window_days=deferred.window_days,
        visit_date=deferred.visit_date,
        excluded=excluded,
    )
    return deferred, whole, calls


@PROPERTY_SETTINGS
@given(partial_visits() | raw_visits())
def test_a_deferred_result_reads_and_compares_as_the_result_built_whole(
    data: dict[str, Any],
) -> None:
    deferred, whole, calls = _deferred_and_whole(data)
    assert deferred.scale == "SLEDAI-2K"
    assert (deferred.score, deferred.clinical_score) == (
        deferred.score_min if deferred.score_min == deferred.score_max else None,
        deferred.clinical_score_min
        if deferred.clinical_score_min == deferred.clinical_score_max
        else None,
    )
    assert deferred.activity_band == (
        deferred.activity_band_min
        if deferred.activity_band_min is deferred.activity_band_max
        else None
    )
    assert calls == []  # the scores, bands and window do not compute the explaining parts
    assert deferred.excluded == whole.excluded
    assert calls == [1]
    assert (deferred.items, deferred.missing, deferred.decisions, deferred.explanation) == (
        whole.items,
        whole.missing,
        whole.decisions,
        whole.explanation,
    )
    assert calls == [1]  # computed once, then kept
    assert deferred == whole
    assert hash(deferred) == hash(whole)
    assert repr(deferred) == repr(whole)
    assert deferred.to_json() == whole.to_json()


@PROPERTY_SETTINGS
@given(partial_visits() | raw_visits())
def test_a_deferred_result_pickles_and_copies_as_the_result_built_whole(
    data: dict[str, Any],
) -> None:
    # Each copy is made from a fresh result, whose explaining parts are not computed yet.
    deferred, whole, _ = _deferred_and_whole(data)
    again = pickle.loads(pickle.dumps(deferred))
    assert type(again) is Sledai2kResult
    assert again == whole
    assert again.to_json() == whole.to_json()
    assert pickle.loads(pickle.dumps(whole)) == whole
    for copier in (copy.copy, copy.deepcopy, dataclasses.replace):
        fresh, _, _ = _deferred_and_whole(data)
        assert copier(fresh) == whole


# --- The totals found without the entries (sle/descriptors.py ``totals``) ----------------------

_RAW_FIELDS = (
    "temperature",
    "platelets_10e9_l",
    "wbc_10e9_l",
    "proteinuria_g_24h",
    "urine_rbc_per_hpf",
    "urine_wbc_per_hpf",
    "c3",
    "c4",
    "anti_dsdna",
    "arthritis_joint_count",
)


def _entry_sums(visit: SledaiVisit) -> tuple[int, ...]:
    found = entries(visit.__dict__, DEFAULT_OPTIONS)
    return (
        sum(entry[1] for entry in found),
        sum(entry[2] for entry in found),
        sum(entry[3] for entry in found),
        sum(entry[4] for entry in found),
    )


@PROPERTY_SETTINGS
@given(known_visits() | partial_visits() | raw_visits())
def test_the_totals_are_the_sums_of_the_entries_unless_raw_values_are_given(
    data: dict[str, Any],
) -> None:
    visit = SledaiVisit.model_validate(data)
    found = totals(visit.__dict__)
    if any(data.get(field) is not None for field in _RAW_FIELDS):
        assert found is None
    else:
        assert found == _entry_sums(visit)
    result = score_sledai2k(visit)
    scores = (
        result.score_min,
        result.score_max,
        result.clinical_score_min,
        result.clinical_score_max,
    )
    assert scores == _entry_sums(visit)


def test_the_packed_totals_reach_the_highest_score_without_carrying() -> None:
    # Every descriptor present, no excluded cause: 105 and 101 (no serology), the top of each
    # seven-bit total; every descriptor unknown: 0 to 105 and 0 to 101.
    everything = dict.fromkeys(WEIGHTS, True)
    causes = {f"{name}_other_cause": False for name in WITH_EXCLUSIONS}
    assert totals(SledaiVisit.model_validate({**everything, **causes}).__dict__) == (
        105,
        105,
        101,
        101,
    )
    assert totals(SledaiVisit().__dict__) == (0, 105, 0, 101)
    assert totals(SledaiVisit.model_validate(dict.fromkeys(WEIGHTS, False)).__dict__) == (
        0,
        0,
        0,
        0,
    )
