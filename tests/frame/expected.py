"""The table row a per-record answer stands for, written from docs/frame.md ("The output").

The differential tests compare each graded row with this, built from the per-record function's
result or its first validation error, independently of the table path's own assembly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

ERRORS = ("error_field", "error_type", "error_message")


def answer_row(
    value: tuple[str, str, str, str], answer: Sequence[Any], version: str
) -> dict[str, Any]:
    """A valid row: the ``value`` columns (value, low, high, drivers) with ``answer``."""
    *numbers, drivers, missing = answer
    return {
        **dict(zip(value, [*numbers, list(drivers)], strict=True)),
        "missing": list(missing),
        "criteria_version": version,
        **dict.fromkeys(ERRORS),
    }


def error_row(value: tuple[str, str, str, str], error: ValidationError) -> dict[str, Any]:
    """A refused row: nulls, then the first error's field (dotted), type and message."""
    first = error.errors(include_url=False)[0]
    return {
        **dict.fromkeys((*value, "missing", "criteria_version")),
        "error_field": ".".join(str(part) for part in first["loc"]),
        "error_type": first["type"],
        "error_message": first["msg"],
    }
