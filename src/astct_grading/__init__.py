"""astct-grading: grade CAR-T toxicities by the ASTCT 2019 consensus.

The public API: input models and grading functions for cytokine release syndrome (CRS), with the
shared validation layer and result types. Every result explains itself: its findings, the domains
that set the grade, the missing inputs that leave it open, the decisions applied and the criteria
version.

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
from astct_grading.results import Finding, GradeResult

__all__ = [
    "CRITERIA_VERSION",
    "ERROR_TYPES",
    "AstctGradingError",
    "CrsAssessment",
    "CrsOptions",
    "Finding",
    "GradeResult",
    "OxygenDevice",
    "OxygenSupport",
    "Temperature",
    "TemperatureUnit",
    "Vasopressor",
    "VasopressorAgent",
    "__version__",
    "grade_crs",
    "vasopressor_grade",
]
