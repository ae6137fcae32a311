"""Properties of the ICE by domain: the bounds are exact and sound against every completion of
the items not recorded (core.bounds.exhaustive over the items), and a better answer never
lowers the total."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from astct_grading.core.bounds import exhaustive
from astct_grading.criteria.icans import ICE_DOMAINS
from astct_grading.icans.ice import ICE_NAMES, IceAssessment, score_ice


@st.composite
def domain_records(draw: st.DrawFn) -> dict[str, Any]:
    """An ICE with some items, some subtotals and perhaps a total, all agreeing."""
    truth = {name: draw(st.integers(0, 1)) for name in ICE_NAMES}
    record: dict[str, Any] = {}
    for domain, items in ICE_DOMAINS.items():
        for item in items:
            if draw(st.booleans()):
                record[item] = truth[item]
        if draw(st.booleans()):
            record[domain] = sum(truth[item] for item in items)
    if draw(st.integers(0, 4)) == 0:
        record["total"] = sum(truth.values())
    return record


def _rule(record: dict[str, Any]) -> Any:
    """The total at one completion of the items, or None where the record rules it out."""

    def rule(*points: int) -> int | None:
        filled = dict(zip(ICE_NAMES, points, strict=True))
        for domain, items in ICE_DOMAINS.items():
            if domain in record and sum(filled[i] for i in items) != record[domain]:
                return None
        total = sum(points)
        if "total" in record and total != record["total"]:
            return None
        return total

    return rule


@given(domain_records())
def test_bounds_are_exact_and_sound_over_every_completion(record: dict[str, Any]) -> None:
    inputs = [(record[name],) if name in record else (0, 1) for name in ICE_NAMES]
    low, high, matters = exhaustive(_rule(record), inputs)
    result = score_ice(record)
    assert (result.score_min, result.score_max) == (low, high)
    if "total" not in record:
        # Exactly the items that can change the total are missing.
        assert set(result.missing) == {ICE_NAMES[i] for i in matters}


@given(domain_records(), st.sampled_from(list(ICE_DOMAINS)))
def test_a_better_subtotal_never_lowers_the_total(record: dict[str, Any], domain: str) -> None:
    most = len(ICE_DOMAINS[domain])
    items = [record.get(item) for item in ICE_DOMAINS[domain]]
    if record.get(domain, most) >= most or "total" in record or 0 in items:
        return
    before = score_ice(record)
    better = {**record, domain: record[domain] + 1}
    after = score_ice(better)
    assert after.score_min >= before.score_min
    assert after.score_max >= before.score_max


@given(domain_records())
def test_json_round_trip(record: dict[str, Any]) -> None:
    model = IceAssessment.model_validate(record)
    assert IceAssessment.model_validate_json(model.model_dump_json()) == model
