"""Each field's docstring is its description in the JSON Schema, read when a schema is made.

The docstrings under the input models' fields are read from the source on the first schema, not at
import (astct_grading.core.docstrings; docs/performance.md): these tests pin both halves.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

import astct_grading
import astct_grading.course
import astct_grading.icans
import astct_grading.sle.inputs
from astct_grading.cli import scales
from astct_grading.core.docstrings import field_docstrings
from astct_grading.core.validation import InputModel

for _name in astct_grading.__all__:
    getattr(astct_grading, _name)  # every public model defined
for _scale in (*scales.SCALES.values(), scales.COURSE):
    _ = _scale.record_model  # the command line's record models, built on first use


def _subclasses(cls: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("astct_grading."):
            yield sub
            yield from _subclasses(sub)


MODELS = sorted(set(_subclasses(InputModel)), key=lambda m: f"{m.__module__}.{m.__qualname__}")


def _own_schema(model: type[BaseModel], mode: Any) -> dict[str, Any]:
    """The model's own object schema (its properties), wherever pydantic placed it."""
    schema = model.model_json_schema(mode=mode)
    for candidate in (schema, *schema.get("anyOf", ())):
        if "properties" in candidate:
            return candidate  # type: ignore[no-any-return]
    ref = schema["anyOf"][0]["$ref"].rsplit("/", 1)[1]
    return schema["$defs"][ref]  # type: ignore[no-any-return]


def test_every_input_model_is_checked() -> None:
    assert len(MODELS) >= 24, [m.__name__ for m in MODELS]


@pytest.mark.parametrize("mode", ["validation", "serialization"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_described_by_the_docstring_under_it(
    model: type[BaseModel], mode: str
) -> None:
    docstrings = field_docstrings(model)
    properties = _own_schema(model, mode)["properties"]
    fields = set(model.model_fields)
    if model.__module__ == scales.__name__:
        # The command line's record models add the record id (create_model: no source).
        fields.remove(scales.ID_KEY)
        assert "description" not in properties[scales.ID_KEY]
    assert fields <= set(docstrings), "every field has a docstring"
    assert set(docstrings) <= set(model.model_fields), "only fields: nothing of pydantic's"
    for name in fields:
        assert docstrings[name].strip(), name
        assert properties[name]["description"] == docstrings[name], name


def test_a_known_description_is_the_cleaned_docstring() -> None:
    schema = astct_grading.CrsAssessment.model_json_schema()
    assert schema["properties"]["fever_waiver"]["description"] == (
        "CRS was established by fever and antipyretic or anti-cytokine therapy has since been "
        "given,\nso fever is no longer required (D1). None: not known."
    )
    value = schema["$defs"]["Temperature"]["properties"]["value"]
    assert value["description"] == "The reading, in ``unit``."


class _Parent:
    kept: int
    """The parent's text."""
    replaced: int
    """The parent's text, replaced."""
    undocumented: int
    not_a_docstring: int
    pass


class _Child(_Parent):
    replaced: int
    """The child's text."""
    added: str = "x"
    """An added field,
        its second line indented."""


def test_a_class_inherits_its_parents_docstrings_and_overrides_them() -> None:
    assert dict(field_docstrings(_Child)) == {
        "kept": "The parent's text.",
        "replaced": "The child's text.",
        "added": "An added field,\nits second line indented.",
    }


def test_a_class_without_source_has_no_docstrings() -> None:
    built = type("Built", (), {"__annotations__": {"x": int}})
    assert dict(field_docstrings(built)) == {}


def test_the_docstrings_are_read_when_a_schema_is_made_not_at_import() -> None:
    program = """
import json
from astct_grading import CrsAssessment, grade_crs
from astct_grading.cli import scales
from astct_grading.core.docstrings import field_docstrings
grade_crs(CrsAssessment.model_validate_json('{"fever": true}'))
before = field_docstrings.cache_info().currsize
described = CrsAssessment.model_fields["fever"].description
CrsAssessment.model_json_schema()
print(json.dumps([before, described, field_docstrings.cache_info().currsize]))
"""
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    before, described, after = json.loads(result.stdout)
    assert (before, described) == (0, None)
    assert after > 0
