"""The CRS criteria sentences say what the typed numbers and the device table say.

criteria/crs.py writes each sentence of ``CRS_CRITERIA`` (and each device rule's source) from the
constants it states; these tests read the numbers and the devices back out of the text and check
them against the constants, ``OXYGEN_DEVICES`` and the grading itself, and check that the phrases
docs/crs.md quotes are the sentences' own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from astct_grading import grade_crs
from astct_grading.criteria import crs as criteria
from astct_grading.criteria.astct import DEATH_GRADE
from astct_grading.criteria.crs import (
    FEVER_MIN_C,
    FEVER_ONLY_GRADE,
    HIGH_FLOW_GRADE,
    HYPOTENSION_NO_VASOPRESSOR_GRADE,
    LOW_FLOW_GRADE,
    LOW_FLOW_MAX_L_MIN,
    MULTIPLE_VASOPRESSOR_GRADE,
    OXYGEN_DEVICES,
    POSITIVE_PRESSURE_GRADE,
    SINGLE_VASOPRESSOR_GRADE,
    OxygenDevice,
    crs_criteria,
    systolic_threshold_mmhg,
)

ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def rule() -> dict[str, str]:
    """Each criterion's sentence by key, read when a test runs (the table is built lazily)."""
    return {criterion.key: criterion.rule for criterion in crs_criteria()}


#: Every number each sentence states, in the order it states them.
NUMBERS: dict[str, tuple[float, ...]] = {
    "fever": (FEVER_MIN_C,),
    "fever_required": (0,),
    "fever_waiver": (),
    "grade1": (FEVER_ONLY_GRADE,),
    "hypotension_no_pressor": (HYPOTENSION_NO_VASOPRESSOR_GRADE,),
    "one_vasopressor": (SINGLE_VASOPRESSOR_GRADE,),
    "multiple_vasopressors": (MULTIPLE_VASOPRESSOR_GRADE,),
    "unnamed_vasopressor": (SINGLE_VASOPRESSOR_GRADE, MULTIPLE_VASOPRESSOR_GRADE),
    "low_flow": (LOW_FLOW_MAX_L_MIN, LOW_FLOW_GRADE),
    "high_flow": (LOW_FLOW_MAX_L_MIN, HIGH_FLOW_GRADE),
    "positive_pressure": (POSITIVE_PRESSURE_GRADE,),
    "worst_domain": (),
    "organ_toxicity": (5.0,),  # CTCAE v5.0, a version, not a threshold
    "grade5": (DEATH_GRADE,),
    "pals_hypotension": (
        criteria.ADULT_SYSTOLIC_MIN_MMHG,
        criteria.CHILD_MAX_YEARS,
        criteria.CHILD_SYSTOLIC_BASE_MMHG,
        criteria.CHILD_SYSTOLIC_PER_YEAR_MMHG,
        criteria.INFANT_MAX_YEARS,
        criteria.CHILD_MAX_YEARS,
        criteria.INFANT_SYSTOLIC_MIN_MMHG,
        criteria.NEONATE_SYSTOLIC_MIN_MMHG,
    ),
}

#: The devices each oxygen sentence names, by the words it names them with.
DEVICES: dict[str, dict[str, OxygenDevice]] = {
    "low_flow": {
        "low-flow nasal cannula": OxygenDevice.LOW_FLOW_NASAL_CANNULA,
        "blow-by": OxygenDevice.BLOW_BY,
    },
    "high_flow": {
        "high-flow nasal cannula": OxygenDevice.HIGH_FLOW_NASAL_CANNULA,
        "facemask": OxygenDevice.SIMPLE_FACEMASK,
        "non-rebreather": OxygenDevice.NON_REBREATHER_MASK,
        "Venturi mask": OxygenDevice.VENTURI_MASK,
    },
    "positive_pressure": {
        "CPAP": OxygenDevice.CPAP,
        "BiPAP": OxygenDevice.BIPAP,
        "intubation and mechanical ventilation": OxygenDevice.MECHANICAL_VENTILATION,
    },
}


def test_every_sentence_is_checked() -> None:
    assert set(NUMBERS) == set(rule())


@pytest.mark.parametrize("key", sorted(NUMBERS))
def test_each_sentence_states_its_numbers(key: str) -> None:
    stated = tuple(float(number) for number in NUMBER.findall(rule()[key]))
    assert stated == tuple(float(number) for number in NUMBERS[key]), rule()[key]


@pytest.mark.parametrize("key", sorted(DEVICES))
def test_each_oxygen_sentence_names_devices_of_its_grade(key: str) -> None:
    sentence = rule()[key]
    grade = int(sentence.rsplit("grade ", 1)[1])
    for words, device in DEVICES[key].items():
        assert words in sentence
        assert OXYGEN_DEVICES[device].grade == grade
        record = {"fever": True, "hypotension": False, "oxygen": {"device": device.value}}
        assert grade_crs(record).grade == grade


