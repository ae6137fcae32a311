"""The cohort report: tables over graded courses, as data and as text.

The modules, one concept each (docs/report.md):

* :mod:`~astct_grading.report.tables`: :class:`CohortReport`, its rows and :func:`build_report`.
* :mod:`~astct_grading.report.text`: :func:`render_text`.
* :mod:`~astct_grading.report.demo`: the packaged demo cohort (:func:`load_demo_cohort`,
  :func:`demo_report`).
"""

from __future__ import annotations

from astct_grading.report.demo import demo_report, load_demo_cohort
from astct_grading.report.tables import (
    CohortReport,
    CountRow,
    Distribution,
    EpisodeLine,
    GradeTable,
    PatientLine,
    ResponseRow,
    SledaiRow,
    build_report,
)
from astct_grading.report.text import render_text

__all__ = [
    "CohortReport",
    "CountRow",
    "Distribution",
    "EpisodeLine",
    "GradeTable",
    "PatientLine",
    "ResponseRow",
    "SledaiRow",
    "build_report",
    "demo_report",
    "load_demo_cohort",
    "render_text",
]
