"""SLE response properties (Hypothesis): "cannot tell" exactly when a missing input could change the
answer (D13), its missing inputs exact, JSON round trip, dict and model alike."""

from __future__ import annotations

from collections.abc import Callable
from itertools import product
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from astct_grading.sle.response import (
    DorisInput,
    LldasInput,
    Outcome,
    ResponseResult,
    SledaiChangeInput,
    Sri4Input,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
)
from tests.sledai_form import DESCRIPTORS

# Low-activity visits are the interesting ones: most descriptors absent, a few present or unknown.
MINOR = ("arthritis", "rash", "alopecia", "low_complement", "fever", "leukopenia", "pleurisy")
PROPERTY_SETTINGS = settings(max_examples=120, deadline=None)


@st.composite
def visits(draw: st.DrawFn, max_unknown: int = 2) -> dict[str, Any]:
    """Visits with a few present and at most ``max_unknown`` unknown descriptors; shrinks towards
    all absent."""
    data: dict[str, Any] = dict.fromkeys(DESCRIPTORS, False)
    for name in draw(st.lists(st.sampled_from(DESCRIPTORS), max_size=2, unique=True)):
        data[name] = True
    for name in draw(st.lists(st.sampled_from(MINOR), max_size=3, unique=True)):
        data[name] = True
    for name in draw(st.lists(st.sampled_from(DESCRIPTORS), max_size=max_unknown, unique=True)):
        data[name] = None
    return data


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


pgas = st.integers(0, 300).map(lambda n: n / 100)
doses = st.sampled_from([0.0, 2.5, 5.0, 5.1, 7.5, 7.6, 10.0])

# Each unknown scalar input is completed by the two ends of its range: every criterion is
# monotone in it, so the ends give the best and the worst case.
SCALAR_COMPLETIONS: dict[str, tuple[Any, ...]] = {
    "pga": (0.0, 3.0),
    "pga_baseline": (0.0, 3.0),
    "pga_follow_up": (0.0, 3.0),
    "prednisolone_mg_day": (0.0, 2000.0),
    "new_bilag_a": (0, 9),
    "new_bilag_b": (0, 9),
}


