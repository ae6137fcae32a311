"""Errors raised by astct-grading, and the stable error types they carry.

Two kinds of error reach a caller (see docs/errors.md):

* :class:`pydantic.ValidationError` for bad input. Each entry names the field (``loc``), gives the
  reason (``msg``) and a stable ``type`` string. Pydantic's own types (``extra_forbidden``,
  ``enum``, ``finite_number``, ``greater_than_equal``...) keep their pydantic names; the types this
  library adds are listed in :data:`ERROR_TYPES`.
* :class:`AstctGradingError`, a :class:`ValueError`, for misuse of the API (for example passing
  something that is neither an input model nor a mapping to a grading function).
"""

from __future__ import annotations

__all__ = ["ERROR_TYPES", "AstctGradingError"]

#: Every validation error type this library adds, with what it means. Pydantic's built-in types
#: are documented by pydantic; docs/errors.md lists both.
ERROR_TYPES: dict[str, str] = {
    "bool_not_number": "a boolean was given where a number is expected (D15)",
    "number_format": "a number given as text: numbers are JSON numbers (D15)",
    "duplicate_key": "JSON text gives one key twice in the same object (D15)",
    "temperature_out_of_range": "a temperature outside 25-45 °C after conversion (D15)",
    "fever_conflict": "the fever finding contradicts the recorded temperature (D1, D14)",
    "hypotension_conflict": "hypotension is recorded absent while vasopressors are given (D3, D5)",
    "inotrope_not_vasopressor": "an inotrope (dobutamine...) listed as a vasopressor (D3)",
    "vasopressor_count": "a vasopressor count is not a whole number 0-6 or 'multiple' (D3)",
    "vasopressor_count_conflict": "a vasopressor count disagrees with the agents named (D3)",
    "flow_not_applicable": "an oxygen flow or FiO2 was given with room air (D4)",
    "systolic_needs_age": "a systolic pressure was given without the age needed to judge it (D5)",
    "sledai_descriptor_conflict": "a SLEDAI-2K descriptor contradicts its raw value (D16, D17)",
    "sledai_window": "a SLEDAI-2K look-back window other than 10 or 30 days (D18)",
    "visit_order": "a follow-up visit is dated before the baseline visit",
    "ice_total_conflict": "an ICE total disagrees with the items given (D10)",
    "ice_domain_conflict": "an ICE domain subtotal disagrees with its items given (D10)",
    "capd_total_conflict": "a CAPD total disagrees with the answers given (D8)",
    "capd_points_conflict": "a CAPD item's charted points disagree with its answer (CAPD form, D8)",
    "not_performed_with_score": "an instrument recorded as not performed has answers or a total",
    "capd_sedation_conflict": "RASS contradicts the CAPD record (RASS <= -4 is not assessable, D8)",
    "arousal_conflict": "'awake with global aphasia' or 'unarousable' contradicts arousal (D10)",
    "ice_zero_from_sedation": (
        "ICE 0 recorded for a patient unarousable from sedation, while the encephalopathy is not "
        "attributed to another cause (D10)"
    ),
    "seizure_conflict": "seizure details contradict the seizure finding or its duration (D11)",
    "waiver_derived": "a CRS assessment in a course sets fever_waiver; the course derives it (D1)",
    "death_in_course": "an assessment in a course records death; record it once in death (D6)",
    "out_of_order": "assessments or SLEDAI-2K visits in a course are not in time order",
    "after_death": "an assessment, treatment or visit is dated after the recorded death",
    "visit_date_required": "a SLEDAI-2K visit in a course has no visit_date",
    "duplicate_label": "two SLEDAI-2K visits in a course share a label",
    "unknown_time_zone": "a course's time_zone is not an IANA time-zone name",
    "time_zone_database_missing": "no time-zone database to look a course's time_zone up in",
}


class AstctGradingError(ValueError):
    """Misuse of the library's API (not bad clinical data, which raises ``ValidationError``).

    Attributes:
        type: a stable string naming the kind of misuse, listed in :data:`MISUSE_TYPES`.

    Example:
        >>> from astct_grading import grade_crs
        >>> try:
        ...     grade_crs([1, 2, 3])
        ... except AstctGradingError as error:
        ...     print(error.type)
        input_type
    """

    def __init__(self, type_: str, message: str) -> None:
        super().__init__(message)
        self.type = type_


#: The ``type`` values an :class:`AstctGradingError` can carry.
MISUSE_TYPES: dict[str, str] = {
    "input_type": "a grading function was given something that is neither its model nor a mapping",
    "invalid_option": "an options object was given a value outside its documented choices",
    "frame_column": "a table given to astct_grading.frame has an unknown column or one of the "
    "wrong type",
}
