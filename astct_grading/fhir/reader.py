"""Read FHIR R4 resources (plain JSON) into one :class:`~astct_grading.course.Course` per patient.

Sources: a Bundle, a JSON file holding a Bundle or one resource, an NDJSON file (FHIR bulk data:
one resource per line), or a folder of those. What is read (docs/fhir.md, "What is read"):

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

The work is shared by four modules: :mod:`~astct_grading.fhir.load` (files, Bundles, NDJSON),
:mod:`~astct_grading.fhir.resources` (each resource type into timed inputs),
:mod:`~astct_grading.fhir.assemble` (a patient's course and its problems) and
:mod:`~astct_grading.fhir.models` (what is returned). This module names each resource's patient
and sends the resource to its reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from astct_grading.fhir.assemble import assemble
from astct_grading.fhir.codes import PRODUCT_EXTENSION
from astct_grading.fhir.load import Entry, expand, files_of, load_file
from astct_grading.fhir.mapping import DEFAULT_MAPPING, FhirMapping
from astct_grading.fhir.models import FhirRead, PatientCourse, Problem
from astct_grading.fhir.resources import PatientInputs, ResourceReader
from astct_grading.fhir.values import UnusableError

__all__ = [
    "PRODUCT_EXTENSION",
    "FhirRead",
    "PatientCourse",
    "Problem",
    "read_bundle",
    "read_path",
    "read_resources",
]

#: A reference to a Patient: relative (``Patient/id``), absolute or versioned (FHIR R4,
#: "Resource References": a literal reference, the id of ``[A-Za-z0-9\-.]{1,64}``).
_PATIENT_REF = re.compile(r"(?:^|/)Patient/([A-Za-z0-9\-.]{1,64})(?:/_history/.*)?$")


class _Reader(ResourceReader):
    def __init__(self, mapping: FhirMapping) -> None:
        super().__init__(mapping)
        self.patients: dict[str, PatientInputs] = {}
        self.problems: list[Problem] = []
        self.patient_urls: dict[str, str] = {}

    def ref(self, entry: Entry) -> str:
        resource = entry.resource
        kind, rid = resource.get("resourceType"), resource.get("id")
        if isinstance(kind, str) and isinstance(rid, str):
            return f"{kind}/{rid}"
        if entry.full_url:
            return entry.full_url
        return f"{kind or 'resource'} at {entry.where}"

    def index(self, entries: list[Entry]) -> None:
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

    def patient(self, pid: str) -> PatientInputs:
        if pid not in self.patients:
            self.patients[pid] = PatientInputs(pid)
        return self.patients[pid]

    def read(self, entries: list[Entry]) -> FhirRead:
        self.index(entries)
        for entry in entries:
            self.one(entry)
        patients = tuple(
            assemble(self.patients[pid], self.mapping) for pid in sorted(self.patients)
        )
        return FhirRead(patients, tuple(self.problems))

    def one(self, entry: Entry) -> None:
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
        except UnusableError as error:
            patient.problems.append(Problem(ref, str(error)))


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
        for entry in expand(dict(resource), None, f"resource {position}")
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
    entries = [entry for file in files_of(path) for entry in load_file(file, problems)]
    read = _Reader(mapping).read(entries)
    return FhirRead(read.patients, tuple(problems) + read.problems)
