"""The mapping from SDTM to the library's inputs: a typed, documented, overridable configuration.

Every default names its source. CDISC terms (test codes, units, variables) are from SDTMIG v3.4
and CDISC Controlled Terminology (CT; docs/cdisc.md says where each code was checked): VSTESTCD
codelist C66741 (TEMP C174446, SYSBP
C25298, OXYSAT C60832), UNIT codelist C71620 (``C`` C42559 degree Celsius, ``F`` C44277 degree
Fahrenheit, ``mmHg`` C49670, ``L/min`` C67388), AGEU codelist C66781. What CDISC does not
standardise (the oxygen device and flow, the ICE and CAPD item codes, the neurological findings of
ICANS, medication names) is sponsor-defined: the defaults below are one reasonable choice and every
one of them can be replaced (docs/cdisc.md, "The mapping").

Example:
    >>> mapping = SdtmMapping()
    >>> mapping.vitals.temperature
    'TEMP'
    >>> custom = SdtmMapping(oxygen=OxygenMapping(domain="RE", device_test="O2DEVICE"))
    >>> custom.oxygen.domain
    'RE'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from astct_grading.course.models import Therapy
from astct_grading.criteria.crs import VASOPRESSOR_SYNONYMS, OxygenDevice, VasopressorAgent
from astct_grading.criteria.icans import (
    CAPD_ITEMS,
    ICE_ITEMS,
    CapdAnswer,
    ConsciousnessLevel,
    IcpFinding,
    MotorFinding,
)

__all__ = [
    "AdverseEventMapping",
    "IcansMapping",
    "MedicationMapping",
    "OxygenMapping",
    "SdtmMapping",
    "VitalsMapping",
]


@dataclass(frozen=True, slots=True)
class VitalsMapping:
    """Vital signs (VS, SDTMIG v3.4; VSTESTCD codelist C66741).

    Attributes:
        domain: the domain holding the vital signs.
        temperature: VSTESTCD of body temperature (CT C174446 ``TEMP``).
        systolic: VSTESTCD of systolic blood pressure (CT C25298 ``SYSBP``), unit ``mmHg``
            (C49670); with DM.AGE it derives hypotension by the PALS thresholds (D5).
        oxygen_saturation: VSTESTCD of oxygen saturation (CT C60832 ``OXYSAT``). Read and kept
            for the record only: ASTCT 2019 grades hypoxia by the oxygen support, never by
            saturation (Lee 2019, CRS table).
        celsius_units: VSORRESU / VSSTRESU values meaning degrees Celsius (UNIT C42559 ``C``).
        fahrenheit_units: values meaning degrees Fahrenheit (UNIT C44277 ``F``).
        mmhg_units: values meaning millimetres of mercury (UNIT C49670 ``mmHg``).
    """

    domain: str = "VS"
    temperature: str = "TEMP"
    systolic: str = "SYSBP"
    oxygen_saturation: str = "OXYSAT"
    celsius_units: frozenset[str] = frozenset({"C"})
    fahrenheit_units: frozenset[str] = frozenset({"F"})
    mmhg_units: frozenset[str] = frozenset({"mmHg"})


#: Default device words (upper-cased ORRES text or treatment names) -> device (sponsor-defined;
#: the devices are those of the ASTCT 2019 CRS table and D4).
DEFAULT_DEVICES: Mapping[str, OxygenDevice] = MappingProxyType(
    {
        "ROOM AIR": OxygenDevice.ROOM_AIR,
        "NONE": OxygenDevice.ROOM_AIR,
        "BLOW-BY": OxygenDevice.BLOW_BY,
        "BLOW BY": OxygenDevice.BLOW_BY,
        "NASAL CANNULA": OxygenDevice.NASAL_CANNULA,
        "LOW FLOW NASAL CANNULA": OxygenDevice.LOW_FLOW_NASAL_CANNULA,
        "HIGH FLOW NASAL CANNULA": OxygenDevice.HIGH_FLOW_NASAL_CANNULA,
        "SIMPLE FACE MASK": OxygenDevice.SIMPLE_FACEMASK,
        "FACE MASK": OxygenDevice.SIMPLE_FACEMASK,
        "NON-REBREATHER MASK": OxygenDevice.NON_REBREATHER_MASK,
        "VENTURI MASK": OxygenDevice.VENTURI_MASK,
        "CPAP": OxygenDevice.CPAP,
        "BIPAP": OxygenDevice.BIPAP,
        "MECHANICAL VENTILATION": OxygenDevice.MECHANICAL_VENTILATION,
        "INVASIVE MECHANICAL VENTILATION": OxygenDevice.MECHANICAL_VENTILATION,
    }
)


@dataclass(frozen=True, slots=True)
class OxygenMapping:
    """Oxygen device and flow: sponsor-defined in most studies (no CDISC test code for them).

    Two shapes are supported:

    * ``kind="findings"`` (default): a findings domain with one record per measurement, the
      device in the ``device_test`` record's ORRES and the flow in the ``flow_test`` record's
      ORRES (or STRESN), both at the assessment's time. Default: the sponsor-defined domain
      ``XO`` with test codes ``O2DEV`` and ``O2FLOW``.
    * ``kind="interventions"``: CM or PR records with a start and an end (``--STDTC``,
      ``--ENDTC``), the device named in ``device_variable`` (e.g. ``PRTRT``) and the flow in
      ``--DOSE`` with ``--DOSU`` ``L/min`` (UNIT C67388). A record covers the times between its
      start and end; one without an end is ongoing.

    Attributes:
        kind: ``findings`` or ``interventions``.
        domain: the domain's two-letter code.
        device_test: findings: the --TESTCD of the device.
        flow_test: findings: the --TESTCD of the flow, in L/min.
        device_variable: interventions: the variable naming the device.
        devices: device words (upper case) -> the device.
        flow_units: the units meaning litres per minute (UNIT C67388 ``L/min``).
        complete: interventions only: True when the domain records every oxygen support, so a
            time no record covers is room air. False (default): such a time is unknown (D13).
    """

    kind: Literal["findings", "interventions"] = "findings"
    domain: str = "XO"
    device_test: str = "O2DEV"
    flow_test: str = "O2FLOW"
    device_variable: str = "PRTRT"
    devices: Mapping[str, OxygenDevice] = field(default_factory=lambda: DEFAULT_DEVICES)
    flow_units: frozenset[str] = frozenset({"L/min"})
    complete: bool = False


def _agent_names() -> dict[str, VasopressorAgent]:
    # The names the library accepts (D3): the agents and their synonyms, upper-cased for CM.
    names = {agent.value.replace("_", " ").upper(): agent for agent in VasopressorAgent}
    names.update({name.upper(): agent for name, agent in VASOPRESSOR_SYNONYMS.items()})
    return names


#: Default CM names of the therapies that waive fever (D1): tocilizumab, siltuximab, anakinra,
#: systemic corticosteroids and antipyretics (sponsor-defined lists; extend them per study).
DEFAULT_THERAPIES: Mapping[str, Therapy] = MappingProxyType(
    {
        "TOCILIZUMAB": Therapy.TOCILIZUMAB,
        "SILTUXIMAB": Therapy.SILTUXIMAB,
        "ANAKINRA": Therapy.ANAKINRA,
        "DEXAMETHASONE": Therapy.CORTICOSTEROID,
        "METHYLPREDNISOLONE": Therapy.CORTICOSTEROID,
        "PREDNISOLONE": Therapy.CORTICOSTEROID,
        "PREDNISONE": Therapy.CORTICOSTEROID,
        "HYDROCORTISONE": Therapy.CORTICOSTEROID,
        "PARACETAMOL": Therapy.ANTIPYRETIC,
        "ACETAMINOPHEN": Therapy.ANTIPYRETIC,
        "IBUPROFEN": Therapy.ANTIPYRETIC,
        "METAMIZOLE": Therapy.ANTIPYRETIC,
    }
)


@dataclass(frozen=True, slots=True)
class MedicationMapping:
    """Concomitant medications (CM, SDTMIG v3.4): vasopressors and the therapies of D1.

    The name is read from CMDECOD (the standardised name, e.g. WHO Drug), else CMTRT, upper-cased.

    Attributes:
        domain: the domain.
        vasopressors: names -> agent. Default: the names the library accepts (D3, its agents and
            synonyms, e.g. ``NOREPINEPHRINE``, ``NORADRENALINE``, ``ANGIOTENSIN II``).
        therapies: names -> therapy (D1).
        complete: False (default): CM is not known to hold every vasopressor given, so at a
            time no vasopressor record covers, vasopressors are unknown (D13: unknown is never
            normal) and the CRS grade is a range (hypotension with no CM record: 2-4). True, for
            a study that declares its CM complete (every vasopressor given has a record): such a
            time has none (the same hypotension: 2). A time a record covers has that agent
            either way.
    """

    domain: str = "CM"
    vasopressors: Mapping[str, VasopressorAgent] = field(
        default_factory=lambda: MappingProxyType(_agent_names())
    )
    therapies: Mapping[str, Therapy] = field(default_factory=lambda: DEFAULT_THERAPIES)
    complete: bool = False


def _ice_items() -> dict[str, str]:
    return {f"ICE{n:02d}": item.name for n, item in enumerate(ICE_ITEMS, 1)}


def _capd_items() -> dict[str, str]:
    return {f"CAPD{item.number:02d}": item.name for item in CAPD_ITEMS}


@dataclass(frozen=True, slots=True)
class IcansMapping:
    """ICE, CAPD and the other ICANS findings, from a findings domain (QS by default).

    The ICE (Lee 2019) and the CAPD (Traube 2014) have no CDISC questionnaire supplement, so the
    test codes are sponsor-defined; the defaults are ``ICE01``-``ICE10`` (items in the ICE
    table's order, 0 or 1), ``ICETOT``, ``CAPD01``-``CAPD08`` (answers ``NEVER`` ... ``ALWAYS``),
    ``CAPDTOT``, and ``LOC``, ``SEIZURE``, ``MOTOR``, ``ICP`` for the level of consciousness
    (D9), seizures, motor findings and raised intracranial pressure (D11). Records of one subject
    at one time make one ICANS assessment.

    Attributes:
        domain: the domain.
        ice_total: --TESTCD of the ICE total (0-10).
        ice_items: --TESTCD -> ICE item.
        capd_total: --TESTCD of the CAPD total (0-32).
        capd_items: --TESTCD -> CAPD item.
        consciousness: --TESTCD of the level of consciousness.
        consciousness_values: ORRES (upper case) -> level (D9).
        seizure: --TESTCD of "a seizure occurred" (``Y``/``N``).
        motor: --TESTCD of the motor finding.
        motor_values: ORRES -> motor finding (D11).
        icp: --TESTCD of a raised-ICP finding (one record per finding; ``NONE`` for none).
        icp_values: ORRES -> finding (D11).
    """

    domain: str = "QS"
    ice_total: str = "ICETOT"
    ice_items: Mapping[str, str] = field(default_factory=lambda: MappingProxyType(_ice_items()))
    capd_total: str = "CAPDTOT"
    capd_items: Mapping[str, str] = field(default_factory=lambda: MappingProxyType(_capd_items()))
    capd_answers: Mapping[str, CapdAnswer] = field(
        default_factory=lambda: MappingProxyType({a.value.upper(): a for a in CapdAnswer})
    )
    consciousness: str = "LOC"
    consciousness_values: Mapping[str, ConsciousnessLevel] = field(
        default_factory=lambda: MappingProxyType(
            {c.value.replace("_", " ").upper(): c for c in ConsciousnessLevel}
        )
    )
    seizure: str = "SEIZURE"
    motor: str = "MOTOR"
    motor_values: Mapping[str, MotorFinding] = field(
        default_factory=lambda: MappingProxyType(
            {m.value.replace("_", " ").upper(): m for m in MotorFinding}
        )
    )
    icp: str = "ICP"
    icp_values: Mapping[str, IcpFinding | None] = field(
        default_factory=lambda: MappingProxyType(
            {"NONE": None, **{i.value.replace("_", " ").upper(): i for i in IcpFinding}}
        )
    )


@dataclass(frozen=True, slots=True)
class AdverseEventMapping:
    """Adverse events (AE, SDTMIG v3.4): the investigator's CRS and ICANS events and grades.

    Events are recognised by AEDECOD, the dictionary-derived term (MedDRA preferred term),
    compared upper-cased. The defaults are the MedDRA preferred terms ``Cytokine release
    syndrome`` and ``Immune effector cell-associated neurotoxicity syndrome``; check them against
    the MedDRA version of your study (a study coded before that term existed may use
    ``Neurotoxicity``: add it). AETOXGR is the investigator's grade (``1``-``5``).

    Attributes:
        domain: the domain.
        crs_terms: AEDECOD values of CRS events.
        icans_terms: AEDECOD values of ICANS events.
    """

    domain: str = "AE"
    crs_terms: frozenset[str] = frozenset({"CYTOKINE RELEASE SYNDROME"})
    icans_terms: frozenset[str] = frozenset(
        {"IMMUNE EFFECTOR CELL-ASSOCIATED NEUROTOXICITY SYNDROME"}
    )


@dataclass(frozen=True, slots=True)
class SdtmMapping:
    """The whole mapping, with its defaults (docs/cdisc.md).

    Attributes:
        vitals: VS.
        oxygen: the oxygen device and flow.
        medications: CM.
        icans: QS (ICE, CAPD, neurological findings).
        adverse_events: AE.
        infusion: where the infusion date-time comes from, in order: ``EX`` (the earliest
            EXSTDTC of the subject, optionally of ``infusion_treatments`` only) and ``DM``
            (RFXSTDTC, the first study treatment).
        infusion_treatments: EXTRT values of the CAR-T product (upper case); empty: any.
        time_zone: the IANA zone of --DTC values written without a UTC offset (SDTM times are
            usually the site's clock time). Grades depend only on the order of times and on the
            hours between them, the same in any fixed zone; the zone matters for day numbers and
            across a daylight-saving change.
    """

    vitals: VitalsMapping = VitalsMapping()
    oxygen: OxygenMapping = OxygenMapping()
    medications: MedicationMapping = MedicationMapping()
    icans: IcansMapping = IcansMapping()
    adverse_events: AdverseEventMapping = AdverseEventMapping()
    infusion: tuple[Literal["EX", "DM"], ...] = ("EX", "DM")
    infusion_treatments: frozenset[str] = frozenset()
    time_zone: str = "UTC"
