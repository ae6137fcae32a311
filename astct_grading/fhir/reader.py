"""Read FHIR R4 resources (plain JSON) into one :class:`~astct_grading.course.Course` per patient.

Sources: a Bundle, a JSON file holding a Bundle or one resource, an NDJSON file (FHIR Bulk Data
export: one resource per line), or a folder of those. What is read (docs/fhir.md, "What is read"):

* ``Observation``: body temperature, systolic pressure (alone or in the blood-pressure panel),
  oxygen flow, FiO2 and device (alone or as components of pulse oximetry), and the assessment
  inputs coded in the mapping's ``fields`` (the project's codes by default).
* ``QuestionnaireResponse``: ICE and CAPD items or totals and any other field, by ``linkId``.
* ``MedicationAdministration``: vasopressors (at each CRS assessment they span), the treatments
  of the course, and the CAR-T infusion.
* ``Procedure``: the CAR-T infusion.
* ``Patient``: the id, the birth date (the age at each assessment) and the time of death.

Observations of one patient at the same instant form one assessment. Nothing is guessed: a
resource that cannot be used (no time, an unknown unit or code, a status other than a result,
a value that contradicts another at the same instant) is listed for its patient with the reason.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from astct_grading.course.clock import utc
from astct_grading.course.models import Course
from astct_grading.crs.grading import CrsAssessment
from astct_grading.fhir.codes import CODE_SYSTEM, EXTENSION_BASE
from astct_grading.fhir.mapping import DEFAULT_MAPPING, FIELDS, Concept, FhirMapping, Medication
from astct_grading.fhir.units import (
    AGE_UNITS,
    DURATION_UNITS,
    FLOW_UNITS,
    FRACTION_UNITS,
    PRESSURE_UNITS,
    UnitError,
    quantity,
    temperature,
)
from astct_grading.icans import IcansAssessment

__all__ = [
    "PRODUCT_EXTENSION",
    "FhirRead",
    "PatientCourse",
    "Problem",
    "read_bundle",
    "read_path",
    "read_resources",
]

#: The extension that names the CAR-T product's target on the infusion record (``valueString``).
PRODUCT_EXTENSION = f"{EXTENSION_BASE}car-t-target"

_OBSERVATION_STATUSES = frozenset({"final", "amended", "corrected"})
_GIVEN_STATUSES = frozenset({"completed", "in-progress", "stopped"})
_QR_STATUSES = frozenset({"completed", "amended"})
_PROCEDURE_STATUSES = frozenset({"completed", "in-progress"})
_PATIENT_REF = re.compile(r"(?:^|/)Patient/([A-Za-z0-9\-.]{1,64})(?:/_history/.*)?$")
_CONFLICT = object()
_NONE = "none"


@dataclass(frozen=True, slots=True)
class Problem:
    """A resource (or a line of a file) that could not be used, and why.

    Attributes:
        resource: the resource's reference (``Observation/abc``) or where it was read.
        reason: why it was not used.
    """

    resource: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """The problem as JSON."""
        return {"resource": self.resource, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class PatientCourse:
    """One patient's course as read, with what could not be used.

    Attributes:
        patient_id: the patient's id (``Patient.id``, or the id the resources refer to).
        course: the course, or None when none could be built (no infusion record, an invalid
            course; ``problems`` says why).
        problems: the patient's resources that were not used, with the reasons.
        crs_sources: for each CRS assessment of ``course``, the references of the resources it
            was read from.
        icans_sources: the same for each ICANS assessment.
        other_sources: the references of the other resources used (infusion, treatments,
            vasopressors, patient).
    """

    patient_id: str
    course: Course | None
    problems: tuple[Problem, ...]
    crs_sources: tuple[tuple[str, ...], ...] = ()
    icans_sources: tuple[tuple[str, ...], ...] = ()
    other_sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FhirRead:
    """Everything read: one entry per patient, and the problems no patient could be named for.

    Attributes:
        patients: each patient's course, in order of patient id.
        problems: resources without a patient (and unreadable lines or files).
    """

    patients: tuple[PatientCourse, ...]
    problems: tuple[Problem, ...]

    @property
    def courses(self) -> tuple[Course, ...]:
        """The courses that could be built."""
        return tuple(p.course for p in self.patients if p.course is not None)


class _UnusableError(Exception):
    """A resource or a value that cannot be used; the message says why."""


@dataclass
class _Instant:
    at: datetime
    fields: dict[str, Any] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)
    field_refs: dict[str, list[str]] = field(default_factory=dict)
    agents: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Patient:
    pid: str
    refs: list[str] = field(default_factory=list)
    birth: date | None = None
    deceased_at: datetime | None = None
    infusions: list[tuple[datetime, str, str | None]] = field(default_factory=list)
    crs: dict[datetime, _Instant] = field(default_factory=dict)
    icans: dict[datetime, _Instant] = field(default_factory=dict)
    vaso_periods: list[tuple[datetime, datetime | None, str, str]] = field(default_factory=list)
    treatments: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    death: dict[str, Any] = field(default_factory=dict)
    death_refs: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    used: list[str] = field(default_factory=list)


# --- Loading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    resource: dict[str, Any]
    full_url: str | None
    where: str


def _expand(resource: Any, full_url: str | None, where: str) -> Iterator[_Entry]:
    if isinstance(resource, dict) and resource.get("resourceType") == "Bundle":
        for position, entry in enumerate(resource.get("entry") or []):
            if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                yield from _expand(
                    entry["resource"], entry.get("fullUrl"), f"{where} entry {position}"
                )
            else:
                yield _Entry({}, None, f"{where} entry {position}")
    else:
        yield _Entry(resource if isinstance(resource, dict) else {}, full_url, where)


def _load_file(path: Path, problems: list[Problem]) -> Iterator[_Entry]:
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".ndjson", ".jsonl"}:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name} line {number}"
            try:
                yield from _expand(json.loads(line), None, where)
            except json.JSONDecodeError as error:
                problems.append(Problem(where, f"not JSON: {error.msg}"))
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(Problem(path.name, f"not JSON: {error.msg}"))
        return
    yield from _expand(document, None, path.name)


# --- Values ----------------------------------------------------------------------------------


def _instant(value: Any, what: str) -> datetime:
    """A FHIR dateTime/instant with a time and a time zone, as an aware datetime."""
    if not isinstance(value, str):
        raise _UnusableError(f"no {what}")
    if "T" not in value:
        raise _UnusableError(f"{what} {value!r} is a date without a time")
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _UnusableError(f"{what} {value!r} is not a FHIR dateTime") from None
    if parsed.tzinfo is None:
        raise _UnusableError(f"{what} {value!r} has no time zone")
    return parsed


def _effective(resource: Mapping[str, Any]) -> datetime:
    for key in ("effectiveDateTime", "effectiveInstant"):
        if key in resource:
            return _instant(resource[key], key)
    if "effectivePeriod" in resource:
        raise _UnusableError(
            "effectivePeriod: an observation over a period has no single assessment time"
        )
    raise _UnusableError("no time (effectiveDateTime or effectiveInstant)")


def _codings(concept: Any) -> list[tuple[str, str]]:
    if not isinstance(concept, Mapping):
        return []
    return [
        (str(c.get("system")), str(c.get("code")))
        for c in concept.get("coding") or []
        if isinstance(c, Mapping)
    ]


def _names(concept: Any) -> list[str]:
    if not isinstance(concept, Mapping):
        return []
    names = [concept["text"]] if isinstance(concept.get("text"), str) else []
    names += [
        c["display"]
        for c in concept.get("coding") or []
        if isinstance(c, Mapping) and isinstance(c.get("display"), str)
    ]
    return [name.strip().lower() for name in names]


def _describe(concept: Any) -> str:
    codings = _codings(concept)
    if codings:
        return ", ".join(f"{system}|{code}" for system, code in codings)
    names = _names(concept)
    return repr(names[0]) if names else "no code"


def _field_value(kind: str, value: Mapping[str, Any], what: str) -> Any:
    """A field's value from a FHIR ``value[x]`` holder (an Observation or an answer)."""
    if kind == "flag":
        if isinstance(value.get("valueBoolean"), bool):
            return value["valueBoolean"]
        raise _UnusableError(f"{what}: a yes/no is read from valueBoolean")
    if kind == "integer":
        number = value.get("valueInteger")
        if isinstance(number, int) and not isinstance(number, bool):
            return number
        raise _UnusableError(f"{what}: a count or score is read from valueInteger")
    if kind in {"code", "codes"}:
        if isinstance(value.get("valueString"), str):
            return value["valueString"]
        coding = value.get("valueCoding")
        codings = [coding] if isinstance(coding, Mapping) else []
        concept = value.get("valueCodeableConcept")
        if isinstance(concept, Mapping):
            codings += [c for c in concept.get("coding") or [] if isinstance(c, Mapping)]
        for c in codings:
            if c.get("system") in (CODE_SYSTEM, None) and isinstance(c.get("code"), str):
                return c["code"]
        raise _UnusableError(f"{what}: no code of {CODE_SYSTEM} (or valueString) in the value")
    units = AGE_UNITS if kind == "years" else DURATION_UNITS
    try:
        return quantity(value.get("valueQuantity"), units, what)
    except UnitError as error:
        raise _UnusableError(str(error)) from None


