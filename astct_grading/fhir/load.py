"""Load FHIR resources from a Bundle, a JSON file, an NDJSON file or a folder (docs/fhir.md).

Bundles are opened (nested ones too): each resource becomes an :class:`Entry` that remembers its
``fullUrl`` and where it was read. NDJSON (``.ndjson``, ``.jsonl``) is the bulk-data format of
FHIR R4 (page "nd-json", ``application/fhir+ndjson``): one resource per line. A line or a file
that is not JSON is a :class:`~astct_grading.fhir.models.Problem`, and reading goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from astct_grading.fhir.models import Problem

__all__ = ["SUFFIXES", "Entry", "expand", "files_of", "load_file"]

#: The file suffixes a folder is read for; ``.ndjson`` and ``.jsonl`` are read line by line.
SUFFIXES = frozenset({".json", ".ndjson", ".jsonl"})
_LINE_SUFFIXES = frozenset({".ndjson", ".jsonl"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One resource as loaded.

    Attributes:
        resource: the resource (``{}`` when it is not a JSON object).
        full_url: its Bundle entry's ``fullUrl``, if any.
        where: where it was read (a problem's reference when the resource has no id).
    """

    resource: dict[str, Any]
    full_url: str | None
    where: str


def expand(resource: Any, full_url: str | None, where: str) -> Iterator[Entry]:
    """The entries of ``resource``: its own, or each of a Bundle's entries (nested ones too)."""
    if isinstance(resource, dict) and resource.get("resourceType") == "Bundle":
        for position, entry in enumerate(resource.get("entry") or []):
            if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                yield from expand(
                    entry["resource"], entry.get("fullUrl"), f"{where} entry {position}"
                )
            else:
                yield Entry({}, None, f"{where} entry {position}")
    else:
        yield Entry(resource if isinstance(resource, dict) else {}, full_url, where)


def load_file(path: Path, problems: list[Problem]) -> Iterator[Entry]:
    """The entries of a JSON or NDJSON file; what is not JSON is added to ``problems``."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in _LINE_SUFFIXES:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name} line {number}"
            try:
                yield from expand(json.loads(line), None, where)
            except json.JSONDecodeError as error:
                problems.append(Problem(where, f"not JSON: {error.msg}"))
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(Problem(path.name, f"not JSON: {error.msg}"))
        return
    yield from expand(document, None, path.name)


def files_of(path: Path) -> list[Path]:
    """The file itself, or a folder's ``*.json``, ``*.ndjson`` and ``*.jsonl`` files by name."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SUFFIXES)
    return [path]
