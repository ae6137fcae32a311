"""Test-side Hypothesis strategies and completions for CRS inputs."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st
from pydantic import ValidationError

from astct_grading import CrsAssessment

DEVICES = [
    "room_air",
    "blow_by",
    "nasal_cannula",
    "low_flow_nasal_cannula",
    "high_flow_nasal_cannula",
    "simple_facemask",
    "non_rebreather_mask",
    "venturi_mask",
    "cpap",
    "bipap",
    "mechanical_ventilation",
]
AGENTS = [
    "norepinephrine",
    "epinephrine",
    "phenylephrine",
    "dopamine",
    "vasopressin",
    "angiotensin_ii",
]

temperatures_c = st.one_of(
    st.sampled_from([36.5, 37.9, 37.99, 38.0, 38.01, 39.5]),
    st.floats(min_value=35.0, max_value=41.0).map(lambda t: round(t, 1)),
)


@st.composite
def oxygen(draw: st.DrawFn) -> dict[str, Any]:
    device = draw(st.sampled_from(DEVICES))
    if device == "room_air":
        return {"device": device}
    support: dict[str, Any] = {"device": device}
    if draw(st.booleans()):
        support["flow_l_min"] = draw(
            st.one_of(st.sampled_from([1.0, 6.0, 6.01, 6.1, 15.0]), st.floats(0, 60))
        )
    return support


maybe_cause = st.sampled_from([False, False, True, None])


@st.composite
def crs_records(draw: st.DrawFn, *, complete: bool = False) -> dict[str, Any]:
    """Valid CRS assessment dicts; with ``complete`` every clinical input is given."""

    def maybe(strategy: st.SearchStrategy[Any]) -> Any:
        return draw(strategy) if complete or draw(st.booleans()) else None

    record: dict[str, Any] = {}
    celsius = maybe(temperatures_c)
    if celsius is not None:
        if draw(st.booleans()):
            record["temperature"] = {"value": celsius, "unit": "C"}
        else:
            record["temperature"] = {"value": round(celsius * 9 / 5 + 32, 1), "unit": "F"}
    record["fever_waiver"] = maybe(st.booleans())
    pressors = maybe(st.lists(st.sampled_from(AGENTS), max_size=3))
    record["vasopressors"] = pressors
    hypotension = maybe(st.booleans())
    if pressors and hypotension is False:
        hypotension = True
    record["hypotension"] = hypotension
    record["oxygen"] = maybe(oxygen())
    if not complete:
        record["fever_other_cause"] = draw(maybe_cause)
        record["hypotension_other_cause"] = draw(maybe_cause)
        record["hypoxia_other_cause"] = draw(maybe_cause)
        record["death_due_to_crs"] = draw(st.sampled_from([False, False, False, True, None]))
    else:
        record["fever_other_cause"] = draw(st.booleans())
        record["hypotension_other_cause"] = draw(st.booleans())
        record["hypoxia_other_cause"] = draw(st.booleans())
        record["death_due_to_crs"] = draw(st.sampled_from([False, False, True]))
    return {
        key: value
        for key, value in record.items()
        if value is not None or key.endswith(("other_cause", "due_to_crs"))
    }


#: Representative values for each input, enough to reach every grade the input can lead to.
COMPLETIONS: dict[str, list[Any]] = {
    "temperature": [{"value": 37.0, "unit": "C"}, {"value": 38.5, "unit": "C"}],
    "fever_waiver": [False, True],
    "hypotension": [False, True],
    "vasopressors": [[], ["norepinephrine"], ["norepinephrine", "epinephrine"]],
    "oxygen": [
        {"device": "room_air"},
        {"device": "nasal_cannula", "flow_l_min": 2},
        {"device": "high_flow_nasal_cannula", "flow_l_min": 30},
        {"device": "cpap"},
    ],
    "fever_other_cause": [False, True],
    "hypotension_other_cause": [False, True],
    "hypoxia_other_cause": [False, True],
    "death_due_to_crs": [False, True],
}


def completions(record: dict[str, Any]) -> Iterator[CrsAssessment]:
    """Every valid completion of the record's unknown inputs over the representative values."""
    unknown = [
        name
        for name in COMPLETIONS
        if record.get(name) is None and not (name == "temperature" and "fever" in record)
    ]
    for values in itertools.product(*(COMPLETIONS[name] for name in unknown)):
        filled = {**record, **dict(zip(unknown, values, strict=True))}
        try:
            yield CrsAssessment.model_validate(filled)
        except ValidationError:
            continue  # e.g. hypotension False with vasopressors: not a coherent completion