# --- Reading ---------------------------------------------------------------------------------


class _Reader:
    def __init__(self, mapping: FhirMapping) -> None:
        self.mapping = mapping
        self.patients: dict[str, _Patient] = {}
        self.problems: list[Problem] = []
        self.by_url: dict[str, dict[str, Any]] = {}
        self.patient_urls: dict[str, str] = {}

    # Indexing and references.

    def ref(self, entry: _Entry) -> str:
        resource = entry.resource
        kind, rid = resource.get("resourceType"), resource.get("id")
        if isinstance(kind, str) and isinstance(rid, str):
            return f"{kind}/{rid}"
        if entry.full_url:
            return entry.full_url
        return f"{kind or 'resource'} at {entry.where}"

    def index(self, entries: list[_Entry]) -> None:
        for entry in entries:
            ref = self.ref(entry)
            self.by_url[ref] = entry.resource
            if entry.full_url:
                self.by_url[entry.full_url] = entry.resource
            if entry.resource.get("resourceType") == "Patient":
                pid = entry.resource.get("id")
                if isinstance(pid, str) and pid:
                    for name in (ref, entry.full_url):
                        if name:
                            self.patient_urls[name] = pid

    def patient_of(self, resource: Mapping[str, Any]) -> str | None:
        for key in ("subject", "patient"):
            reference = resource.get(key)
            if isinstance(reference, Mapping) and isinstance(reference.get("reference"), str):
                text: str = reference["reference"]
                if text in self.patient_urls:
                    return self.patient_urls[text]
                match = _PATIENT_REF.search(text)
                if match:
                    return match.group(1)
                if text.startswith("urn:uuid:"):
                    return text.removeprefix("urn:uuid:")
        return None

    def patient(self, pid: str) -> _Patient:
        if pid not in self.patients:
            self.patients[pid] = _Patient(pid)
        return self.patients[pid]

    def instant(self, table: dict[datetime, _Instant], at: datetime) -> _Instant:
        key = utc(at)
        if key not in table:
            table[key] = _Instant(at)
        return table[key]

    def put(self, slot: _Instant, path: str, value: Any, ref: str) -> None:
        _add(slot.field_refs.setdefault(path, []), ref)
        _add(slot.refs, ref)
        if path in slot.fields and slot.fields[path] != value:
            slot.fields[path] = _CONFLICT
        else:
            slot.fields.setdefault(path, value)

    # Resources.

    def read(self, entries: list[_Entry]) -> FhirRead:
        self.index(entries)
        for entry in entries:
            self.one(entry)
        patients = tuple(self.build(self.patients[pid]) for pid in sorted(self.patients))
        return FhirRead(patients, tuple(self.problems))

    def one(self, entry: _Entry) -> None:
        resource, ref = entry.resource, self.ref(entry)
        kind = resource.get("resourceType")
        if kind is None:
            self.problems.append(Problem(ref, "not a FHIR resource (no resourceType)"))
            return
        if kind == "Medication":
            return  # read through the MedicationAdministration that refers to it
        if kind == "Patient":
            pid = resource.get("id")
            if not isinstance(pid, str) or not pid:
                self.problems.append(Problem(ref, "a Patient without an id"))
                return
            self.read_patient(self.patient(pid), resource, ref)
            return
        pid = self.patient_of(resource)
        if pid is None:
            self.problems.append(Problem(ref, "no subject or patient reference to a Patient"))
            return
        patient = self.patient(pid)
        handler = {
            "Observation": self.read_observation,
            "QuestionnaireResponse": self.read_questionnaire,
            "MedicationAdministration": self.read_medication,
            "Procedure": self.read_procedure,
        }.get(str(kind))
        if handler is None:
            patient.problems.append(Problem(ref, f"{kind} resources are not read"))
            return
        try:
            handler(patient, resource, ref)
        except _UnusableError as error:
            patient.problems.append(Problem(ref, str(error)))

    def read_patient(self, patient: _Patient, resource: Mapping[str, Any], ref: str) -> None:
        patient.refs.append(ref)
        birth = resource.get("birthDate")
        if birth is not None:
            try:
                patient.birth = date.fromisoformat(str(birth))
            except ValueError:
                patient.problems.append(
                    Problem(
                        ref,
                        f"birthDate {birth!r} is not a full date: the age is not derived from it",
                    )
                )
        if "deceasedDateTime" in resource:
            try:
                patient.deceased_at = _instant(resource["deceasedDateTime"], "deceasedDateTime")
            except _UnusableError as error:
                patient.problems.append(Problem(ref, f"{error}: the death is not recorded"))
        elif resource.get("deceasedBoolean") is True:
            patient.problems.append(
                Problem(ref, "deceasedBoolean without a time: the death is not recorded")
            )

    def read_observation(self, patient: _Patient, resource: Mapping[str, Any], ref: str) -> None:
        status = resource.get("status")
        if status not in _OBSERVATION_STATUSES:
            raise _UnusableError(f"status {status!r} is not a result (final, amended, corrected)")
        codings = _codings(resource.get("code"))
        paths = [self.mapping.fields[c] for c in codings if c in self.mapping.fields]
        concepts = [self.mapping.concepts[c] for c in codings if c in self.mapping.concepts]
        if not paths and not concepts:
            raise _UnusableError(
                f"code {_describe(resource.get('code'))} is not an input of the grading"
            )
        if paths:
            self.read_field(patient, resource, ref, paths[0])
            return
        at = _effective(resource)
        concept = concepts[0]
        if concept in {Concept.BP_PANEL, Concept.SPO2}:
            self.read_components(patient, resource, ref, at, concept)
            return
        self.read_measurement(patient, self.instant(patient.crs, at), concept, resource, ref)

    def read_components(
        self,
        patient: _Patient,
        resource: Mapping[str, Any],
        ref: str,
        at: datetime,
        concept: Concept,
    ) -> None:
        found = False
        for component in resource.get("component") or []:
            inner = [
                self.mapping.concepts[c]
                for c in _codings(component.get("code"))
                if c in self.mapping.concepts
            ]
            wanted = (
                {Concept.SYSTOLIC}
                if concept is Concept.BP_PANEL
                else {Concept.O2_FLOW, Concept.FIO2, Concept.OXYGEN_DEVICE}
            )
            for part in inner:
                if part in wanted:
                    self.read_measurement(
                        patient, self.instant(patient.crs, at), part, component, ref
                    )
                    found = True
                    break
        if not found:
            raise _UnusableError(
                "a blood-pressure panel without a systolic component"
                if concept is Concept.BP_PANEL
                else "pulse oximetry without an oxygen flow, FiO2 or device component: the "
                "saturation itself is not an ASTCT 2019 input (hypoxia is graded by the oxygen "
                "support, D4)"
            )

    def read_measurement(
        self,
        patient: _Patient,
        slot: _Instant,
        concept: Concept,
        holder: Mapping[str, Any],
        ref: str,
    ) -> None:
        try:
            if concept is Concept.TEMPERATURE:
                self.put(slot, "temperature", temperature(holder.get("valueQuantity")), ref)
            elif concept is Concept.SYSTOLIC:
                mmhg = quantity(holder.get("valueQuantity"), PRESSURE_UNITS, "systolic pressure")
                self.put(slot, "systolic_bp_mmhg", mmhg, ref)
            elif concept is Concept.O2_FLOW:
                flow = quantity(holder.get("valueQuantity"), FLOW_UNITS, "oxygen flow")
                self.put(slot, "oxygen.flow_l_min", flow, ref)
            elif concept is Concept.FIO2:
                fio2 = quantity(holder.get("valueQuantity"), FRACTION_UNITS, "FiO2")
                self.put(slot, "oxygen.fio2", fio2, ref)
            else:  # Concept.OXYGEN_DEVICE
                self.put(slot, "oxygen.device", self.device(holder), ref)
        except UnitError as error:
            raise _UnusableError(str(error)) from None

    def device(self, holder: Mapping[str, Any]) -> str:
        concept = holder.get("valueCodeableConcept")
        for coding in _codings(concept):
            if coding in self.mapping.oxygen_device_codes:
                return self.mapping.oxygen_device_codes[coding].value
        names = _names(concept)
        if isinstance(holder.get("valueString"), str):
            names.append(holder["valueString"].strip().lower())
        for name in names:
            if name in self.mapping.oxygen_device_names:
                return self.mapping.oxygen_device_names[name].value
        raise _UnusableError(
            f"oxygen device {_describe(concept) if concept else names} is not known"
        )

    def read_field(self, patient: _Patient, holder: Mapping[str, Any], ref: str, path: str) -> None:
        scale, _, name = path.partition(".")
        kind = FIELDS[path]
        if "dataAbsentReason" in holder and not any(k.startswith("value") for k in holder):
            value: Any = None  # recorded as not known (D13)
        else:
            value = _field_value(kind, holder, path)
        if scale == "death":
            patient.death[name] = value
            patient.death_refs.append(ref)
            return
        at = _effective(holder)
        table = patient.crs if scale == "crs" else patient.icans
        slot = self.instant(table, at)
        if kind == "codes":
            self.put_code(slot, name, value, ref)
        elif path == "crs.vasopressors":
            if value is not False:
                raise _UnusableError(
                    "crs.vasopressors records 'no vasopressor' (false) only; the agents are "
                    "read from MedicationAdministration"
                )
            self.put(slot, "vasopressors", [], ref)
        else:
            self.put(slot, name, value, ref)

    def put_code(self, slot: _Instant, name: str, value: Any, ref: str) -> None:
        current = slot.fields.get(name)
        if value is None:
            self.put(slot, name, None, ref)
            return
        found = [] if value == _NONE else [value]
        if current is None and name not in slot.fields:
            self.put(slot, name, found, ref)
        elif isinstance(current, list) and bool(current) == bool(found):
            slot.fields[name] = current + [v for v in found if v not in current]
            _add(slot.field_refs[name], ref)
        else:  # "none" against a finding, or "not known" against either
            slot.fields[name] = _CONFLICT
            _add(slot.field_refs[name], ref)
        _add(slot.refs, ref)

    def read_questionnaire(self, patient: _Patient, resource: Mapping[str, Any], ref: str) -> None:
        status = resource.get("status")
        if status not in _QR_STATUSES:
            raise _UnusableError(f"status {status!r} is not a completed questionnaire")
        at = _instant(resource.get("authored"), "authored time")
        unread: list[str] = []
        used = False

        def walk(items: Any) -> None:
            nonlocal used
            for item in items or []:
                link = item.get("linkId")
                path = self.mapping.questionnaire_items.get(link)
                answers = item.get("answer") or []
                if path is not None and answers:
                    holder = {"effectiveDateTime": at.isoformat(), **answers[0]}
                    try:
                        self.read_field(patient, holder, ref, path)
                        used = True
                    except _UnusableError as error:
                        unread.append(f"{link} ({error})")
                elif answers:
                    unread.append(f"{link} (not mapped)")
                walk(item.get("item"))

        walk(resource.get("item"))
        if unread:
            patient.problems.append(Problem(ref, "items not read: " + "; ".join(unread)))
        if not used and not unread:
            raise _UnusableError("no answered item")

    def medication(self, resource: Mapping[str, Any]) -> tuple[Medication | None, str]:
        concept = resource.get("medicationCodeableConcept")
        reference = resource.get("medicationReference")
        if concept is None and isinstance(reference, Mapping):
            target = self.by_url.get(str(reference.get("reference")))
            if target is None:
                raise _UnusableError(
                    f"medicationReference {reference.get('reference')!r} is not in the input"
                )
            concept = target.get("code")
        for coding in _codings(concept):
            if coding in self.mapping.medication_codes:
                names = _names(concept)
                return self.mapping.medication_codes[coding], (names[0] if names else coding[1])
        for name in _names(concept):
            if name in self.mapping.medication_names:
                return self.mapping.medication_names[name], name
        return None, _describe(concept)

    def read_medication(self, patient: _Patient, resource: Mapping[str, Any], ref: str) -> None:
        status = resource.get("status")
        if status not in _GIVEN_STATUSES:
            raise _UnusableError(f"status {status!r}: not given")
        medication, name = self.medication(resource)
        if medication is None:
            raise _UnusableError(f"medication {name} is not an input of the grading")
        if medication.role == "inotrope":
            raise _UnusableError(
                f"{name} is an inotrope, not a vasopressor: ASTCT 2019 counts vasopressors only "
                "(D3)"
            )
        if "effectiveDateTime" in resource:
            start = _instant(resource["effectiveDateTime"], "effectiveDateTime")
            end: datetime | None = start
        elif isinstance(resource.get("effectivePeriod"), Mapping):
            period = resource["effectivePeriod"]
            start = _instant(period.get("start"), "effectivePeriod.start")
            end = _instant(period["end"], "effectivePeriod.end") if "end" in period else None
        else:
            raise _UnusableError("no time (effectiveDateTime or effectivePeriod)")
        if medication.role == "infusion":
            if "MedicationAdministration" not in self.mapping.infusion_sources:
                raise _UnusableError("the infusion is not read from MedicationAdministration here")
            patient.infusions.append((start, ref, medication.value))
        elif medication.role == "vasopressor":
            assert medication.value is not None
            if end == start:
                slot = self.instant(patient.crs, start)
                slot.agents.setdefault(medication.value, []).append(ref)
                _add(slot.refs, ref)
            else:
                patient.vaso_periods.append((start, end, medication.value, ref))
        else:
            treatment: dict[str, Any] = {"at": start, "therapy": medication.value}
            treatment["agent"] = name[:64]
            dose = _dose(resource.get("dosage"))
            if dose:
                treatment["dose"] = dose[:64]
            patient.treatments.append((treatment, ref))

    def read_procedure(self, patient: _Patient, resource: Mapping[str, Any], ref: str) -> None:
        if "Procedure" not in self.mapping.infusion_sources:
            raise _UnusableError("the infusion is not read from Procedure here")
        if not any(c in self.mapping.infusion_codes for c in _codings(resource.get("code"))):
            raise _UnusableError(
                f"code {_describe(resource.get('code'))} is not a CAR-T infusion code"
            )
        status = resource.get("status")
        if status not in _PROCEDURE_STATUSES:
            raise _UnusableError(f"status {status!r}: the infusion was not given")
        if "performedDateTime" in resource:
            at = _instant(resource["performedDateTime"], "performedDateTime")
        elif isinstance(resource.get("performedPeriod"), Mapping):
            at = _instant(resource["performedPeriod"].get("start"), "performedPeriod.start")
        else:
            raise _UnusableError("no time (performedDateTime or performedPeriod.start)")
        target = None
        for extension in resource.get("extension") or []:
            if extension.get("url") == PRODUCT_EXTENSION:
                target = extension.get("valueString")
        patient.infusions.append((at, ref, target))

    # Building the course.

    def build(self, patient: _Patient) -> PatientCourse:
        problems = patient.problems
        if not patient.infusions:
            problems.append(
                Problem(
                    f"Patient/{patient.pid}",
                    "no CAR-T infusion record (Procedure or MedicationAdministration): day 0 is "
                    "unknown, so the course cannot be graded",
                )
            )
            return PatientCourse(patient.pid, None, tuple(problems))
        infusions = sorted(patient.infusions, key=lambda item: utc(item[0]))
        infusion_at, infusion_ref, target = infusions[0]
        for _, ref, _ in infusions[1:]:
            problems.append(Problem(ref, "a later infusion record: day 0 is the first infusion"))
        for start, end, agent, ref in patient.vaso_periods:
            spanned = [
                slot
                for key, slot in patient.crs.items()
                if utc(start) <= key and (end is None or key <= utc(end))
            ]
            if not spanned:
                problems.append(Problem(ref, "no CRS assessment falls within its period"))
            for slot in spanned:
                slot.agents.setdefault(agent, []).append(ref)
                _add(slot.refs, ref)
        crs, crs_sources = self.assessments(patient, patient.crs, "crs")
        icans, icans_sources = self.assessments(patient, patient.icans, "icans")
        record: dict[str, Any] = {
            "patient_id": patient.pid,
            "infusion_at": infusion_at,
            "crs_assessments": crs,
            "icans_assessments": icans,
            "treatments": [t for t, _ in patient.treatments],
            "time_zone": self.mapping.time_zone,
        }
        if target is not None:
            record["product"] = target
        if patient.deceased_at is not None:
            record["death"] = {
                "at": patient.deceased_at,
                "due_to_crs": patient.death.get("due_to_crs"),
                "due_to_icans": patient.death.get("due_to_icans"),
            }
        elif patient.death_refs:
            problems.extend(
                Problem(ref, "a death attribution without a death (Patient.deceasedDateTime)")
                for ref in patient.death_refs
            )
        others = [infusion_ref, *patient.refs, *(r for _, r in patient.treatments)]
        if patient.deceased_at is not None:
            others += patient.death_refs
        try:
            course = Course.model_validate(record)
        except ValidationError as error:
            problems.append(
                Problem(f"Patient/{patient.pid}", f"the course is invalid: {_errors(error)}")
            )
            return PatientCourse(patient.pid, None, tuple(problems))
        return PatientCourse(
            patient.pid,
            course,
            tuple(problems),
            tuple(crs_sources),
            tuple(icans_sources),
            tuple(dict.fromkeys(others)),
        )

    def assessments(
        self, patient: _Patient, table: dict[datetime, _Instant], scale: str
    ) -> tuple[list[dict[str, Any]], list[tuple[str, ...]]]:
        model = CrsAssessment if scale == "crs" else IcansAssessment
        assessments: list[dict[str, Any]] = []
        sources: list[tuple[str, ...]] = []
        for key in sorted(table):
            slot = table[key]
            fields = self.settle(patient, slot, scale)
            if fields is None:
                continue
            nested: dict[str, Any] = {}
            for path, value in fields.items():
                head, _, tail = path.partition(".")
                if tail:
                    nested.setdefault(head, {})[tail] = value
                else:
                    nested[head] = value
            try:
                assessment = model.model_validate(nested)
            except ValidationError as error:
                reason = f"the {scale.upper()} assessment at {slot.at.isoformat()} is invalid: "
                patient.problems.extend(Problem(ref, reason + _errors(error)) for ref in slot.refs)
                continue
            assessments.append({"at": slot.at, "assessment": assessment})
            sources.append(tuple(slot.refs))
        return assessments, sources

    def settle(self, patient: _Patient, slot: _Instant, scale: str) -> dict[str, Any] | None:
        fields = dict(slot.fields)
        for path, value in slot.fields.items():
            if value is _CONFLICT:
                del fields[path]
                patient.problems.extend(
                    Problem(
                        ref,
                        f"{scale}.{path} at {slot.at.isoformat()} disagrees with another "
                        "resource at the same time: neither is used",
                    )
                    for ref in slot.field_refs[path]
                )
        if scale == "crs":
            if slot.agents:
                if fields.get("vasopressors") == []:
                    patient.problems.extend(
                        Problem(ref, "'no vasopressor' is recorded while one is given")
                        for ref in slot.field_refs["vasopressors"]
                    )
                fields["vasopressors"] = sorted(slot.agents)
            elif "vasopressors" not in fields and self.mapping.medication_record_complete:
                fields["vasopressors"] = []
            if ("oxygen.flow_l_min" in fields or "oxygen.fio2" in fields) and (
                "oxygen.device" not in fields
            ):
                for path in ("oxygen.flow_l_min", "oxygen.fio2"):
                    if path in fields:
                        del fields[path]
                        patient.problems.extend(
                            Problem(
                                ref,
                                f"{path} at {slot.at.isoformat()} without an oxygen device: the "
                                "device decides the grade (D4), so the oxygen support is unknown",
                            )
                            for ref in slot.field_refs[path]
                        )
            if "systolic_bp_mmhg" in fields and "age_years" not in fields:
                age = self.age(patient, slot.at)
                if age is None:
                    del fields["systolic_bp_mmhg"]
                    patient.problems.extend(
                        Problem(
                            ref,
                            "the systolic pressure needs the patient's age (D5), and there is "
                            "no Patient.birthDate",
                        )
                        for ref in slot.field_refs["systolic_bp_mmhg"]
                    )
                else:
                    fields["age_years"] = age
        elif "age_years" not in fields:
            age = self.age(patient, slot.at)
            if age is not None:
                fields["age_years"] = age
        return fields if fields or slot.agents else None

    def age(self, patient: _Patient, at: datetime) -> float | None:
        if patient.birth is None:
            return None
        days = (at.date() - patient.birth).days
        return round(days / 365.25, 2) if days >= 0 else None