def test_every_device_but_room_air_and_the_plain_cannula_is_named() -> None:
    named = {device for devices in DEVICES.values() for device in devices.values()}
    assert named | {OxygenDevice.ROOM_AIR, OxygenDevice.NASAL_CANNULA} == set(OxygenDevice)
    assert OXYGEN_DEVICES[OxygenDevice.NASAL_CANNULA].grade == LOW_FLOW_GRADE  # unlabelled (D4)


@pytest.mark.parametrize("device", list(OxygenDevice))
def test_each_device_source_states_its_grade(device: OxygenDevice) -> None:
    rule = OXYGEN_DEVICES[device]
    if rule.flow_decides:
        flow = f"{LOW_FLOW_MAX_L_MIN:g} L/min"
        assert f"low flow ≤ {flow}, high flow > {flow}" in rule.source
    elif device is not OxygenDevice.ROOM_AIR:
        assert f"grade {rule.grade} (" in rule.source
    assert rule.source.endswith("D4")


def test_the_pals_sentence_is_the_threshold_function() -> None:
    # "< 90 mmHg (> 10 years), < 70 + 2 x age (1-10 years), < 70 (infants), < 60 (neonates)".
    assert systolic_threshold_mmhg(10.01) == criteria.ADULT_SYSTOLIC_MIN_MMHG
    assert systolic_threshold_mmhg(10.0) == (
        criteria.CHILD_SYSTOLIC_BASE_MMHG + criteria.CHILD_SYSTOLIC_PER_YEAR_MMHG * 10
    )
    assert systolic_threshold_mmhg(criteria.INFANT_MAX_YEARS) == (
        criteria.CHILD_SYSTOLIC_BASE_MMHG + criteria.CHILD_SYSTOLIC_PER_YEAR_MMHG
    )
    assert systolic_threshold_mmhg(0.5) == criteria.INFANT_SYSTOLIC_MIN_MMHG
    # The neonate's threshold below 28 days, the infant's from 28 days.
    assert systolic_threshold_mmhg(criteria.NEONATE_MAX_YEARS) == (
        criteria.INFANT_SYSTOLIC_MIN_MMHG
    )
    assert systolic_threshold_mmhg(0.0) == criteria.NEONATE_SYSTOLIC_MIN_MMHG


def test_the_rendered_sentences_are_unchanged() -> None:
    # The text a reader sees, exactly as before it was generated from the constants.
    assert [(c.key, c.rule) for c in crs_criteria()] == [
        ("fever", "fever is a temperature ≥ 38.0 °C not attributable to another cause"),
        ("fever_required", "CRS must include fever; without fever (and no waiver) the grade is 0"),
        (
            "fever_waiver",
            "after antipyretic or anti-cytokine therapy for established CRS, "
            "fever is no longer required; hypotension and hypoxia drive the grade",
        ),
        ("grade1", "fever without hypotension or hypoxia: grade 1"),
        ("hypotension_no_pressor", "hypotension not requiring vasopressors: grade 2"),
        ("one_vasopressor", "one vasopressor, with or without vasopressin: grade 3"),
        ("multiple_vasopressors", "multiple vasopressors, excluding vasopressin: grade 4"),
        (
            "unnamed_vasopressor",
            "a vasopressor whose agent is not named may be vasopressin: one or more agents give "
            "grade 3, and grade 4 only when two distinct agents other than vasopressin are "
            "certain; otherwise the grade is the range",
        ),
        ("low_flow", "low-flow nasal cannula (≤ 6 L/min) or blow-by: grade 2"),
        (
            "high_flow",
            "high-flow nasal cannula (> 6 L/min), facemask, non-rebreather or Venturi mask: "
            "grade 3",
        ),
        (
            "positive_pressure",
            "positive pressure (CPAP, BiPAP, intubation and mechanical ventilation): grade 4",
        ),
        (
            "worst_domain",
            "the grade is set by the more severe of hypotension and hypoxia, "
            "each not attributable to another cause",
        ),
        (
            "organ_toxicity",
            "organ toxicities may be graded by CTCAE v5.0 but never change the CRS grade",
        ),
        ("grade5", "death due to CRS with no other principal cause: grade 5"),
        (
            "pals_hypotension",
            "optional helper: systolic < 90 mmHg (> 10 years), < 70 + 2 x "
            "age (1-10 years), < 70 (infants), < 60 (neonates)",
        ),
    ]


@pytest.mark.parametrize(
    ("key", "quoted"),
    [
        ("hypotension_no_pressor", "not requiring vasopressors"),
        ("one_vasopressor", "one vasopressor, with or without vasopressin"),
        ("multiple_vasopressors", "multiple vasopressors, excluding vasopressin"),
        ("unnamed_vasopressor", "may be vasopressin"),
        ("low_flow", "low-flow nasal cannula (≤ 6 L/min) or blow-by"),
        (
            "high_flow",
            "high-flow nasal cannula (> 6 L/min), facemask, non-rebreather or Venturi mask",
        ),
        (
            "positive_pressure",
            "positive pressure (CPAP, BiPAP, intubation and mechanical ventilation)",
        ),
    ],
)
def test_the_docs_quote_the_sentences(key: str, quoted: str) -> None:
    page = (ROOT / "docs" / "crs.md").read_text(encoding="utf-8")
    assert quoted in rule()[key]
    assert quoted in page
