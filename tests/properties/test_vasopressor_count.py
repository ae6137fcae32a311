"""Properties of ``vasopressor_count``: the bounds are those of every way to name the agents not
named (exact and sound, D3, D13), a count never lowers the grade when it grows, and a count that
names every agent grades as the list does."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from astct_grading import CrsAssessment, grade_crs
from astct_grading.core.bounds import exhaustive
from astct_grading.criteria.crs import VASOPRESSOR_COUNT_MAX, VasopressorAgent
from astct_grading.crs.domains import vasopressor_grade, vasopressor_level
from astct_grading.strategies import crs_assessments
from tests.crs_inputs import AGENTS, completions, crs_records


def _named_agents(assessment: CrsAssessment) -> list[str]:
    return list(dict.fromkeys(v.agent.value for v in assessment.vasopressors or ()))


def _namings(named: list[str], count: Any) -> Iterator[list[str]]:
    """Every list of distinct agents the count and the names allow: the unnamed ones named."""
    rest = [agent for agent in AGENTS if agent not in named]
    if count == "multiple":
        sizes = range(max(0, 2 - len(named)), len(rest) + 1)
    else:
        sizes = range(count - len(named), count - len(named) + 1)
    for size in sizes:
        for chosen in itertools.combinations(rest, size):
            yield [*named, *chosen]


def _completed(record: dict[str, Any]) -> Iterator[CrsAssessment]:
    """Every completion of a record with a count: the agents named, then the other unknowns."""
    count = record.get("vasopressor_count")
    if count is None:
        yield from completions(record)
        return
    named = list(dict.fromkeys(record.get("vasopressors") or []))
    base = {key: value for key, value in record.items() if key != "vasopressor_count"}
    for agents in _namings(named, count):
        yield from completions({**base, "vasopressors": agents})


@st.composite
def counted_records(draw: st.DrawFn) -> dict[str, Any]:
    """CRS records whose vasopressors are counted, some or none named, other inputs any."""
    record = draw(crs_records())
    distinct: list[str] = draw(
        st.lists(st.sampled_from(AGENTS), unique=True, max_size=VASOPRESSOR_COUNT_MAX)
    )
    named = [agent for agent in distinct if draw(st.booleans())]
    count: Any = len(distinct)
    if count >= 2 and draw(st.booleans()):
        count = "multiple"
    record["vasopressor_count"] = count
    if draw(st.booleans()) or named:
        record["vasopressors"] = named if (named or count == 0) else None
    else:
        record.pop("vasopressors", None)
    if record.get("vasopressors") is None:
        record.pop("vasopressors", None)
    if count not in (0,) and record.get("hypotension") is False:
        record["hypotension"] = True
    return record


@given(counted_records())
def test_bounds_are_exact_and_sound_over_every_naming(record: dict[str, Any]) -> None:
    result = grade_crs(record)
    grades = {grade_crs(completion).grade for completion in _completed(record)}
    assert None not in grades
    assert min(g for g in grades if g is not None) == result.grade_min
    assert max(g for g in grades if g is not None) == result.grade_max
    assert (result.grade is None) == bool(result.missing)


@given(
    st.lists(st.sampled_from(list(VasopressorAgent)), unique=True, max_size=6),
    st.integers(0, 6) | st.just("multiple"),
)
def test_the_level_is_the_engine_s_exhaustive_range(
    named: list[VasopressorAgent], count: Any
) -> None:
    if count != "multiple" and count < len(named):
        return
    rest = [agent for agent in VasopressorAgent if agent not in named]
    most = len(rest) if count == "multiple" else count - len(named)
    fewest = max(0, 2 - len(named)) if count == "multiple" else most
    # One input per possible unnamed agent: given (1) or not (0); the rule rejects the
    # combinations whose number of agents the count rules out.
    inputs = [(0, 1)] * len(rest)

    def rule(*given: int) -> int | None:
        if not fewest <= sum(given) <= most:
            return None
        return vasopressor_grade([*named, *itertools.compress(rest, given)])

    low, high, _ = exhaustive(rule, inputs)
    level = vasopressor_level(tuple(named), count)
    assert (level[0], level[-1]) == (low, high)


@given(counted_records())
def test_one_more_agent_never_lowers_the_grade(record: dict[str, Any]) -> None:
    count = record["vasopressor_count"]
    if count == "multiple" or count >= VASOPRESSOR_COUNT_MAX:
        return
    before = grade_crs(record)
    more = {**record, "vasopressor_count": count + 1}
    if more.get("vasopressors") == []:
        del more["vasopressors"]  # none named, one more given
    if more.get("hypotension") is False:
        more["hypotension"] = True
    after = grade_crs(more)
    assert after.grade_min >= before.grade_min
    assert after.grade_max >= before.grade_max


@given(crs_records())
def test_a_count_of_the_named_agents_changes_nothing(record: dict[str, Any]) -> None:
    agents = record.get("vasopressors")
    if agents is None:
        return
    counted = {**record, "vasopressor_count": len(set(agents))}
    plain, with_count = grade_crs(record), grade_crs(counted)
    assert (with_count.grade_min, with_count.grade_max) == (plain.grade_min, plain.grade_max)
    assert with_count.missing == plain.missing


@given(crs_assessments())
def test_the_strategies_draw_counts_the_grading_accepts(assessment: CrsAssessment) -> None:
    result = grade_crs(assessment)
    assert result.grade_min <= result.grade_max
    if assessment.vasopressor_count not in (None, 0, "multiple"):
        assert len(_named_agents(assessment)) <= int(assessment.vasopressor_count)
