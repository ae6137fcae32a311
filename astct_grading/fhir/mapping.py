"""What the FHIR reader recognises, as one configurable object (docs/fhir.md, "Configuration").

:class:`FhirMapping` holds every code, name and choice the reader uses. The defaults read the
standard codes (LOINC vital signs, RxNorm ingredients, see :mod:`astct_grading.fhir.codes`) and the
project's own codes; a site adds its local codes with :meth:`FhirMapping.with_codes` (e.g. its ICE
total's code) or builds a mapping with different tables.

Codings are compared as ``(system, code)`` pairs, exactly. Names (a medication's text, a device's
text) are compared after ``strip().lower()``: FHIR text is free text, so ``Norepinephrine`` and
``norepinephrine`` are one name. Only the names listed are read; anything else is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import Literal

from astct_grading.course.clock import iana_zone
from astct_grading.course.models import Therapy
from astct_grading.criteria.crs import (
    INOTROPES,
    VASOPRESSOR_SYNONYMS,
    OxygenDevice,
    VasopressorAgent,
)
from astct_grading.criteria.icans import CAPD_ITEMS, ICE_ITEMS
from astct_grading.fhir.codes import (
    CODE_SYSTEM,
    LOINC,
    RXNORM,
    RXNORM_INOTROPES,
    RXNORM_VASOPRESSORS,
)

__all__ = [
    "DEFAULT_MAPPING",
    "FIELDS",
    "Concept",
    "FhirMapping",
    "Kind",
    "Medication",
]

Coding = tuple[str, str]
#: How a field's value is written: a yes/no, a code (an enum's value), a list of codes, a count,
#: an age or a duration (quantities).
Kind = Literal["flag", "code", "codes", "integer", "years", "minutes"]


class Concept(str, Enum):
    """The measurements the reader knows by their standard codes (docs/fhir.md, "Codes")."""

    TEMPERATURE = "temperature"
    SYSTOLIC = "systolic"
    BP_PANEL = "bp_panel"
    SPO2 = "spo2"
    O2_FLOW = "o2_flow"
    FIO2 = "fio2"
    OXYGEN_DEVICE = "oxygen_device"


def _fields() -> dict[str, Kind]:
    flags = (
        "crs.fever",
        "crs.fever_other_cause",
        "crs.hypotension",
        "crs.hypotension_other_cause",
        "crs.hypoxia_other_cause",
        "crs.vasopressors",
        "icans.developmental_delay",
        "icans.encephalopathy_other_cause",
        "icans.consciousness_other_cause",
        "icans.global_aphasia",
        "icans.seizure",
        "icans.seizure_over_5_min",
        "icans.seizure_without_return_to_baseline",
        "icans.seizure_other_cause",
        "icans.motor_other_cause",
        "icans.icp_other_cause",
        "icans.tremor",
        "icans.myoclonus",
        "icans.intracranial_haemorrhage",
        "death.due_to_crs",
        "death.due_to_icans",
    )
    table: dict[str, Kind] = dict.fromkeys(flags, "flag")
    table.update(
        {
            "crs.age_years": "years",
            "icans.age_years": "years",
            "icans.consciousness": "code",
            "icans.seizure_duration_min": "minutes",
            "icans.motor": "code",
            "icans.icp": "codes",
            "icans.ice.total": "integer",
            "icans.ice.not_performed": "code",
            "icans.capd.total": "integer",
            "icans.capd.rass": "integer",
            "icans.capd.not_performed": "code",
        }
    )
    table.update({f"icans.ice.{item.name}": "integer" for item in ICE_ITEMS})
    table.update({f"icans.capd.{item.name}": "code" for item in CAPD_ITEMS})
    return table


#: The assessment inputs read from the project's codes (or a site's, :meth:`FhirMapping.with_codes`)
#: by field path -> how the value is written. ``crs.vasopressors`` takes ``false`` only: "no
#: vasopressor given" (the agents themselves come from MedicationAdministration).
FIELDS: Mapping[str, Kind] = MappingProxyType(_fields())


@dataclass(frozen=True, slots=True)
class Medication:
    """What a medication is to the grading.

    Attributes:
        role: ``vasopressor`` (counted for hypotension, D3), ``inotrope`` (reported: not a
            vasopressor), ``therapy`` (a treatment of the course: it can waive the fever, D1) or
            ``infusion`` (the CAR-T product: day 0).
        value: the agent (a :class:`VasopressorAgent` value), the inotrope's name, the
            :class:`Therapy` value, or the product's target (``CD19``, ``BCMA``) or None.
    """

    role: Literal["vasopressor", "inotrope", "therapy", "infusion"]
    value: str | None

    def __post_init__(self) -> None:
        # A site's code for a vasopressor must name an agent D3 counts, or it could not be
        # counted (an inotrope is its own role: D3 counts vasopressors only).
        if self.role == "vasopressor" and self.value not in _AGENTS:
            raise ValueError(
                f"a vasopressor Medication names one of {', '.join(sorted(_AGENTS))} (D3), "
                f"not {self.value!r}"
            )


_AGENTS = frozenset(agent.value for agent in VasopressorAgent)


def _names() -> dict[str, Medication]:
    names: dict[str, Medication] = {}
    for agent in VasopressorAgent:
        names[agent.value] = Medication("vasopressor", agent.value)
        names[agent.value.replace("_", " ")] = Medication("vasopressor", agent.value)
    for synonym, agent in VASOPRESSOR_SYNONYMS.items():
        names[synonym] = Medication("vasopressor", agent.value)
    for inotrope in INOTROPES:
        names[inotrope] = Medication("inotrope", inotrope)
    therapies = {
        # The anti-cytokine agents the course layer names (Therapy).
        "tocilizumab": Therapy.TOCILIZUMAB,
        "siltuximab": Therapy.SILTUXIMAB,
        "anakinra": Therapy.ANAKINRA,
        # Corticosteroids used for CRS and ICANS (Lee 2019 and the product labels).
        "dexamethasone": Therapy.CORTICOSTEROID,
        "methylprednisolone": Therapy.CORTICOSTEROID,
        "hydrocortisone": Therapy.CORTICOSTEROID,
        "prednisolone": Therapy.CORTICOSTEROID,
        "prednisone": Therapy.CORTICOSTEROID,
        # Antipyretics: paracetamol (INN) and acetaminophen (USAN) are one drug.
        "paracetamol": Therapy.ANTIPYRETIC,
        "acetaminophen": Therapy.ANTIPYRETIC,
    }
    for name, therapy in therapies.items():
        names[name] = Medication("therapy", therapy.value)
    products = {
        # CAR-T products by their targets (the products' US labels).
        "tisagenlecleucel": "CD19",
        "axicabtagene ciloleucel": "CD19",
        "brexucabtagene autoleucel": "CD19",
        "lisocabtagene maraleucel": "CD19",
        "obecabtagene autoleucel": "CD19",
        "idecabtagene vicleucel": "BCMA",
        "ciltacabtagene autoleucel": "BCMA",
    }
    for name, target in products.items():
        names[name] = Medication("infusion", target)
    return names


def _codes() -> dict[Coding, Medication]:
    codes: dict[Coding, Medication] = {}
    for rxcui, agent in RXNORM_VASOPRESSORS.items():
        codes[RXNORM, rxcui] = Medication("vasopressor", agent.value)
    for rxcui, name in RXNORM_INOTROPES.items():
        codes[RXNORM, rxcui] = Medication("inotrope", name)
    for therapy in Therapy:
        codes[CODE_SYSTEM, f"therapy.{therapy.value}"] = Medication("therapy", therapy.value)
    for agent in VasopressorAgent:
        codes[CODE_SYSTEM, f"vasopressor.{agent.value}"] = Medication("vasopressor", agent.value)
    codes[CODE_SYSTEM, "car-t-infusion"] = Medication("infusion", None)
    return codes


def _devices() -> dict[str, OxygenDevice]:
    names = {device.value: device for device in OxygenDevice}
    names.update({device.value.replace("_", " "): device for device in OxygenDevice})
    names.update(
        {
            "blow-by": OxygenDevice.BLOW_BY,
            "face mask": OxygenDevice.SIMPLE_FACEMASK,
            "simple face mask": OxygenDevice.SIMPLE_FACEMASK,
            "non-rebreather mask": OxygenDevice.NON_REBREATHER_MASK,
            "high-flow nasal cannula": OxygenDevice.HIGH_FLOW_NASAL_CANNULA,
            "low-flow nasal cannula": OxygenDevice.LOW_FLOW_NASAL_CANNULA,
            "hfnc": OxygenDevice.HIGH_FLOW_NASAL_CANNULA,
            "invasive mechanical ventilation": OxygenDevice.MECHANICAL_VENTILATION,
        }
    )
    return names


def _frozen_codes(*pairs: Coding) -> frozenset[Coding]:
    return frozenset(pairs)


@dataclass(frozen=True, slots=True)
class FhirMapping:
    """The codes, names and choices the FHIR reader uses.

    Attributes:
        concepts: standard codings -> the measurement they are (LOINC vital signs by default).
        fields: codings of Observations -> the assessment input (a path of :data:`FIELDS`). By
            default each field's own path in the project's code system.
        questionnaire_items: QuestionnaireResponse ``linkId`` -> the assessment input (a path of
            :data:`FIELDS`). By default each field's path.
        oxygen_device_codes: codings of the device an Observation's value names ->
            the device. By default the project's codes (each :class:`OxygenDevice` value).
        oxygen_device_names: device names (text or display, lower case) -> the device.
        medication_codes: medication codings -> what they are (RxNorm ingredients, project
            codes).
        medication_names: medication names (lower case) -> what they are.
        infusion_codes: Procedure codings that record the CAR-T infusion.
        infusion_sources: where the infusion is read from: ``Procedure``,
            ``MedicationAdministration``, or both (the default).
        medication_record_complete: True when the MedicationAdministration record is complete
            for the course, so that a CRS assessment with no vasopressor running records "no
            vasopressor" (``vasopressors=[]``); False (default): it is unknown (D13).
        time_zone: the site's IANA time-zone name, given to each course (docs/course.md).

    Example:
        >>> site = ("http://site.example/codes", "ICE-T")
        >>> m = FhirMapping().with_codes({site: "icans.ice.total"})
        >>> m.fields[site]
        'icans.ice.total'
    """

    concepts: Mapping[Coding, Concept] = field(
        default_factory=lambda: MappingProxyType(
            {
                (LOINC, "8310-5"): Concept.TEMPERATURE,
                (LOINC, "8480-6"): Concept.SYSTOLIC,
                (LOINC, "85354-9"): Concept.BP_PANEL,
                (LOINC, "59408-5"): Concept.SPO2,
                (LOINC, "2708-6"): Concept.SPO2,
                (LOINC, "3151-8"): Concept.O2_FLOW,
                (LOINC, "3150-0"): Concept.FIO2,
                (CODE_SYSTEM, "crs.oxygen.device"): Concept.OXYGEN_DEVICE,
            }
        )
    )
    fields: Mapping[Coding, str] = field(
        default_factory=lambda: MappingProxyType({(CODE_SYSTEM, path): path for path in FIELDS})
    )
    questionnaire_items: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({path: path for path in FIELDS})
    )
    oxygen_device_codes: Mapping[Coding, OxygenDevice] = field(
        default_factory=lambda: MappingProxyType(
            {(CODE_SYSTEM, device.value): device for device in OxygenDevice}
        )
    )
    oxygen_device_names: Mapping[str, OxygenDevice] = field(
        default_factory=lambda: MappingProxyType(_devices())
    )
    medication_codes: Mapping[Coding, Medication] = field(
        default_factory=lambda: MappingProxyType(_codes())
    )
    medication_names: Mapping[str, Medication] = field(
        default_factory=lambda: MappingProxyType(_names())
    )
    infusion_codes: frozenset[Coding] = field(
        default_factory=lambda: _frozen_codes((CODE_SYSTEM, "car-t-infusion"))
    )
    infusion_sources: frozenset[Literal["Procedure", "MedicationAdministration"]] = frozenset(
        {"Procedure", "MedicationAdministration"}
    )
    medication_record_complete: bool = False
    time_zone: str | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.fields.values()) - set(FIELDS)) + sorted(
            set(self.questionnaire_items.values()) - set(FIELDS)
        )
        if unknown:
            raise ValueError(f"unknown field paths in the mapping: {unknown}")
        if self.time_zone is not None:
            iana_zone(self.time_zone)

    def with_codes(
        self,
        fields: Mapping[Coding, str] | None = None,
        *,
        concepts: Mapping[Coding, Concept] | None = None,
        questionnaire_items: Mapping[str, str] | None = None,
        medications: Mapping[Coding, Medication] | None = None,
        oxygen_devices: Mapping[Coding, OxygenDevice] | None = None,
        infusion_codes: frozenset[Coding] = frozenset(),
    ) -> FhirMapping:
        """This mapping with a site's codes added (they win over the defaults).

        Args:
            fields: Observation codings -> field paths (:data:`FIELDS`).
            concepts: codings -> measurements.
            questionnaire_items: linkIds -> field paths.
            medications: medication codings -> what they are.
            oxygen_devices: device codings -> devices.
            infusion_codes: Procedure codings of the infusion.

        Returns:
            A new mapping.
        """
        return replace(
            self,
            fields=MappingProxyType({**self.fields, **(fields or {})}),
            concepts=MappingProxyType({**self.concepts, **(concepts or {})}),
            questionnaire_items=MappingProxyType(
                {**self.questionnaire_items, **(questionnaire_items or {})}
            ),
            medication_codes=MappingProxyType({**self.medication_codes, **(medications or {})}),
            oxygen_device_codes=MappingProxyType(
                {**self.oxygen_device_codes, **(oxygen_devices or {})}
            ),
            infusion_codes=self.infusion_codes | infusion_codes,
        )


DEFAULT_MAPPING = FhirMapping()