def _add(refs: list[str], ref: str) -> None:
    if ref not in refs:
        refs.append(ref)


def _dose(dosage: Any) -> str | None:
    if not isinstance(dosage, Mapping):
        return None
    dose = dosage.get("dose")
    if isinstance(dose, Mapping) and isinstance(dose.get("value"), (int, float)):
        value = dose["value"]
        unit = dose.get("unit") or dose.get("code") or ""
        text = f"{value:g} {unit}".strip() if math.isfinite(value) else None
        return text
    text = dosage.get("text")
    return str(text) if isinstance(text, str) and text else None


def _errors(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'record'}: {item['msg']}"
        for item in error.errors(include_url=False)
    )


def read_resources(
    resources: Iterable[Mapping[str, Any]], mapping: FhirMapping = DEFAULT_MAPPING
) -> FhirRead:
    """Read FHIR resources (plain JSON dicts; Bundles are opened) into courses.

    Args:
        resources: the resources.
        mapping: the codes and choices (:class:`~astct_grading.fhir.mapping.FhirMapping`).

    Returns:
        Each patient's course and the problems.

    Example:
        >>> read = read_resources([{"resourceType": "Patient", "id": "P1"}])
        >>> read.patients[0].course is None, read.patients[0].problems[0].reason[:27]
        (True, 'no CAR-T infusion record (P')
    """
    entries = [
        entry
        for position, resource in enumerate(resources)
        for entry in _expand(dict(resource), None, f"resource {position}")
    ]
    return _Reader(mapping).read(entries)


