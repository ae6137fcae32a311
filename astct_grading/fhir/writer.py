"""Write graded courses as FHIR R4 resources (plain JSON dicts; docs/fhir.md, "What is written").

* Each graded assessment: an ``Observation`` coded in the project's code system
  (:data:`~astct_grading.fhir.codes.CODE_SYSTEM`; no LOINC or SNOMED CT code exists for an ASTCT
  2019 CRS or ICANS grade). Its value is the grade (``valueInteger``) when it is determined, and
  otherwise the range of grades the unknown inputs leave open (``valueRange``), never an integer;
  each domain's sub-grade is a component, the CRS fever waiver (D1) another; ``method`` names the
  consensus and the criteria version; ``derivedFrom`` references the Observations and
  QuestionnaireResponses read.
* Each episode (D20): a ``Condition`` coded in ICD-10-CM with the grade-specific code of its
  maximum grade (D89.83- for CRS, G92.0- for ICANS; "grade unspecified" when the maximum is a
  range), and an ``AdverseEvent`` with the grade in the ``ae-grade`` extension of the HL7 Adverse
  Event Clinical Research R4 Backport IG.
* The problems of the reading: an ``OperationOutcome`` per patient (and one for resources without
  a patient).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from astct_grading.core.results import GradeResult
from astct_grading.course.results import CourseResult, Episode, TimedGrade
from astct_grading.criteria.astct import CRITERIA_VERSION, LEE_2019
from astct_grading.fhir.codes import (
    AE_GRADE_EXTENSION,
    AE_GRADES,
    CODE_SYSTEM,
    CRS_ICD10CM,
    EXTENSION_BASE,
    ICANS_ICD10CM,
    ICD10CM,
    NCIT,
)
from astct_grading.fhir.encode import fhir_id
from astct_grading.fhir.mapping import FIELDS
from astct_grading.fhir.models import FhirRead, PatientCourse, Problem

__all__ = [
    "INPUT_EXTENSION",
    "METHOD",
    "code_system",
    "problems_outcome",
    "result_resources",
    "results_bundle",
]

#: An input resource a grade rests on that ``derivedFrom`` cannot hold (R4 allows Observation,
#: QuestionnaireResponse and a few others there, not MedicationAdministration or Procedure).
INPUT_EXTENSION = f"{EXTENSION_BASE}input"
_DERIVED_FROM = ("Observation/", "QuestionnaireResponse/")

#: The method of every grade: the consensus and the criteria version.
METHOD: dict[str, Any] = {
    "coding": [
        {
            "system": CODE_SYSTEM,
            "code": CRITERIA_VERSION,
            "display": f"ASTCT 2019 consensus grading ({LEE_2019})",
        }
    ],
    "text": f"ASTCT 2019 consensus ({LEE_2019}), criteria version {CRITERIA_VERSION}",
}

_DOMAINS = {
    "CRS": ("fever", "hypotension", "hypoxia", "death"),
    "ICANS": ("ice", "capd", "consciousness", "seizure", "motor", "icp", "death"),
}
_UNKNOWN = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "unknown",
        }
    ]
}


def _concepts() -> list[dict[str, str]]:
    concepts = [
        {"code": CRITERIA_VERSION, "display": f"ASTCT 2019 consensus grading ({LEE_2019})"},
        {"code": "crs-grade", "display": "CRS grade (ASTCT 2019)"},
        {"code": "icans-grade", "display": "ICANS grade (ASTCT 2019)"},
        {
            "code": "crs-fever-waiver",
            "display": "CRS fever waiver after antipyretic or "
            "anti-cytokine therapy (ASTCT 2019; decision D1)",
        },
        {"code": "car-t-infusion", "display": "CAR-T cell infusion (day 0)"},
        {"code": "crs.oxygen.device", "display": "Oxygen support device (CRS hypoxia, D4)"},
    ]
    for scale, domains in _DOMAINS.items():
        concepts += [
            {
                "code": f"{scale.lower()}-grade.{domain}",
                "display": f"{scale} grade contributed by the {domain} domain (ASTCT 2019)",
            }
            for domain in domains
        ]
    concepts += [{"code": path, "display": f"Assessment input {path}"} for path in FIELDS]
    return concepts


def code_system() -> dict[str, Any]:
    """The project's FHIR CodeSystem: every code it writes or reads by default.

    Example:
        >>> system = code_system()
        >>> system["url"], any(c["code"] == "crs-grade" for c in system["concept"])
        ('urn:astct-grading:fhir:CodeSystem', True)
    """
    return {
        "resourceType": "CodeSystem",
        "url": CODE_SYSTEM,
        "name": "AstctGrading",
        "title": "astct-grading codes: ASTCT 2019 grades and assessment inputs",
        "status": "draft",
        "content": "fragment",
        "description": "No LOINC or SNOMED CT code exists for an ASTCT 2019 CRS or ICANS grade "
        "or for most of the assessment's inputs; these codes name them for the astct-grading "
        "library's FHIR reading and writing.",
        "concept": _concepts(),
    }


def _id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "astct-grading:" + "/".join(parts)))


def _subject(patient_id: str) -> dict[str, Any]:
    return {"reference": f"Patient/{fhir_id(patient_id)}"}


def _value(low: int, high: int, prefix: str = "value") -> dict[str, Any]:
    if low == high:
        return {f"{prefix}Integer": low}
    return {f"{prefix}Range": {"low": {"value": low}, "high": {"value": high}}}


def _grade_note(result: GradeResult) -> list[dict[str, str]]:
    notes = []
    if result.grade is None:
        missing = ", ".join(result.missing) or "unknown inputs"
        notes.append(
            {
                "text": f"Grade not determined: between {result.grade_min} and "
                f"{result.grade_max}; not known: {missing} (D13)."
            }
        )
    notes.append({"text": result.explanation})
    return notes


def _references(sources: Sequence[str]) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    derived = [{"reference": ref} for ref in sources if ref.startswith(_DERIVED_FROM)]
    others = [
        {"url": INPUT_EXTENSION, "valueReference": {"reference": ref}}
        for ref in sources
        if not ref.startswith(_DERIVED_FROM) and " " not in ref
    ]
    return derived, others


def _observation(patient_id: str, timed: TimedGrade, sources: Sequence[str]) -> dict[str, Any]:
    result = timed.result
    scale = timed.scale.lower()
    components: list[dict[str, Any]] = [
        {
            "code": {"coding": [{"system": CODE_SYSTEM, "code": f"{scale}-grade.{f.domain}"}]},
            **_value(f.grade_min, f.grade_max),
        }
        for f in result.findings
    ]
    if timed.scale == "CRS":
        waiver: dict[str, Any] = (
            {"dataAbsentReason": _UNKNOWN}
            if timed.waiver is None
            else {"valueBoolean": timed.waiver}
        )
        components.append(
            {"code": {"coding": [{"system": CODE_SYSTEM, "code": "crs-fever-waiver"}]}, **waiver}
        )
    derived, others = _references(sources)
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _id(patient_id, scale, str(timed.index)),
        "status": "final",
        "code": {
            "coding": [
                {
                    "system": CODE_SYSTEM,
                    "code": f"{scale}-grade",
                    "display": f"{timed.scale} grade (ASTCT 2019)",
                }
            ],
            "text": f"{timed.scale} grade (ASTCT 2019)",
        },
        "subject": _subject(patient_id),
        "effectiveDateTime": timed.at.isoformat(),
        **_value(result.grade_min, result.grade_max),
        "note": _grade_note(result),
        "method": METHOD,
        "component": components,
    }
    if derived:
        observation["derivedFrom"] = derived
    if others:
        observation["extension"] = others
    return observation


def _episode_code(episode: Episode) -> tuple[str, str]:
    table = CRS_ICD10CM if episode.scale == "CRS" else ICANS_ICD10CM
    grade = episode.max_grade if episode.max_grade in table else None
    return table[grade]


def _episode_note(episode: Episode) -> str:
    if episode.max_grade is not None:
        text = f"Maximum grade {episode.max_grade} (ASTCT 2019)."
    else:
        text = (
            f"Maximum grade not determined: between {episode.max_grade_min} and "
            f"{episode.max_grade_max}; not known: {', '.join(episode.missing) or 'inputs'} (D13)."
        )
    if episode.established is None:
        text += " A possible episode: only unknown inputs could make it (D20)."
    return " ".join([text, *episode.notes])


def _condition(patient_id: str, episode: Episode, evidence: list[str]) -> dict[str, Any]:
    code, display = _episode_code(episode)
    condition: dict[str, Any] = {
        "resourceType": "Condition",
        "id": _id(patient_id, episode.scale.lower(), "episode", str(episode.number)),
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "resolved" if episode.resolved_at is not None else "active",
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": "confirmed" if episode.established else "provisional",
                }
            ]
        },
        "code": {"coding": [{"system": ICD10CM, "code": code, "display": display}]},
        "subject": _subject(patient_id),
        "onsetDateTime": episode.onset_at.isoformat(),
        "note": [{"text": _episode_note(episode)}],
    }
    if episode.resolved_at is not None:
        condition["abatementDateTime"] = episode.resolved_at.isoformat()
    if evidence:
        condition["evidence"] = [{"detail": [{"reference": ref} for ref in evidence]}]
    return condition


def _adverse_event(patient_id: str, episode: Episode, condition_id: str) -> dict[str, Any]:
    code, display = _episode_code(episode)
    if episode.max_grade is not None and episode.max_grade in AE_GRADES:
        grade_code, grade_display = AE_GRADES[episode.max_grade]
        grade: dict[str, Any] = {
            "coding": [{"system": NCIT, "code": grade_code, "display": grade_display}],
            "text": f"ASTCT 2019 grade {episode.max_grade}",
        }
    else:
        grade = {
            "text": f"ASTCT 2019 grade not determined: between {episode.max_grade_min} and "
            f"{episode.max_grade_max}"
        }
    if episode.max_grade == 5:
        outcome = "fatal"
    elif episode.resolved_at is not None:
        outcome = "resolved"
    else:
        outcome = "ongoing"
    return {
        "resourceType": "AdverseEvent",
        "id": _id(patient_id, episode.scale.lower(), "adverse-event", str(episode.number)),
        "extension": [{"url": AE_GRADE_EXTENSION, "valueCodeableConcept": grade}],
        "actuality": "actual" if episode.established else "potential",
        "event": {"coding": [{"system": ICD10CM, "code": code, "display": display}]},
        "subject": _subject(patient_id),
        "date": episode.onset_at.isoformat(),
        "resultingCondition": [{"reference": f"Condition/{condition_id}"}],
        "outcome": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
                    "code": outcome,
                }
            ]
        },
    }


def problems_outcome(problems: Sequence[Problem], patient_id: str | None) -> dict[str, Any]:
    """The problems of the reading as an ``OperationOutcome`` (one issue per problem).

    Example:
        >>> outcome = problems_outcome([Problem("Observation/t1", "no time")], "P1")
        >>> outcome["issue"][0]["diagnostics"]
        'Observation/t1: no time'
    """
    outcome: dict[str, Any] = {
        "resourceType": "OperationOutcome",
        "id": _id(patient_id or "", "problems"),
        "issue": [
            {
                "severity": "warning",
                "code": "business-rule",
                "diagnostics": f"{problem.resource}: {problem.reason}",
            }
            for problem in problems
        ],
    }
    return outcome


def result_resources(patient: PatientCourse, result: CourseResult) -> list[dict[str, Any]]:
    """A graded course as FHIR R4 resources: grades, episodes, adverse events, problems.

    Args:
        patient: the course as read (its sources become ``derivedFrom``).
        result: the course's grading (:func:`~astct_grading.course.grade_course`).

    Returns:
        The resources (plain dicts).
    """
    pid = result.patient_id
    resources: list[dict[str, Any]] = []
    grade_refs: dict[tuple[str, int], str] = {}
    for timed, sources in (
        *zip(result.crs, patient.crs_sources or [()] * len(result.crs), strict=True),
        *zip(result.icans, patient.icans_sources or [()] * len(result.icans), strict=True),
    ):
        observation = _observation(pid, timed, sources)
        grade_refs[timed.scale, timed.index] = f"Observation/{observation['id']}"
        resources.append(observation)
    for episode in (*result.crs_episodes, *result.icans_episodes):
        evidence = [
            grade_refs[episode.scale, index]
            for index in episode.assessments
            if (episode.scale, index) in grade_refs
        ]
        condition = _condition(pid, episode, evidence)
        resources.append(condition)
        resources.append(_adverse_event(pid, episode, condition["id"]))
    if patient.problems:
        resources.append(problems_outcome(patient.problems, pid))
    return resources


def results_bundle(
    graded: Iterable[tuple[PatientCourse, CourseResult | None]], read: FhirRead | None = None
) -> dict[str, Any]:
    """Graded courses as one FHIR R4 Bundle of type ``collection``.

    Args:
        graded: each patient as read, with its grading (None: no course could be built; only
            its problems are written).
        read: the reading, whose problems without a patient are written too.

    Returns:
        The Bundle.

    Example:
        >>> from astct_grading.fhir import demo_bundle, grade_fhir, read_bundle
        >>> read = read_bundle(demo_bundle())
        >>> bundle = results_bundle(grade_fhir(read), read)
        >>> sorted({e["resource"]["resourceType"] for e in bundle["entry"]})
        ['AdverseEvent', 'Condition', 'Observation']
    """
    resources: list[dict[str, Any]] = []
    for patient, result in graded:
        if result is not None:
            resources += result_resources(patient, result)
        elif patient.problems:
            resources.append(problems_outcome(patient.problems, patient.patient_id))
    if read is not None and read.problems:
        resources.append(problems_outcome(read.problems, None))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
