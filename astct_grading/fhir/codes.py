"""The codes the FHIR adapter reads and writes, each with its source (docs/fhir.md, "Codes").

Standard codes (verified against the sources cited on each line):

* LOINC, as the FHIR R4 vital-signs profiles use them: body temperature 8310-5 (FHIR R4
  ``bodytemp`` profile, units ``Cel`` or ``[degF]``), blood pressure panel 85354-9 with systolic
  8480-6 as a component (FHIR R4 ``bp`` profile), oxygen saturation 2708-6 and pulse oximetry
  59408-5 with the components inhaled oxygen flow rate 3151-8 (``L/min``) and inhaled oxygen
  concentration 3150-0 (US Core Pulse Oximetry profile and its example ``satO2-fiO2``).
* ICD-10-CM (CDC/CMS code set): D89.831-D89.835 "Cytokine release syndrome, grade 1" ... "grade 5",
  D89.839 "Cytokine release syndrome, grade unspecified"; G92.01-G92.05 "Immune effector
  cell-associated neurotoxicity syndrome, grade 1" ... "grade 5", G92.00 "..., grade unspecified".
* RxNorm ingredients (RXCUI): dopamine 3628, epinephrine 3992, norepinephrine 7512, phenylephrine
  8163, vasopressin 11149 and the inotrope dobutamine 3616.
* The HL7 Adverse Event Clinical Research R4 Backport IG (v1.0.1): the ``ae-grade`` extension,
  valued from the value set ``adverse-event-clinical-research-grades`` (NCI Thesaurus C41338,
  C41339, C41340, C41337, C48275 for grades 1-5).

No LOINC or SNOMED CT code exists for an ASTCT 2019 CRS or ICANS grade, nor for most of the
assessment's inputs (the clinician's hypotension call, the ICE and CAPD items, ...): those are
coded in the project's own code system, :data:`CODE_SYSTEM`, whose definition
:func:`astct_grading.fhir.writer.code_system` writes as a FHIR CodeSystem.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from astct_grading.criteria.crs import VasopressorAgent

__all__ = [
    "AE_GRADES",
    "AE_GRADE_EXTENSION",
    "CODE_SYSTEM",
    "CRS_ICD10CM",
    "EXTENSION_BASE",
    "ICANS_ICD10CM",
    "ICD10CM",
    "LOINC",
    "NCIT",
    "PRODUCT_EXTENSION",
    "RXNORM",
    "RXNORM_INOTROPES",
    "RXNORM_VASOPRESSORS",
    "UCUM",
]

#: LOINC's FHIR system URI (FHIR R4, "Using LOINC with HL7 FHIR").
LOINC = "http://loinc.org"
#: UCUM's FHIR system URI (FHIR R4 Quantity: ``system`` for UCUM units).
UCUM = "http://unitsofmeasure.org"
#: RxNorm's FHIR system URI (FHIR R4, terminologies-systems).
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
#: ICD-10-CM's FHIR system URI (FHIR R4, terminologies-systems).
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
#: NCI Thesaurus, the system of the adverse-event clinical-research grades (HL7 THO value set
#: adverse-event-clinical-research-grades).
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"

#: The project's code system: the grades, their domains, the method, and the assessment inputs
#: that have no standard code. A URN, so that it names no web address the project does not own.
CODE_SYSTEM = "urn:astct-grading:fhir:CodeSystem"
#: The prefix of the project's extensions (the product's target, the medication inputs).
EXTENSION_BASE = "urn:astct-grading:fhir:StructureDefinition:"
#: The extension that names the CAR-T product's target on the infusion record (``valueString``).
PRODUCT_EXTENSION = f"{EXTENSION_BASE}car-t-target"

#: The adverse-event grade extension of the HL7 Adverse Event Clinical Research R4 Backport IG
#: (STU1, v1.0.1; StructureDefinition ae-grade).
AE_GRADE_EXTENSION = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/ae-grade"

#: Grade -> (NCI Thesaurus code, display), the value set adverse-event-clinical-research-grades
#: (HL7 THO) and, for grade 5, C48275 "Death Related to Adverse Event" (the same concept the
#: CodeX radiotherapy grade value set lists).
AE_GRADES: Mapping[int, tuple[str, str]] = MappingProxyType(
    {
        1: ("C41338", "Grade 1 Mild Adverse Event"),
        2: ("C41339", "Grade 2 Moderate Adverse Event"),
        3: ("C41340", "Grade 3 Severe Adverse Event"),
        4: ("C41337", "Grade 4 Life Threatening or Disabling Adverse Event"),
        5: ("C48275", "Grade 5 Death Related to Adverse Event"),
    }
)

#: CRS grade -> ICD-10-CM code and title (D89.83-, "Cytokine release syndrome"); None: the grade
#: is not determined ("grade unspecified").
CRS_ICD10CM: Mapping[int | None, tuple[str, str]] = MappingProxyType(
    {
        1: ("D89.831", "Cytokine release syndrome, grade 1"),
        2: ("D89.832", "Cytokine release syndrome, grade 2"),
        3: ("D89.833", "Cytokine release syndrome, grade 3"),
        4: ("D89.834", "Cytokine release syndrome, grade 4"),
        5: ("D89.835", "Cytokine release syndrome, grade 5"),
        None: ("D89.839", "Cytokine release syndrome, grade unspecified"),
    }
)

_ICANS = "Immune effector cell-associated neurotoxicity syndrome"
#: ICANS grade -> ICD-10-CM code and title (G92.0-); None: "grade unspecified".
ICANS_ICD10CM: Mapping[int | None, tuple[str, str]] = MappingProxyType(
    {
        1: ("G92.01", f"{_ICANS}, grade 1"),
        2: ("G92.02", f"{_ICANS}, grade 2"),
        3: ("G92.03", f"{_ICANS}, grade 3"),
        4: ("G92.04", f"{_ICANS}, grade 4"),
        5: ("G92.05", f"{_ICANS}, grade 5"),
        None: ("G92.00", f"{_ICANS}, grade unspecified"),
    }
)

#: RxNorm ingredient RXCUI -> the vasopressor it is (D3).
RXNORM_VASOPRESSORS: Mapping[str, VasopressorAgent] = MappingProxyType(
    {
        "3628": VasopressorAgent.DOPAMINE,
        "3992": VasopressorAgent.EPINEPHRINE,
        "7512": VasopressorAgent.NOREPINEPHRINE,
        "8163": VasopressorAgent.PHENYLEPHRINE,
        "11149": VasopressorAgent.VASOPRESSIN,
    }
)

#: RxNorm ingredient RXCUI -> an inotrope, which is not a vasopressor (D3): reported, not counted.
RXNORM_INOTROPES: Mapping[str, str] = MappingProxyType({"3616": "dobutamine"})
