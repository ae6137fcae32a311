"""astct-grading: grade CAR-T toxicities by the ASTCT 2019 consensus.

The public API: input models and grading functions for cytokine release syndrome (CRS) and immune
effector cell-associated neurotoxicity syndrome (ICANS), SLEDAI-2K scoring and the SLE response
definitions, grading over a patient's course and the cohort report, with the shared validation
layer and result types. Every result explains itself: its findings, the domains that set the
grade, the missing inputs that leave it open, the decisions applied and the criteria version.

Names are imported on first use, so ``import astct_grading`` costs little more than its version.

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

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from astct_grading._version import __version__

if TYPE_CHECKING:
    from astct_grading.core.results import Finding, GradeResult, ScoreItem, ScoreResult
    from astct_grading.core.validation import Temperature, TemperatureUnit
    from astct_grading.course import Course, CourseOptions, CourseResult, grade_course
    from astct_grading.criteria.crs import (
        CRITERIA_VERSION,
        OxygenDevice,
        VasopressorAgent,
    )
    from astct_grading.crs.grading import (
        CrsAssessment,
        CrsOptions,
        OxygenSupport,
        Vasopressor,
        grade_crs,
        vasopressor_grade,
    )
    from astct_grading.errors import ERROR_TYPES, AstctGradingError
    from astct_grading.icans import (
        CapdAssessment,
        ConsciousnessLevel,
        IcansAssessment,
        IcansOptions,
        IceAssessment,
        grade_icans,
        score_capd,
        score_ice,
    )
    from astct_grading.report import (
        CohortReport,
        build_report,
        demo_report,
        load_demo_cohort,
        render_text,
    )
    from astct_grading.sle.response import (
        Outcome,
        ResponseResult,
        assess_doris_remission,
        assess_lldas,
        assess_sri4,
        change_from_baseline,
    )
    from astct_grading.sle.sledai import (
        Sledai2kOptions,
        Sledai2kResult,
        SledaiVisit,
        score_sledai2k,
    )

#: Public name -> the module that defines it (imported on first access, PEP 562).
_EXPORTS: dict[str, str] = {
    "Temperature": "core.validation",
    "TemperatureUnit": "core.validation",
    "Course": "course",
    "CourseOptions": "course",
    "CourseResult": "course",
    "grade_course": "course",
    "CRITERIA_VERSION": "criteria.crs",
    "OxygenDevice": "criteria.crs",
    "VasopressorAgent": "criteria.crs",
    "CrsAssessment": "crs",
    "CrsOptions": "crs",
    "OxygenSupport": "crs",
    "Vasopressor": "crs",
    "grade_crs": "crs",
    "vasopressor_grade": "crs",
    "ERROR_TYPES": "errors",
    "AstctGradingError": "errors",
    "CapdAssessment": "icans",
    "ConsciousnessLevel": "icans",
    "IcansAssessment": "icans",
    "IcansOptions": "icans",
    "IceAssessment": "icans",
    "grade_icans": "icans",
    "score_capd": "icans",
    "score_ice": "icans",
    "CohortReport": "report",
    "build_report": "report",
    "demo_report": "report",
    "load_demo_cohort": "report",
    "render_text": "report",
    "Finding": "core.results",
    "GradeResult": "core.results",
    "ScoreItem": "core.results",
    "ScoreResult": "core.results",
    "Outcome": "sle.response",
    "ResponseResult": "sle.response",
    "assess_doris_remission": "sle.response",
    "assess_lldas": "sle.response",
    "assess_sri4": "sle.response",
    "change_from_baseline": "sle.response",
    "Sledai2kOptions": "sle.sledai",
    "Sledai2kResult": "sle.sledai",
    "SledaiVisit": "sle.sledai",
    "score_sledai2k": "sle.sledai",
}

__all__ = [
    "CRITERIA_VERSION",
    "ERROR_TYPES",
    "AstctGradingError",
    "CapdAssessment",
    "CohortReport",
    "ConsciousnessLevel",
    "Course",
    "CourseOptions",
    "CourseResult",
    "CrsAssessment",
    "CrsOptions",
    "Finding",
    "GradeResult",
    "IcansAssessment",
    "IcansOptions",
    "IceAssessment",
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
    "build_report",
    "change_from_baseline",
    "demo_report",
    "grade_course",
    "grade_crs",
    "grade_icans",
    "load_demo_cohort",
    "render_text",
    "score_capd",
    "score_ice",
    "score_sledai2k",
    "vasopressor_grade",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'astct_grading' has no attribute {name!r}")
    value = getattr(import_module(f"astct_grading.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
