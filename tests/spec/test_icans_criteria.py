"""The ICANS criteria as data: each sentence a reader sees says what its numbers say.

criteria/icans.py generates ICANS_CRITERIA (``icans_criteria()``) from its typed constants; these
tests read the numbers back out of each sentence and compare them with the constants and with the
grading functions, and pin the text itself (the docs quote it). They read the table when they run:
it is built lazily, so that mutation testing builds it again (docs/mutation.md).
"""

from __future__ import annotations

import re

import pytest

from astct_grading.criteria.astct import DEATH_GRADE
from astct_grading.criteria.icans import (
    CAPD_BANDS,
    CAPD_ITEMS,
    CAPD_MAX,
    CAPD_POSITIVE_MIN,
    CAPD_UNABLE_GRADE,
    CONSCIOUSNESS_GRADES,
    ICE_BANDS,
    ICE_ITEMS,
    ICE_MAX,
    ICE_MIN_AGE_YEARS,
    ICE_ZERO_UNAROUSABLE_GRADE,
    ICP_GRADES,
    MOTOR_GRADES,
    RASS_DEEP_SEDATION_MAX,
    RASS_MIN,
    SEIZURE_GRADE,
    SEIZURE_PROLONGED_GRADE,
    SEIZURE_PROLONGED_MIN,
    ConsciousnessLevel,
    IcpFinding,
    MotorFinding,
    capd_grade,
    icans_criteria,
    ice_grade,
)


def rules() -> dict[str, str]:
    """Each criterion's sentence by key, read when a test runs (the table is built lazily)."""
    return {criterion.key: criterion.rule for criterion in icans_criteria()}


