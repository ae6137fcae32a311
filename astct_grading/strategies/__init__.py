"""Hypothesis strategies for every input model, to property-test code built on astct-grading.

It needs Hypothesis, the ``strategies`` extra (``python3 -m pip install '.[strategies]'`` in a
checkout of the repository, or ``python3 -m pip install 'hypothesis>=6.100'`` beside an installed
package); importing this package without Hypothesis raises an :class:`ImportError` that says so,
and ``import astct_grading`` never imports it.

The strategies draw clinically coherent records: a flow only with a device that takes one, the
encephalopathy instrument that fits the patient's age (decisions.md D7), a course whose timestamps
increase and carry a time zone. They lean on the bounds of the rules, read from the criteria
tables rather than retyped: 38.0 °C and 100.4 °F, 6 L/min, every ICE band edge, CAPD 8/9, both
sides of every SLEDAI-2K laboratory bound, the response cut-offs and the 24-hour episode window.

Every strategy that draws a record takes ``completeness``: ``"complete"`` draws records whose
grade or score is determined (every input it needs is given), ``"partial"`` records with at least
one unknown input (D13), ``"any"`` (the default) both. :func:`records` draws JSON-compatible dicts
instead of models, and with ``valid=False`` records the library rejects, to test error handling.
Every option is keyword-only. :func:`register_strategies` makes ``st.from_type(Model)`` work.

The strategies live in private modules, one per concept: ``_common`` (completeness, numbers at the
cut-offs, temperatures), ``_crs``, ``_icans``, ``_sle`` (SLEDAI-2K visits and the response
inputs), ``_course`` and ``_records`` (JSON-compatible records and :func:`register_strategies`).

Example:
    >>> from hypothesis import given, settings
    >>> from astct_grading import grade_crs
    >>> @settings(max_examples=25, deadline=None)
    ... @given(crs_assessments(completeness="complete"))
    ... def test_every_complete_assessment_has_a_grade(assessment):
    ...     assert grade_crs(assessment).grade in range(6)
    >>> test_every_complete_assessment_has_a_grade()
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401  (checked first: every strategy module needs it)
except ImportError as error:  # pragma: no cover - exercised by a test that hides Hypothesis
    raise ImportError(
        "astct_grading.strategies needs Hypothesis; install it with: "
        "python3 -m pip install 'hypothesis>=6.100' (or, in a checkout of astct-grading: "
        "python3 -m pip install '.[strategies]')"
    ) from error

from astct_grading.strategies._common import (
    Completeness,
    temperatures,
)
from astct_grading.strategies._course import (
    courses,
)
from astct_grading.strategies._crs import (
    crs_assessments,
    oxygen_supports,
    vasopressors,
)
from astct_grading.strategies._icans import (
    capd_assessments,
    icans_assessments,
    ice_assessments,
)
from astct_grading.strategies._records import (
    crs_records,
    icans_records,
    records,
    register_strategies,
    sledai_records,
)
from astct_grading.strategies._sle import (
    anti_dsdna_measurements,
    complement_measurements,
    doris_inputs,
    lldas_inputs,
    sledai_change_inputs,
    sledai_visits,
    sri4_inputs,
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
