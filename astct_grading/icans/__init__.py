"""ICANS: the ICE and CAPD instruments, the assessment model and its grading (ASTCT 2019).

One concept per module: :mod:`~astct_grading.icans.ice` (the ICE record and ``score_ice``),
:mod:`~astct_grading.icans.capd` (the CAPD record and ``score_capd``),
:mod:`~astct_grading.icans.models` (``IcansAssessment``, ``IcansOptions``),
:mod:`~astct_grading.icans.domains` (the domains as rules for the engine of core/bounds.py),
:mod:`~astct_grading.icans.findings` (one finding per domain),
:mod:`~astct_grading.icans.explain` (the result in words) and
:mod:`~astct_grading.icans.grading` (``grade_icans``). The criteria are
:mod:`astct_grading.criteria.icans`.
"""

from __future__ import annotations

from astct_grading.criteria.icans import (
    CapdAnswer,
    CapdNotPerformed,
    ConsciousnessLevel,
    IceNotPerformed,
    IcpFinding,
    MotorFinding,
)
from astct_grading.icans.capd import CapdAssessment, score_capd
from astct_grading.icans.grading import grade_icans
from astct_grading.icans.ice import IceAssessment, score_ice
from astct_grading.icans.models import IcansAssessment, IcansOptions

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
