"""Read each FHIR resource type into a patient's timed inputs (docs/fhir.md, "What is read").

:class:`ResourceReader` reads one resource at a time into the patient's :class:`PatientInputs`:

* ``Patient``: the birth date (the age at each assessment) and the time of death.
* ``Observation``: body temperature, systolic pressure (alone or in the blood-pressure panel),
  oxygen flow, FiO2 and device (alone or as components of pulse oximetry), and the assessment
  inputs coded in the mapping's ``fields`` (the project's codes by default).
* ``QuestionnaireResponse``: ICE and CAPD items or totals and any other field, by ``linkId``.
* ``MedicationAdministration``: vasopressors (at an instant, or over a period that
  :mod:`astct_grading.fhir.assemble` lays over the CRS assessments it spans), the treatments of
  the course, and the CAR-T infusion.
* ``Procedure``: the CAR-T infusion.

Inputs of one patient at the same instant go to one :class:`Instant` (one assessment). A
resource that cannot be used raises :class:`~astct_grading.fhir.values.UnusableError` with the
reason; two resources that disagree at the same instant leave the field :data:`CONFLICT`.
The statuses read, from the FHIR R4 value sets (any other status is reported): ObservationStatus
``final``, ``amended``, ``corrected`` (a result); medication-admin-status ``completed``,
``in-progress``, ``stopped`` (given); QuestionnaireResponseStatus ``completed``, ``amended``;
EventStatus, for Procedure, ``completed``, ``in-progress``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from astct_grading.course.clock import utc
from astct_grading.fhir import values
from astct_grading.fhir.codes import PRODUCT_EXTENSION
from astct_grading.fhir.mapping import FIELDS, Concept, FhirMapping, Medication
from astct_grading.fhir.models import Problem
from astct_grading.fhir.units import (
    FLOW_UNITS,
    FRACTION_UNITS,
    PRESSURE_UNITS,
    UnitError,
    quantity,
    temperature,
)
from astct_grading.fhir.values import UnusableError

__all__ = ["CONFLICT", "Instant", "PatientInputs", "ResourceReader", "add"]

_OBSERVATION_STATUSES = frozenset({"final", "amended", "corrected"})
_GIVEN_STATUSES = frozenset({"completed", "in-progress", "stopped"})
_QR_STATUSES = frozenset({"completed", "amended"})
_PROCEDURE_STATUSES = frozenset({"completed", "in-progress"})
#: A field two resources at the same instant give different values for: neither is used.
CONFLICT = object()
#: The code that records "none" for a list of findings (``icp``, ...; docs/fhir.md).
_NONE = "none"


@dataclass
class Instant:
    """The inputs read for one assessment time: fields by path, and where each came from.

    Attributes:
        at: the time, as read (with its offset).
        fields: the assessment's fields by dotted path (``oxygen.device``), or :data:`CONFLICT`.
        refs: the references of every resource read into this instant.
        field_refs: for each field, the references it was read from.
        agents: the vasopressors running at this instant, with their references.
    """

    at: datetime
    fields: dict[str, Any] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)
    field_refs: dict[str, list[str]] = field(default_factory=dict)
    agents: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class PatientInputs:
    """Everything read for one patient, before the course is assembled."""

    pid: str
    refs: list[str] = field(default_factory=list)
    birth: date | None = None
    deceased_at: datetime | None = None
    infusions: list[tuple[datetime, str, str | None]] = field(default_factory=list)
    crs: dict[datetime, Instant] = field(default_factory=dict)
    icans: dict[datetime, Instant] = field(default_factory=dict)
    vaso_periods: list[tuple[datetime, datetime | None, str, str]] = field(default_factory=list)
    treatments: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    death: dict[str, Any] = field(default_factory=dict)
    death_refs: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def add(refs: list[str], ref: str) -> None:
    """Add ``ref`` to ``refs`` unless it is there already."""
    if ref not in refs:
        refs.append(ref)


class ResourceReader:
    """Reads resources into :class:`PatientInputs` by the codes and choices of a mapping.

    Args:
        mapping: the codes and choices (:class:`~astct_grading.fhir.mapping.FhirMapping`).
    """

    def __init__(self, mapping: FhirMapping) -> None:
        self.mapping = mapping
        #: Every resource of the input by reference and ``fullUrl`` (for medicationReference).
        self.by_url: dict[str, dict[str, Any]] = {}

    def slot(self, table: dict[datetime, Instant], at: datetime) -> Instant:
        """The instant of ``table`` at ``at`` (keyed by its UTC time), made when new."""
        key = utc(at)
        if key not in table:
            table[key] = Instant(at)
        return table[key]

    def put(self, slot: Instant, path: str, value: Any, ref: str) -> None:
        """Record a field at an instant; a different value already there makes it a conflict."""
        add(slot.field_refs.setdefault(path, []), ref)
        add(slot.refs, ref)
        if path in slot.fields and slot.fields[path] != value:
            slot.fields[path] = CONFLICT
        else:
            slot.fields.setdefault(path, value)

    def read_patient(self, patient: PatientInputs, resource: Mapping[str, Any], ref: str) -> None:
        """Read a Patient: its birth date and its time of death."""
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
                patient.deceased_at = values.instant(
                    resource["deceasedDateTime"], "deceasedDateTime"
                )
            except UnusableError as error:
                patient.problems.append(Problem(ref, f"{error}: the death is not recorded"))
        elif resource.get("deceasedBoolean") is True:
            patient.problems.append(
                Problem(ref, "deceasedBoolean without a time: the death is not recorded")
            )

    def read_observation(
        self, patient: PatientInputs, resource: Mapping[str, Any], ref: str
    ) -> None:
        """Read an Observation: a measurement, a panel's components, or a coded field."""
        status = resource.get("status")
        if status not in _OBSERVATION_STATUSES:
            raise UnusableError(f"status {status!r} is not a result (final, amended, corrected)")
        codings = values.codings(resource.get("code"))
        paths = [self.mapping.fields[c] for c in codings if c in self.mapping.fields]
        concepts = [self.mapping.concepts[c] for c in codings if c in self.mapping.concepts]
        if not paths and not concepts:
            raise UnusableError(
                f"code {values.describe(resource.get('code'))} is not an input of the grading"
            )
        if paths:
            self.read_field(patient, resource, ref, paths[0])
            return
        at = values.effective(resource)
        concept = concepts[0]
        if concept in {Concept.BP_PANEL, Concept.SPO2}:
            self.read_components(patient, resource, ref, at, concept)
            return
        self.read_measurement(patient, self.slot(patient.crs, at), concept, resource, ref)

    def read_components(
        self,
        patient: PatientInputs,
        resource: Mapping[str, Any],
        ref: str,
        at: datetime,
        concept: Concept,
    ) -> None:
        """Read the wanted components of a blood-pressure panel or pulse oximetry."""
        found = False
        for component in resource.get("component") or []:
            inner = [
                self.mapping.concepts[c]
                for c in values.codings(component.get("code"))
                if c in self.mapping.concepts
            ]
            wanted = (
                {Concept.SYSTOLIC}
                if concept is Concept.BP_PANEL
                else {Concept.O2_FLOW, Concept.FIO2, Concept.OXYGEN_DEVICE}
            )
            for part in inner:
                if part in wanted:
                    self.read_measurement(patient, self.slot(patient.crs, at), part, component, ref)
                    found = True
                    break
        if not found:
            raise UnusableError(
                "a blood-pressure panel without a systolic component"
                if concept is Concept.BP_PANEL
                else "pulse oximetry without an oxygen flow, FiO2 or device component: the "
                "saturation itself is not an ASTCT 2019 input (hypoxia is graded by the oxygen "
                "support, D4)"
            )

    def read_measurement(
        self,
        patient: PatientInputs,
        slot: Instant,
        concept: Concept,
        holder: Mapping[str, Any],
        ref: str,
    ) -> None:
        """Read one measurement (a Quantity in UCUM units, or the oxygen device)."""
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
            raise UnusableError(str(error)) from None

    def device(self, holder: Mapping[str, Any]) -> str:
        """The oxygen device named by a value, by code or by name (the mapping's)."""
        concept = holder.get("valueCodeableConcept")
        for coding in values.codings(concept):
            if coding in self.mapping.oxygen_device_codes:
                return self.mapping.oxygen_device_codes[coding].value
        names = values.names(concept)
        if isinstance(holder.get("valueString"), str):
            names.append(holder["valueString"].strip().lower())
        for name in names:
            if name in self.mapping.oxygen_device_names:
                return self.mapping.oxygen_device_names[name].value
        raise UnusableError(
            f"oxygen device {values.describe(concept) if concept else names} is not known"
        )

    def read_field(
        self, patient: PatientInputs, holder: Mapping[str, Any], ref: str, path: str
    ) -> None:
        """Read an assessment field (or a death attribution) from a ``value[x]`` holder."""
        scale, _, name = path.partition(".")
        kind = FIELDS[path]
        if "dataAbsentReason" in holder and not any(k.startswith("value") for k in holder):
            value: Any = None  # recorded as not known (D13)
        else:
            value = values.field_value(kind, holder, path)
        if scale == "death":
            patient.death[name] = value
            patient.death_refs.append(ref)
            return
        at = values.effective(holder)
        table = patient.crs if scale == "crs" else patient.icans
        slot = self.slot(table, at)
        if kind == "codes":
            self.put_code(slot, name, value, ref)
        elif path == "crs.vasopressors":
            if value is not False:
                raise UnusableError(
                    "crs.vasopressors records 'no vasopressor' (false) only; the agents are "
                    "read from MedicationAdministration"
                )
            self.put(slot, "vasopressors", [], ref)
        else:
            self.put(slot, name, value, ref)

    def put_code(self, slot: Instant, name: str, value: Any, ref: str) -> None:
        """Record a finding of a list field (``"none"``: none); a contradiction is a conflict."""
        current = slot.fields.get(name)
        if value is None:
            self.put(slot, name, None, ref)
            return
        found = [] if value == _NONE else [value]
        if current is None and name not in slot.fields:
            self.put(slot, name, found, ref)
        elif isinstance(current, list) and bool(current) == bool(found):
            slot.fields[name] = current + [v for v in found if v not in current]
            add(slot.field_refs[name], ref)
        else:  # "none" against a finding, or "not known" against either
            slot.fields[name] = CONFLICT
            add(slot.field_refs[name], ref)
        add(slot.refs, ref)

    def read_questionnaire(
        self, patient: PatientInputs, resource: Mapping[str, Any], ref: str
    ) -> None:
        """Read a QuestionnaireResponse: each mapped item's first answer, by linkId."""
        status = resource.get("status")
        if status not in _QR_STATUSES:
            raise UnusableError(f"status {status!r} is not a completed questionnaire")
        at = values.instant(resource.get("authored"), "authored time")
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
                    except UnusableError as error:
                        unread.append(f"{link} ({error})")
                elif answers:
                    unread.append(f"{link} (not mapped)")
                walk(item.get("item"))

        walk(resource.get("item"))
        if unread:
            patient.problems.append(Problem(ref, "items not read: " + "; ".join(unread)))
        if not used and not unread:
            raise UnusableError("no answered item")

    def medication(self, resource: Mapping[str, Any]) -> tuple[Medication | None, str]:
        """The medication given and its name, by code, else by name (the mapping's)."""
        concept = resource.get("medicationCodeableConcept")
        reference = resource.get("medicationReference")
        if concept is None and isinstance(reference, Mapping):
            target = self.by_url.get(str(reference.get("reference")))
            if target is None:
                raise UnusableError(
                    f"medicationReference {reference.get('reference')!r} is not in the input"
                )
            concept = target.get("code")
        for coding in values.codings(concept):
            if coding in self.mapping.medication_codes:
                names = values.names(concept)
                return self.mapping.medication_codes[coding], (names[0] if names else coding[1])
        for name in values.names(concept):
            if name in self.mapping.medication_names:
                return self.mapping.medication_names[name], name
        return None, values.describe(concept)

    def read_medication(
        self, patient: PatientInputs, resource: Mapping[str, Any], ref: str
    ) -> None:
        """Read a MedicationAdministration: a vasopressor, a treatment or the infusion."""
        status = resource.get("status")
        if status not in _GIVEN_STATUSES:
            raise UnusableError(f"status {status!r}: not given")
        medication, name = self.medication(resource)
        if medication is None:
            raise UnusableError(f"medication {name} is not an input of the grading")
        if medication.role == "inotrope":
            raise UnusableError(
                f"{name} is an inotrope, not a vasopressor: ASTCT 2019 counts vasopressors only "
                "(D3)"
            )
        if "effectiveDateTime" in resource:
            start = values.instant(resource["effectiveDateTime"], "effectiveDateTime")
            end: datetime | None = start
        elif isinstance(resource.get("effectivePeriod"), Mapping):
            period = resource["effectivePeriod"]
            start = values.instant(period.get("start"), "effectivePeriod.start")
            end = values.instant(period["end"], "effectivePeriod.end") if "end" in period else None
        else:
            raise UnusableError("no time (effectiveDateTime or effectivePeriod)")
        if medication.role == "infusion":
            if "MedicationAdministration" not in self.mapping.infusion_sources:
                raise UnusableError("the infusion is not read from MedicationAdministration here")
            patient.infusions.append((start, ref, medication.value))
        elif medication.role == "vasopressor":
            agent = cast(str, medication.value)  # an agent D3 counts (Medication checks it)
            if end == start:
                slot = self.slot(patient.crs, start)
                slot.agents.setdefault(agent, []).append(ref)
                add(slot.refs, ref)
            else:
                patient.vaso_periods.append((start, end, agent, ref))
        else:
            treatment: dict[str, Any] = {"at": start, "therapy": medication.value}
            treatment["agent"] = name[:64]
            dose = values.dose(resource.get("dosage"))
            if dose:
                treatment["dose"] = dose[:64]
            patient.treatments.append((treatment, ref))

    def read_procedure(self, patient: PatientInputs, resource: Mapping[str, Any], ref: str) -> None:
        """Read a Procedure: the CAR-T infusion (day 0) and the product's target."""
        if "Procedure" not in self.mapping.infusion_sources:
            raise UnusableError("the infusion is not read from Procedure here")
        if not any(c in self.mapping.infusion_codes for c in values.codings(resource.get("code"))):
            raise UnusableError(
                f"code {values.describe(resource.get('code'))} is not a CAR-T infusion code"
            )
        status = resource.get("status")
        if status not in _PROCEDURE_STATUSES:
            raise UnusableError(f"status {status!r}: the infusion was not given")
        if "performedDateTime" in resource:
            at = values.instant(resource["performedDateTime"], "performedDateTime")
        elif isinstance(resource.get("performedPeriod"), Mapping):
            at = values.instant(resource["performedPeriod"].get("start"), "performedPeriod.start")
        else:
            raise UnusableError("no time (performedDateTime or performedPeriod.start)")
        target = None
        for extension in resource.get("extension") or []:
            if extension.get("url") == PRODUCT_EXTENSION:
                target = extension.get("valueString")
        patient.infusions.append((at, ref, target))

    # Building the course.
