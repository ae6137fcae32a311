"""astct-grading: grade CAR-T toxicities by the ASTCT 2019 consensus.

The public API: input models and grading functions for cytokine release syndrome (CRS), SLEDAI-2K
scoring and the SLE response definitions, with the shared validation layer and result types. Every
result explains itself: its findings, the domains that set the grade, the missing inputs that
leave it open, the decisions applied and the criteria version.

Example:
    >>> from astct_grading import grade_crs
    >>> grade_crs({
    ...     "temperature": {"value": 38.6, "unit": "C"},
    ...     "hypotension": True,
    ...     "vasopressors": ["vasopressin", "norepinephrine"],
    ...     "oxygen": {"device": "nasal_cannula", "flow_l_min": 2},
    ... }).grade
    3
"""

from astct_grading._validation import Temperature, TemperatureUnit
from astct_grading._version import __version__
from astct_grading.criteria.astct2019 import CRITERIA_VERSION, OxygenDevice, VasopressorAgent
from astct_grading.crs import (
    CrsAssessment,
    CrsOptions,
    OxygenSupport,
    Vasopressor,
    grade_crs,
    vasopressor_grade,
)
from astct_grading.errors import ERROR_TYPES, AstctGradingError
from astct_grading.results import Finding, GradeResult, ScoreItem, ScoreResult
from astct_grading.sle_response import (
    Outcome,
    ResponseResult,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
)
from astct_grading.sledai import Sledai2kOptions, Sledai2kResult, SledaiVisit, score_sledai2k

__all__ = [
    "CRITERIA_VERSION",
    "ERROR_TYPES",
    "AstctGradingError",
    "CrsAssessment",
    "CrsOptions",
    "Finding",
    "GradeResult",
    "Outcome",
    "OxygenDevice",
    "OxygenSupport",
    "ResponseResult",
    "ScoreItem",
    "ScoreResult",
    "Sledai2kOptions",
    "Sledai2kResult",
    "SledaiVisit",
    "Temperature",
    "TemperatureUnit",
    "Vasopressor",
    "VasopressorAgent",
    "__version__",
    "assess_doris_remission",
    "assess_lldas",
    "assess_sri4",
    "change_from_baseline",
    "grade_crs",
    "score_sledai2k",
    "vasopressor_grade",
]