def read_bundle(bundle: Mapping[str, Any], mapping: FhirMapping = DEFAULT_MAPPING) -> FhirRead:
    """Read a FHIR Bundle (a dict) into courses.

    Args:
        bundle: the Bundle.
        mapping: the codes and choices.

    Returns:
        Each patient's course and the problems.

    Example:
        >>> from astct_grading.fhir import demo_bundle
        >>> [p.patient_id for p in read_bundle(demo_bundle()).patients][:2]
        ['DEMO-01', 'DEMO-02']
    """
    return read_resources([bundle], mapping)


def read_path(path: str | Path, mapping: FhirMapping = DEFAULT_MAPPING) -> FhirRead:
    """Read a file (a Bundle or a resource as JSON, or NDJSON) or a folder of them into courses.

    A folder's ``*.json``, ``*.ndjson`` and ``*.jsonl`` files are read in name order.

    Args:
        path: the file or folder.
        mapping: the codes and choices.

    Returns:
        Each patient's course and the problems (unreadable lines and files among them).

    Raises:
        OSError: the path cannot be read.
    """
    path = Path(path)
    problems: list[Problem] = []
    files = (
        sorted(p for p in path.iterdir() if p.suffix in {".json", ".ndjson", ".jsonl"})
        if path.is_dir()
        else [path]
    )
    entries = [entry for file in files for entry in _load_file(file, problems)]
    read = _Reader(mapping).read(entries)
    return FhirRead(read.patients, tuple(problems) + read.problems)
