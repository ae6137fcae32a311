"""Hypothesis strategies for every input model: a public facade over private parts.

Install the ``strategies`` extra (``hypothesis``) to use them.
"""

from __future__ import annotations

from astct_grading.strategies._impl import (
    Completeness,
    anti_dsdna_measurements,
    capd_assessments,
    complement_measurements,
    courses,
    crs_assessments,
    crs_records,
    doris_inputs,
    icans_assessments,
    icans_records,
    ice_assessments,
    lldas_inputs,
    oxygen_supports,
    records,
    register_strategies,
    sledai_change_inputs,
    sledai_records,
    sledai_visits,
    sri4_inputs,
    temperatures,
    vasopressors,
)

__all__ = [
    "Completeness",
    "anti_dsdna_measurements",
    "capd_assessments",
    "complement_measurements",
    "courses",
    "crs_assessments",
    "crs_records",
    "doris_inputs",
    "icans_assessments",
    "icans_records",
    "ice_assessments",
    "lldas_inputs",
    "oxygen_supports",
    "records",
    "register_strategies",
    "sledai_change_inputs",
    "sledai_records",
    "sledai_visits",
    "sri4_inputs",
    "temperatures",
    "vasopressors",
]
