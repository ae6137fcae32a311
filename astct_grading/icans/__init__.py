"""ICANS: the ICE and CAPD instruments, the assessment model and its grading (ASTCT 2019)."""

from __future__ import annotations

from astct_grading.icans.grading import (
    CapdAnswer,
    CapdAssessment,
    CapdNotPerformed,
    ConsciousnessLevel,
    IcansAssessment,
    IcansOptions,
    IceAssessment,
    IceNotPerformed,
    IcpFinding,
    MotorFinding,
    grade_icans,
    score_capd,
    score_ice,
)

__all__ = [
    "CapdAnswer",
    "CapdAssessment",
    "CapdNotPerformed",
    "ConsciousnessLevel",
    "IcansAssessment",
    "IcansOptions",
    "IceAssessment",
    "IceNotPerformed",
    "IcpFinding",
    "MotorFinding",
    "grade_icans",
    "score_capd",
    "score_ice",
]
