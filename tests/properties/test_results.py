"""A result whose explaining parts are computed on first access is the same result as one built
whole (core/results.py, ``GradeResult.deferred``): it reads, compares, hashes, copies, pickles and
serialises alike, stays frozen, and computes its parts only when one is read."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from astct_grading.core.results import Explanation, Finding, GradeResult

names = st.text(alphabet="abcdefghij_", min_size=1, max_size=8)
findings = st.builds(
    Finding,
    names,
    st.booleans(),
    st.none() | st.booleans(),
    st.none() | st.booleans(),
    st.integers(0, 2),
    st.integers(2, 5),
    st.text(max_size=20),
)
explanations: st.SearchStrategy[Explanation] = st.tuples(
    st.lists(findings, max_size=4).map(tuple),
    st.lists(names, max_size=3).map(tuple),
    st.lists(names, max_size=3).map(tuple),
    st.lists(st.sampled_from(["D1", "D2", "D13"]), max_size=3).map(tuple),
    st.text(max_size=40),
    st.lists(names, max_size=2).map(tuple),
    st.none() | st.sampled_from(["ICE", "CAPD"]),
)
bounds = st.tuples(st.integers(0, 5), st.integers(0, 5)).map(sorted)


def _pair(low: int, high: int, parts: Explanation) -> tuple[GradeResult, GradeResult, list[int]]:
    calls: list[int] = []

    def explain() -> Explanation:
        calls.append(1)
        return parts

    findings_, drivers, missing, decisions, explanation, excluded, instrument = parts
    grade = low if low == high else None
    whole = GradeResult(
        "CRS",
        grade,
        low,
        high,
        findings_,
        drivers,
        missing,
        decisions,
        "ASTCT-2019",
        explanation,
        excluded,
        instrument,
    )
    return whole, GradeResult.deferred("CRS", low, high, "ASTCT-2019", explain), calls


@given(bounds, explanations)
def test_a_deferred_result_is_the_result_built_whole(span: list[int], parts: Explanation) -> None:
    whole, deferred, calls = _pair(span[0], span[1], parts)
    assert (deferred.grade, deferred.grade_min, deferred.grade_max) == (
        whole.grade,
        whole.grade_min,
        whole.grade_max,
    )
    assert calls == []  # the bounds do not compute the explaining parts
    assert deferred == whole
    assert calls == [1]  # computed once, then kept
    assert hash(deferred) == hash(whole)
    assert repr(deferred) == repr(whole)
    assert deferred.to_json() == whole.to_json()
    assert deferred.to_dict() == whole.to_dict()
    assert calls == [1]


@pytest.mark.parametrize(
    "copier",
    [pickle.loads, copy.copy, copy.deepcopy, dataclasses.replace],
    ids=["pickle", "copy", "deepcopy", "replace"],
)
@given(parts=explanations)
def test_a_deferred_result_copies_as_the_whole_one(copier: Any, parts: Explanation) -> None:
    whole, deferred, _ = _pair(1, 3, parts)
    copied = copier(pickle.dumps(deferred)) if copier is pickle.loads else copier(deferred)
    assert copied == whole
    assert copied.to_json() == whole.to_json()


def test_a_deferred_result_is_frozen_and_knows_its_attributes() -> None:
    _, deferred, _ = _pair(0, 0, ((), (), (), (), "CRS grade 0.", (), None))
    with pytest.raises(dataclasses.FrozenInstanceError):
        deferred.grade = 1  # type: ignore[misc]
    with pytest.raises(AttributeError, match="no_such_part"):
        deferred.no_such_part  # noqa: B018
    assert deferred.explanation == "CRS grade 0."


@pytest.mark.parametrize(("low", "high"), [(-1, 2), (3, 2), (0, 6)])
def test_a_deferred_result_refuses_impossible_bounds(low: int, high: int) -> None:
    with pytest.raises(ValueError, match="inconsistent result"):
        GradeResult.deferred("CRS", low, high, "ASTCT-2019", lambda: ((), (), (), (), "", (), None))


# --- The SLEDAI-2K result, deferred the same way (sle/results.py) ------------------------------


def _sledai_pair(visit: Any) -> tuple[Any, Any, list[int]]:
    """``score_sledai2k``'s deferred result, with its parts counted, and the same result built
    whole with the public constructor."""
    from astct_grading.sle.results import Sledai2kResult
    from astct_grading.sle.sledai import score_sledai2k

    deferred = score_sledai2k(visit)
    calls: list[int] = []
    explain = object.__getattribute__(deferred, "_explain")

    def counted() -> Any:
        calls.append(1)
        return explain()

    object.__setattr__(deferred, "_explain", counted)
    parts = explain()
    whole = Sledai2kResult(
        deferred.scale,
        deferred.score,
        deferred.score_min,
        deferred.score_max,
        parts[0],
        parts[1],
        parts[2],
        deferred.criteria_version,
        parts[3],
        deferred.clinical_score,
        deferred.clinical_score_min,
        deferred.clinical_score_max,
        deferred.activity_band,
        deferred.activity_band_min,
        deferred.activity_band_max,
        deferred.band_source,
        deferred.window_days,
        deferred.visit_date,
        parts[4],
    )
    return whole, deferred, calls


@given(st.data())
def test_a_deferred_sledai_result_is_the_result_built_whole(data: st.DataObject) -> None:
    from astct_grading import SledaiVisit
    from astct_grading.strategies import records

    visit = SledaiVisit.model_validate(data.draw(records(SledaiVisit)))
    whole, deferred, calls = _sledai_pair(visit)
    assert calls == []  # the scores, bands and window do not compute the explaining parts
    assert deferred == whole
    assert calls == [1]  # computed once, then kept
    assert hash(deferred) == hash(whole)
    assert repr(deferred) == repr(whole)
    assert deferred.to_json() == whole.to_json()
    assert deferred.to_dict() == whole.to_dict() == dataclasses.asdict(whole)
    for copier in (copy.copy, copy.deepcopy, dataclasses.replace):
        _, fresh, _ = _sledai_pair(visit)
        assert copier(fresh) == whole
    _, fresh, _ = _sledai_pair(visit)
    assert pickle.loads(pickle.dumps(fresh)) == whole


def test_a_deferred_sledai_result_is_frozen_and_refuses_impossible_scores() -> None:
    from astct_grading.criteria.sledai2k import BAND_SOURCE, ActivityBand
    from astct_grading.sle.results import Sledai2kResult

    _, deferred, _ = _sledai_pair({"rash": True})
    with pytest.raises(dataclasses.FrozenInstanceError):
        deferred.score_min = 1
    with pytest.raises(AttributeError, match="no_such_part"):
        deferred.no_such_part  # noqa: B018
    bands = (ActivityBand.NONE, ActivityBand.NONE)
    for scores in ((2, 1, 0, 0), (-1, 0, 0, 0), (2, 2, 3, 3), (2, 4, 1, 0)):
        with pytest.raises(ValueError, match="inconsistent"):
            Sledai2kResult.deferred(
                scores, bands, BAND_SOURCE, 10, None, lambda: ((), (), (), "", ())
            )


# --- One way to plain data: ``to_dict`` is ``dataclasses.asdict`` without the copies ----------


def _scales() -> list[tuple[Any, Any]]:
    from astct_grading import (
        CapdAssessment,
        CrsAssessment,
        IcansAssessment,
        IceAssessment,
        SledaiVisit,
        assess_doris_remission,
        assess_lldas,
        assess_sri4,
        change_from_baseline,
        grade_crs,
        grade_icans,
        score_capd,
        score_ice,
        score_sledai2k,
    )
    from astct_grading.sle import DorisInput, LldasInput, SledaiChangeInput, Sri4Input

    return [
        (CrsAssessment, grade_crs),
        (IcansAssessment, grade_icans),
        (IceAssessment, score_ice),
        (CapdAssessment, score_capd),
        (SledaiVisit, score_sledai2k),
        (SledaiChangeInput, change_from_baseline),
        (Sri4Input, assess_sri4),
        (DorisInput, assess_doris_remission),
        (LldasInput, assess_lldas),
    ]


@pytest.mark.parametrize("index", range(9))
@given(data=st.data())
def test_to_dict_is_asdict_on_every_kind_of_result(index: int, data: st.DataObject) -> None:
    from astct_grading.strategies import records

    model, grade = _scales()[index]
    result = grade(model.model_validate(data.draw(records(model))))
    # repr tells a tuple from a list and 1 from 1.0: the same data, the same types.
    assert repr(result.to_dict()) == repr(dataclasses.asdict(result))


@pytest.mark.parametrize("index", range(9))
@given(data=st.data())
def test_to_json_is_the_json_of_to_dict(index: int, data: st.DataObject) -> None:
    from astct_grading.strategies import records

    model, grade = _scales()[index]
    result = grade(model.model_validate(data.draw(records(model))))
    expected = json.dumps(dataclasses.asdict(result), ensure_ascii=False, separators=(",", ":"))
    assert result.to_json() == expected


def test_a_domain_a_result_does_not_have_is_a_key_error_naming_it() -> None:
    from astct_grading import grade_crs

    result = grade_crs({"temperature": {"value": 38.5, "unit": "C"}})
    assert result.finding("fever").domain == "fever"
    with pytest.raises(KeyError, match="seizure"):
        result.finding("seizure")
