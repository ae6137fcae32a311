"""The demo cohort as a FHIR R4 Bundle, shipped with the package (docs/fhir.md, "The demo Bundle").

The packaged demo cohort (``astct_grading/data/demo_cohort.json``: six synthetic patients,
illustrative only, not trial data) written as the FHIR resources the reader reads
(:func:`~astct_grading.fhir.encode.demo_bundle`) is shipped as
``astct_grading/fhir/data/demo_bundle.json``, one Bundle entry per line so that a change shows
resource by resource. ``scripts/make_fhir_demo_bundle.py`` writes it from
:func:`render_demo_bundle`; ``tests/fhir/test_demo_file.py`` checks that the file is what
:func:`~astct_grading.fhir.encode.demo_bundle` generates, so the two cannot drift apart.
``astct-grading fhir --write-demo FILE`` copies it out.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from astct_grading.fhir.encode import demo_bundle

__all__ = ["DEMO_BUNDLE_FILE", "demo_bundle_text", "load_demo_bundle", "render_demo_bundle"]

#: The file's name, in the folder ``data`` of :mod:`astct_grading.fhir`.
DEMO_BUNDLE_FILE = "demo_bundle.json"


def render_demo_bundle() -> str:
    """The text of the shipped file, generated now: the demo Bundle, one entry per line.

    Example:
        >>> text = render_demo_bundle()
        >>> text.splitlines()[0]
        '{"resourceType": "Bundle", "type": "collection", "entry": ['
    """
    bundle = demo_bundle()
    head = json.dumps({k: v for k, v in bundle.items() if k != "entry"}, ensure_ascii=False)
    entries = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in bundle["entry"])
    return f'{head[:-1]}, "entry": [\n{entries}\n]}}\n'


def demo_bundle_text() -> str:
    """The shipped demo Bundle's text (JSON), as packaged.

    Example:
        >>> demo_bundle_text() == render_demo_bundle()
        True
    """
    folder = resources.files("astct_grading.fhir").joinpath("data")
    return folder.joinpath(DEMO_BUNDLE_FILE).read_text(encoding="utf-8")


def load_demo_bundle() -> dict[str, Any]:
    """The shipped demo Bundle (illustrative synthetic data), as a dict.

    Returns:
        The Bundle, equal to what :func:`~astct_grading.fhir.encode.demo_bundle` generates.

    Example:
        >>> from astct_grading.fhir import read_bundle
        >>> [p.patient_id for p in read_bundle(load_demo_bundle()).patients][-1]
        'DEMO-06'
    """
    bundle: dict[str, Any] = json.loads(demo_bundle_text())
    return bundle
