"""Cytokine release syndrome: the assessment model and its grading (ASTCT 2019)."""

from __future__ import annotations

from astct_grading.crs.grading import (
    CrsAssessment,
    CrsOptions,
    OxygenSupport,
    Vasopressor,
    grade_crs,
    vasopressor_grade,
)

__all__ = [
    "CrsAssessment",
    "CrsOptions",
    "OxygenSupport",
    "Vasopressor",
    "grade_crs",
    "vasopressor_grade",
]