def numbers(text: str) -> list[float]:
    """The numbers a sentence states, in order (a band ``7-9`` is two numbers)."""
    return [float(n) for n in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?", text.replace("-", " -"))]


def test_every_criterion_cites_a_source() -> None:
    assert len({c.key for c in icans_criteria()}) == len(icans_criteria())
    for criterion in icans_criteria():
        assert criterion.rule
        assert criterion.source
    cited = " ".join(c.source for c in icans_criteria())
    for decision in ("D6", "D7", "D8", "D9", "D10", "D11"):
        assert decision in cited


@pytest.mark.parametrize(("low", "high", "grade"), ICE_BANDS)
def test_each_ice_band_sentence_states_its_band(low: int, high: int, grade: int) -> None:
    key = f"ice_{low}" if low == high else f"ice_{low}_{high}"
    scores = f"{low}" if low == high else f"{low}-{high}"
    assert rules()[key] == f"ICE {scores}: " + (
        f"grade {grade}" if grade else "no ICE-driven grade"
    )
    # The grading function gives the sentence's grade at both ends of the band.
    assert ice_grade(low, unarousable=False) == ice_grade(high, unarousable=False) == grade


@pytest.mark.parametrize(("low", "high", "grade"), CAPD_BANDS)
def test_each_capd_band_sentence_states_its_band(low: int, high: int, grade: int) -> None:
    if low == high:
        key, totals = f"capd_{low}", f"{low}"
    elif high == CAPD_MAX:
        key, totals = f"capd_{low}", f"{low} or more"
    else:
        key, totals = f"capd_{low}_{high}", f"{low}-{high}"
    assert rules()[key] == f"CAPD {totals}: " + (
        f"grade {grade}" if grade else "no CAPD-driven grade"
    )
    assert capd_grade(low) == capd_grade(high) == grade


def test_the_bands_cover_each_instrument_once() -> None:
    assert sorted(s for low, high, _ in ICE_BANDS for s in range(low, high + 1)) == list(
        range(ICE_MAX + 1)
    )
    assert sorted(t for low, high, _ in CAPD_BANDS for t in range(low, high + 1)) == list(
        range(CAPD_MAX + 1)
    )
    # The positive screen starts where the top CAPD band does (Traube 2014; D8).
    assert CAPD_BANDS[-1][0] == CAPD_POSITIVE_MIN


def test_the_instrument_sentence_states_the_age_cut() -> None:
    assert numbers(rules()["instrument"]) == [ICE_MIN_AGE_YEARS, ICE_MIN_AGE_YEARS]


def test_the_item_sentences_state_the_instruments() -> None:
    assert rules()["ice_items"] == f"ICE: ten items of one point each, total 0-{ICE_MAX}"
    assert len(ICE_ITEMS) == 10
    reversed_ = [item.number for item in CAPD_ITEMS if item.reverse]
    assert numbers(rules()["capd_items"]) == [
        reversed_[0],
        -reversed_[-1],  # "1-4", read as a band
        0,
        -CAPD_MAX,
        CAPD_POSITIVE_MIN,
    ]
    assert rules()["capd_items"].startswith("CAPD: eight items answered never to always")
    assert len(CAPD_ITEMS) == 8


def test_the_ice_zero_sentence_states_both_grades() -> None:
    assert numbers(rules()["ice_0_unarousable"]) == [
        0,
        ICE_ZERO_UNAROUSABLE_GRADE,
        0,
        ice_grade(0, unarousable=False),
    ]
    assert ice_grade(0, unarousable=True) == ICE_ZERO_UNAROUSABLE_GRADE


def test_the_capd_unable_sentence_states_its_grade_and_the_sedation_cut() -> None:
    assert numbers(rules()["capd_unable"]) == [
        CAPD_UNABLE_GRADE,
        RASS_DEEP_SEDATION_MAX,
        RASS_MIN,
        CAPD_UNABLE_GRADE,
    ]


@pytest.mark.parametrize("level", [level for level in ConsciousnessLevel if level.value != "alert"])
def test_each_consciousness_sentence_states_its_grade(level: ConsciousnessLevel) -> None:
    grade = CONSCIOUSNESS_GRADES[level]
    assert numbers(rules()[f"loc_{grade}"]) == [grade]


def test_the_seizure_sentences_state_their_grades_and_the_duration() -> None:
    assert numbers(rules()[f"seizure_{SEIZURE_GRADE}"]) == [SEIZURE_GRADE]
    assert numbers(rules()[f"seizure_{SEIZURE_PROLONGED_GRADE}"]) == [
        SEIZURE_PROLONGED_MIN,
        SEIZURE_PROLONGED_GRADE,
    ]


def test_the_motor_and_icp_sentences_state_their_grades() -> None:
    assert numbers(rules()["motor_4"]) == [MOTOR_GRADES[MotorFinding.HEMIPARESIS]]
    assert MOTOR_GRADES[MotorFinding.PARAPARESIS] == MOTOR_GRADES[MotorFinding.HEMIPARESIS]
    assert numbers(rules()["icp_3"]) == [ICP_GRADES[IcpFinding.FOCAL_OEDEMA]]
    fours = {
        grade for finding, grade in ICP_GRADES.items() if finding is not IcpFinding.FOCAL_OEDEMA
    }
    assert {*numbers(rules()["icp_4"])} == {*map(float, fours)} == {4.0}


def test_the_death_sentence_states_the_death_grade() -> None:
    assert numbers(rules()[f"grade{DEATH_GRADE}"]) == [DEATH_GRADE]


def test_the_sentences_are_the_published_ones() -> None:
    # The docs and reports quote these sentences: a change of wording is a change of the docs.
    assert [(c.key, c.rule) for c in icans_criteria()] == [
        (
            "instrument",
            "ICE from age 12.0 years; CAPD below 12.0 years and at any age with developmental "
            "delay",
        ),
        ("ice_items", "ICE: ten items of one point each, total 0-10"),
        ("ice_10", "ICE 10: no ICE-driven grade"),
        ("ice_7_9", "ICE 7-9: grade 1"),
        ("ice_3_6", "ICE 3-6: grade 2"),
        ("ice_0_2", "ICE 0-2: grade 3"),
        (
            "ice_0_unarousable",
            "ICE 0 in an unarousable patient unable to perform ICE: grade 4; ICE 0 awake with "
            "global aphasia: grade 3",
        ),
        (
            "ice_not_assessable",
            "ICE not performed because of sedation or intubation: not assessable, never 0",
        ),
        (
            "capd_items",
            "CAPD: eight items answered never to always; items 1-4 reverse-scored; total 0-32; "
            "positive at 9 or more",
        ),
        ("capd_0", "CAPD 0: no CAPD-driven grade"),
        ("capd_1_8", "CAPD 1-8: grade 1"),
        ("capd_9", "CAPD 9 or more: grade 3"),
        (
            "capd_unable",
            "unable to perform CAPD because of ICANS: grade 4; because of deep sedation "
            "(RASS -4 or -5) or neuromuscular blockade: not assessable, never 4",
        ),
        ("loc_1", "awakens spontaneously: grade 1"),
        ("loc_2", "awakens to voice: grade 2"),
        ("loc_3", "awakens only to tactile stimulus: grade 3"),
        (
            "loc_4",
            "needs vigorous or repetitive tactile stimuli, unarousable, stupor or coma: grade 4",
        ),
        (
            "loc_other_cause",
            "depressed consciousness attributable to another cause (e.g. sedating medication) "
            "does not count",
        ),
        (
            "seizure_3",
            "a clinical seizure that resolves rapidly, or non-convulsive seizures on EEG "
            "resolving with intervention: grade 3",
        ),
        (
            "seizure_4",
            "a seizure lasting more than 5 minutes (strictly), or repetitive seizures without "
            "return to baseline in between: grade 4",
        ),
        ("motor_4", "deep focal motor weakness (hemiparesis, paraparesis): grade 4"),
        ("icp_3", "focal or local oedema on neuroimaging: grade 3"),
        (
            "icp_4",
            "diffuse cerebral oedema, decerebrate or decorticate posturing, cranial nerve VI "
            "palsy, papilloedema or Cushing's triad: grade 4",
        ),
        (
            "excluded",
            "tremor, myoclonus and intracranial haemorrhage never change the ICANS grade",
        ),
        (
            "worst_domain",
            "the ICANS grade is the most severe domain, each not attributable to another cause",
        ),
        ("grade5", "death due to ICANS with no other principal cause: grade 5"),
    ]