def _completions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every input the unknowns could be: descriptors and flags both ways, scalars both sides."""
    slots: list[tuple[tuple[str, ...], tuple[Any, ...]]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            for name, inner in value.items():
                if inner is None:
                    slots.append(((key, name), (False, True)))
        elif value is None:
            slots.append(((key,), SCALAR_COMPLETIONS.get(key, (False, True))))
    completed = []
    for values in product(*(choices for _, choices in slots)):
        copy = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
        for (path, _), value in zip(slots, values, strict=True):
            if len(path) == 2:
                copy[path[0]][path[1]] = value
            else:
                copy[path[0]] = value
        completed.append(copy)
    return completed


def _check_exact(assess: Callable[[dict[str, Any]], ResponseResult], data: dict[str, Any]) -> None:
    result = assess(data)
    answers = {assess(c).outcome for c in _completions(data)}
    assert Outcome.CANNOT_TELL not in answers
    if result.outcome is Outcome.CANNOT_TELL:
        assert answers == {Outcome.MET, Outcome.NOT_MET}
        assert result.missing
    else:
        assert answers == {result.outcome}
        assert result.missing == ()
    for criterion in result.criteria:
        assert bool(criterion.missing) == (criterion.outcome is Outcome.CANNOT_TELL)


@st.composite
def doris_inputs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "visit": draw(visits()),
        "pga": draw(_maybe(pgas)),
        "prednisolone_mg_day": draw(_maybe(doses)),
        "stable_maintenance": draw(_maybe(st.booleans())),
    }


@st.composite
def lldas_inputs(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "visit": draw(visits()),
        "pga": draw(_maybe(pgas)),
        "prednisolone_mg_day": draw(_maybe(doses)),
    }
    for flag in ("haemolytic_anaemia", "gastrointestinal_activity", "new_activity"):
        data[flag] = draw(st.sampled_from([False, False, True, None]))
    data["standard_maintenance"] = draw(st.sampled_from([True, True, False, None]))
    return data


@st.composite
def sri4_inputs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "baseline": draw(visits()),
        "follow_up": draw(visits()),
        "new_bilag_a": draw(st.sampled_from([0, 0, 1, None])),
        "new_bilag_b": draw(st.sampled_from([0, 1, 2, None])),
        "pga_baseline": draw(_maybe(pgas)),
        "pga_follow_up": draw(_maybe(pgas)),
    }


@PROPERTY_SETTINGS
@given(doris_inputs())
def test_doris_cannot_tell_exactly_when_an_unknown_matters(data: dict[str, Any]) -> None:
    _check_exact(assess_doris_remission, data)


@PROPERTY_SETTINGS
@given(lldas_inputs())
def test_lldas_cannot_tell_exactly_when_an_unknown_matters(data: dict[str, Any]) -> None:
    _check_exact(assess_lldas, data)


@PROPERTY_SETTINGS
@given(sri4_inputs())
def test_sri4_cannot_tell_exactly_when_an_unknown_matters(data: dict[str, Any]) -> None:
    _check_exact(assess_sri4, data)


@PROPERTY_SETTINGS
@given(visits(max_unknown=3), visits(max_unknown=3))
def test_change_from_baseline_bounds_are_sound_and_tight(
    baseline: dict[str, Any], follow_up: dict[str, Any]
) -> None:
    data = {"baseline": baseline, "follow_up": follow_up}
    result = change_from_baseline(data)
    completed = [change_from_baseline(c) for c in _completions(data)]
    assert all(c.change is not None for c in completed)
    changes = {c.change_min for c in completed}
    assert (min(changes), max(changes)) == (result.change_min, result.change_max)
    assert (result.change is None) == (len(changes) > 1) == bool(result.missing)
    assert result.clinical_change_min >= result.change_min - 4
    assert result.change == (
        None
        if result.baseline.score is None or result.follow_up.score is None
        else result.follow_up.score - result.baseline.score
    )


@PROPERTY_SETTINGS
@given(doris_inputs(), lldas_inputs(), sri4_inputs())
def test_input_models_json_round_trip(
    doris: dict[str, Any], lldas: dict[str, Any], sri4: dict[str, Any]
) -> None:
    change = {"baseline": sri4["baseline"], "follow_up": sri4["follow_up"]}
    pairs: list[tuple[type[BaseModel], dict[str, Any]]] = [
        (DorisInput, doris),
        (LldasInput, lldas),
        (Sri4Input, sri4),
        (SledaiChangeInput, change),
    ]
    for model, data in pairs:
        validated = model.model_validate(data)
        assert model.model_validate_json(validated.model_dump_json()) == validated


@PROPERTY_SETTINGS
@given(doris_inputs(), lldas_inputs(), sri4_inputs())
def test_dict_and_model_give_the_same_result(
    doris: dict[str, Any], lldas: dict[str, Any], sri4: dict[str, Any]
) -> None:
    assert assess_doris_remission(doris) == assess_doris_remission(DorisInput.model_validate(doris))
    assert assess_lldas(lldas) == assess_lldas(LldasInput.model_validate(lldas))
    assert assess_sri4(sri4) == assess_sri4(Sri4Input.model_validate(sri4))
    change = {"baseline": sri4["baseline"], "follow_up": sri4["follow_up"]}
    assert change_from_baseline(change) == change_from_baseline(
        SledaiChangeInput.model_validate(change)
    )


@PROPERTY_SETTINGS
@given(doris_inputs() | lldas_inputs())
def test_explanation_agrees_with_the_outcome(data: dict[str, Any]) -> None:
    assess = assess_lldas if "new_activity" in data else assess_doris_remission
    result = assess(data)
    words = {"met": "met", "not_met": "not met", "cannot_tell": "cannot tell"}
    assert result.explanation.startswith(f"{result.definition} {words[result.outcome.value]}: ")
    for criterion in result.criteria:
        assert criterion.detail.endswith(f": {words[criterion.outcome.value]}")
        assert criterion.detail in result.explanation
