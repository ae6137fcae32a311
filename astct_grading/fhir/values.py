"""Read FHIR R4 data types from plain JSON: times, codes, names, field values and doses.

Each function reads one element the way docs/fhir.md ("What is read") says, and raises
:class:`UnusableError` with the reason when the element cannot be used; nothing is guessed.
FHIR R4 data types: ``dateTime`` and ``instant`` (a time needs a time zone to be placed on the
course's clock), ``CodeableConcept`` / ``Coding`` (``system`` and ``code``, ``text`` and
``display``), ``Quantity`` (UCUM, :mod:`astct_grading.fhir.units`) and
``MedicationAdministration.dosage`` (its ``dose``, a ``SimpleQuantity``, or its ``text``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from astct_grading.fhir.codes import CODE_SYSTEM
from astct_grading.fhir.units import AGE_UNITS, DURATION_UNITS, UnitError, quantity

__all__ = [
    "UnusableError",
    "codings",
    "describe",
    "dose",
    "effective",
    "errors",
    "field_value",
    "instant",
    "names",
]


class UnusableError(Exception):
    """A resource or a value that cannot be used; the message says why."""


def instant(value: Any, what: str) -> datetime:
    """A FHIR dateTime/instant with a time and a time zone, as an aware datetime."""
    if not isinstance(value, str):
        raise UnusableError(f"no {what}")
    if "T" not in value:
        raise UnusableError(f"{what} {value!r} is a date without a time")
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise UnusableError(f"{what} {value!r} is not a FHIR dateTime") from None
    if parsed.tzinfo is None:
        raise UnusableError(f"{what} {value!r} has no time zone")
    return parsed


def effective(resource: Mapping[str, Any]) -> datetime:
    """An Observation's time: ``effectiveDateTime`` or ``effectiveInstant`` (not a period)."""
    for key in ("effectiveDateTime", "effectiveInstant"):
        if key in resource:
            return instant(resource[key], key)
    if "effectivePeriod" in resource:
        raise UnusableError(
            "effectivePeriod: an observation over a period has no single assessment time"
        )
    raise UnusableError("no time (effectiveDateTime or effectiveInstant)")


def codings(concept: Any) -> list[tuple[str, str]]:
    """A CodeableConcept's codings as (system, code) pairs."""
    if not isinstance(concept, Mapping):
        return []
    return [
        (str(c.get("system")), str(c.get("code")))
        for c in concept.get("coding") or []
        if isinstance(c, Mapping)
    ]


def names(concept: Any) -> list[str]:
    """A CodeableConcept's ``text`` and its codings' ``display``, stripped and lower-cased."""
    if not isinstance(concept, Mapping):
        return []
    found = [concept["text"]] if isinstance(concept.get("text"), str) else []
    found += [
        c["display"]
        for c in concept.get("coding") or []
        if isinstance(c, Mapping) and isinstance(c.get("display"), str)
    ]
    return [name.strip().lower() for name in found]


def describe(concept: Any) -> str:
    """A CodeableConcept for a problem's reason: its codings, else its first name."""
    pairs = codings(concept)
    if pairs:
        return ", ".join(f"{system}|{code}" for system, code in pairs)
    found = names(concept)
    return repr(found[0]) if found else "no code"


def field_value(kind: str, value: Mapping[str, Any], what: str) -> Any:
    """A field's value from a FHIR ``value[x]`` holder (an Observation or an answer)."""
    if kind == "flag":
        if isinstance(value.get("valueBoolean"), bool):
            return value["valueBoolean"]
        raise UnusableError(f"{what}: a yes/no is read from valueBoolean")
    if kind == "integer":
        number = value.get("valueInteger")
        if isinstance(number, int) and not isinstance(number, bool):
            return number
        raise UnusableError(f"{what}: a count or score is read from valueInteger")
    if kind in {"code", "codes"}:
        if isinstance(value.get("valueString"), str):
            return value["valueString"]
        coding = value.get("valueCoding")
        found = [coding] if isinstance(coding, Mapping) else []
        concept = value.get("valueCodeableConcept")
        if isinstance(concept, Mapping):
            found += [c for c in concept.get("coding") or [] if isinstance(c, Mapping)]
        for c in found:
            if c.get("system") in (CODE_SYSTEM, None) and isinstance(c.get("code"), str):
                return c["code"]
        raise UnusableError(f"{what}: no code of {CODE_SYSTEM} (or valueString) in the value")
    units = AGE_UNITS if kind == "years" else DURATION_UNITS
    try:
        return quantity(value.get("valueQuantity"), units, what)
    except UnitError as error:
        raise UnusableError(str(error)) from None


def dose(dosage: Any) -> str | None:
    """A MedicationAdministration's ``dosage`` as text: ``dose`` (value and unit), else ``text``."""
    if not isinstance(dosage, Mapping):
        return None
    amount = dosage.get("dose")
    if isinstance(amount, Mapping) and isinstance(amount.get("value"), (int, float)):
        value = amount["value"]
        unit = amount.get("unit") or amount.get("code") or ""
        text = f"{value:g} {unit}".strip() if math.isfinite(value) else None
        return text
    text = dosage.get("text")
    return str(text) if isinstance(text, str) and text else None


def errors(error: ValidationError) -> str:
    """A validation error's messages on one line, each with the field it names."""
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'record'}: {item['msg']}"
        for item in error.errors(include_url=False)
    )
