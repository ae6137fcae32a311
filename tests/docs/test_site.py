"""The documentation site's generated parts say what the code says (docs/index.md, "The site").

The site itself is built by ``make docs`` (strict: any warning fails), which ``make test`` runs.
These tests hold the pieces it is made of: the criteria tables and the input fields generated
from the code (scripts/docs_pages.py), the hand-written chart names beside them
(scripts/docs_chart_names.py), the link rewriting of the MkDocs hook (scripts/docs_hooks.py) and
the Griffe extension that reads the docstrings' examples (scripts/docs_griffe.py).
"""

from __future__ import annotations

import ast
import importlib
import logging
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import BaseModel

from astct_grading.core.criterion import Criterion
from astct_grading.criteria import crs, icans, sledai2k

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SCRIPTS = ROOT / "scripts"


def _script(name: str) -> ModuleType:
    # The hook modules import each other by name, as MkDocs loads them (scripts/ on sys.path).
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    return importlib.import_module(name)


pages = _script("docs_pages")
chart_names = _script("docs_chart_names")


def _cell(text: str) -> str:
    return str(pages.cell(text))


# --- The criteria pages ------------------------------------------------------------------------

CRITERIA_TABLES: list[tuple[str, tuple[Criterion, ...]]] = [
    ("criteria-crs", crs.CRS_CRITERIA),
    ("criteria-icans", icans.ICANS_CRITERIA),
    ("criteria-sledai2k", sledai2k.DORIS_CRITERIA),
    ("criteria-sledai2k", sledai2k.LLDAS_CRITERIA),
    ("criteria-sledai2k", sledai2k.SRI4_CRITERIA),
]


@pytest.mark.parametrize(("part", "criteria"), CRITERIA_TABLES)
def test_every_criterion_is_a_row_with_its_source(
    part: str, criteria: tuple[Criterion, ...]
) -> None:
    markdown = pages.GENERATED[part]()
    for criterion in criteria:
        row = f"| `{criterion.key}` | {_cell(criterion.rule)} | {_cell(criterion.source)} |"
        assert row in markdown, criterion.key


def test_the_crs_page_lists_every_device_agent_and_therapy() -> None:
    markdown = pages.criteria_crs()
    for device, rule in crs.OXYGEN_DEVICES.items():
        flow = "yes" if rule.flow_decides else "no"
        assert f"| `{device.value}` | {rule.grade} | {flow} | {_cell(rule.source)} |" in markdown
    names = [a.value for a in crs.VasopressorAgent] + [*crs.INOTROPES, *crs.WAIVER_THERAPIES]
    for name in names + list(crs.VASOPRESSOR_SYNONYMS):
        assert f"`{name}`" in markdown


def test_the_icans_page_lists_every_item_band_and_grade() -> None:
    markdown = pages.criteria_icans()
    for item in icans.ICE_ITEMS:
        assert f"| `{item.name}` | {_cell(item.task)} | {_cell(item.source)} |" in markdown
    for capd_item in icans.CAPD_ITEMS:
        assert f"| {capd_item.number} | `{capd_item.name}` | {_cell(capd_item.behaviour)} |" in (
            markdown
        )
    for low, high, grade in (*icans.ICE_BANDS, *icans.CAPD_BANDS):
        scores = f"{low}" if low == high else f"{low}-{high}"
        assert f"| {scores} | {grade or 'none'} |" in markdown
    for grades in (icans.CONSCIOUSNESS_GRADES, icans.MOTOR_GRADES, icans.ICP_GRADES):
        for key, grade in grades.items():
            assert f"| `{key.value}` | {grade} |" in markdown
    for feature, source in icans.EXCLUDED_FEATURES.items():
        assert f"| `{feature}` | {_cell(source)} |" in markdown


def test_the_sledai_page_lists_every_descriptor_bound_and_band() -> None:
    markdown = pages.criteria_sledai2k()
    for rule in sledai2k.DESCRIPTORS.values():
        row = re.search(
            rf"^\| {re.escape(_cell(rule.label))} \(`{rule.descriptor.value}`\).*$", markdown, re.M
        )
        assert row, rule.descriptor
        assert f"| {rule.weight} | {_cell(rule.definition)} |" in row.group(0)
        assert row.group(0).endswith(f"| {_cell(rule.source)} |")
        assert ("serological" in row.group(0)) is rule.serological
    for bound in sledai2k.LAB_BOUNDS:
        assert f"| `{bound.field}` | {_cell(f'{bound.relation} {bound.bound:g}')}" in markdown
    for band, lowest in sledai2k.ACTIVITY_BANDS:
        assert re.search(rf"^\| `{band.value}` \| {lowest}(-\d+| or more) \|$", markdown, re.M)


def test_every_marker_in_the_pages_names_a_generated_part_and_every_part_is_used() -> None:
    used = {
        name
        for page in DOCS.rglob("*.md")
        for name in pages.MARKER.findall(page.read_text(encoding="utf-8"))
    }
    assert used == set(pages.GENERATED)


# --- The input page ----------------------------------------------------------------------------


def _fields() -> list[tuple[type[BaseModel], str]]:
    return [
        (model, field.key)
        for model in pages.INPUT_MODELS.values()
        for field in pages.all_fields(model)
    ]


def test_every_input_field_has_chart_names_and_no_entry_is_stale() -> None:
    keys = {key for _, key in _fields()}
    missing = sorted(keys - set(chart_names.CHART_NAMES))
    stale = sorted(set(chart_names.CHART_NAMES) - keys)
    assert not missing, f"add these fields to scripts/docs_chart_names.py: {missing}"
    assert not stale, f"scripts/docs_chart_names.py names fields that do not exist: {stale}"


def test_every_chart_name_entry_says_something() -> None:
    for key, entry in chart_names.CHART_NAMES.items():
        assert entry.names.strip(), key
        assert entry.unknown is None or entry.unknown.strip(), key


@pytest.mark.parametrize("part", sorted(pages.INPUT_MODELS))
def test_the_input_tables_have_a_row_per_field_with_its_schema(part: str) -> None:
    model = pages.INPUT_MODELS[part]
    markdown = pages.GENERATED[part]()
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    sections = re.split(r"^### ", markdown, flags=re.M)[1:]
    by_section = {section.split("\n", 1)[0]: section for section in sections}
    for field in pages.all_fields(model):
        entry = chart_names.CHART_NAMES[field.key]
        section = by_section[field.model]
        allowed = pages.describe_type(field.schema, defs)
        row = f"| `{field.name}` | {_cell(entry.names)} | {allowed} |"
        assert row in section, field.key
        description = field.schema.get("description")
        if description:
            assert f"{_cell(description)} |" in section, field.key


def test_enum_values_and_bounds_come_from_the_schema() -> None:
    markdown = pages.GENERATED["inputs-crs"]()
    for device in crs.OxygenDevice:
        assert f"`{device.value}`" in markdown
    assert "number ≥ 0, ≤ 80" in markdown  # OxygenSupport.flow_l_min
    icans_page = pages.GENERATED["inputs-icans"]()
    assert "integer ≥ -5, ≤ 4" in icans_page  # CapdAssessment.rass
    for answer in icans.CapdAnswer:
        assert f"`{answer.value}`" in icans_page


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ({"type": "integer", "minimum": 0, "maximum": 68}, "integer ≥ 0, ≤ 68"),
        ({"type": "number", "exclusiveMinimum": 0}, "number > 0"),
        ({"type": "number", "exclusiveMaximum": 1}, "number < 1"),
        ({"anyOf": [{"type": "boolean"}, {"type": "null"}]}, "`true` or `false`"),
        ({"enum": [10, 30], "type": "integer"}, "one of `10`, `30`"),
        ({"type": "string", "format": "date"}, "date (`YYYY-MM-DD`)"),
        ({"type": "string", "maxLength": 32}, "text (at most 32 characters)"),
        ({"type": "string"}, "text"),
        ({"type": "array", "items": {"enum": ["a"]}}, "list of one of `a`"),
        ({"$ref": "#/$defs/Unit"}, "one of `C`, `F`"),
        ({"$ref": "#/$defs/Box"}, "object: [Box](#box)"),
        ({}, "any"),
    ],
)
def test_describe_type(schema: dict[str, object], words: str) -> None:
    defs = {"Unit": {"enum": ["C", "F"]}, "Box": {"properties": {}}}
    assert pages.describe_type(schema, defs) == words


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("systolic_bp_mmhg", "mmHg"),
        ("flow_l_min", "L/min"),
        ("platelets_10e9_l", "x10^9/L"),
        ("proteinuria_g_24h", "g/24 h"),
        ("urine_rbc_per_hpf", "cells per high-power field"),
        ("age_years", "years"),
        ("window_days", "days"),
        ("seizure_duration_min", "minutes"),
        ("total", "-"),
    ],
)
def test_units_read_from_field_names(name: str, unit: str) -> None:
    assert pages.unit_of(name) == unit


def test_a_boolean_field_named_in_minutes_has_no_unit() -> None:
    markdown = pages.GENERATED["inputs-icans"]()
    row = next(line for line in markdown.splitlines() if line.startswith("| `seizure_over_5_min`"))
    assert row.split(" | ")[3] == "-"


def test_the_generic_unknown_sentences_follow_the_default() -> None:
    entry = chart_names.ChartName("x")
    required = pages.Field("M", "f", {"type": "number"}, True)
    absent_null = pages.Field("M", "f", {"anyOf": [{"type": "number"}, {"type": "null"}]}, False)
    default_false = pages.Field("M", "f", {"type": "boolean", "default": False}, False)
    default_10 = pages.Field("M", "f", {"type": "integer", "default": 10}, False)
    nullable_false = pages.Field(
        "M", "f", {"anyOf": [{"type": "boolean"}, {"type": "null"}], "default": False}, False
    )
    assert pages.when_unknown(required, entry).startswith("required")
    assert pages.when_unknown(absent_null, entry).startswith("not recorded: never read as normal")
    assert pages.when_unknown(default_false, entry) == "absent means `false`"
    assert pages.when_unknown(default_10, entry) == "absent means `10`"
    assert pages.when_unknown(nullable_false, entry) == "absent means `false`; `null` is accepted"
    assert pages.when_unknown(required, chart_names.ChartName("x", unknown="a < b")) == "a &lt; b"


def test_a_field_without_chart_names_fails_the_page() -> None:
    with pytest.raises(KeyError, match=r"CrsAssessment\.temperature"):
        pages.inputs_table(pages.INPUT_MODELS["inputs-crs"], {})


# --- The hook: generated parts and links out of docs/ ------------------------------------------

hooks = _script("docs_hooks")


def test_a_marker_is_replaced_by_its_part_and_an_unknown_one_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = "# T\n\n<!-- generated: criteria-crs -->\n"
    assert pages.criteria_crs() in hooks.insert_generated(text, "x.md")
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        unchanged = hooks.insert_generated("<!-- generated: nothing -->", "x.md")
    assert unchanged == "<!-- generated: nothing -->"
    assert "no generated part is called 'nothing'" in caplog.text


@pytest.mark.parametrize(
    ("link", "where", "repo_url", "rewritten"),
    [
        ("[`crs.py`](../astct_grading/criteria/crs.py)", "crs.md", None, "`crs.py`"),
        (
            "[crs](../astct_grading/criteria/crs.py)",
            "crs.md",
            "https://example.org/r/",
            "[crs](https://example.org/r/blob/main/astct_grading/criteria/crs.py)",
        ),
        ("[examples/](../examples)", "index.md", None, "examples/"),
        ("[log](../CHANGELOG.md)", "index.md", None, "[log](changelog.md)"),
        (
            "[log](../../CHANGELOG.md#unreleased)",
            "reference/x.md",
            None,
            "[log](../changelog.md#unreleased)",
        ),
        ("[crs](crs.md#the-consensus-table)", "index.md", None, None),
        ("[x](https://example.org/a)", "index.md", None, None),
        ("[x](#here)", "index.md", None, None),
        ("![figure](../x.png)", "index.md", None, None),
    ],
)
def test_links_out_of_the_docs(
    link: str, where: str, repo_url: str | None, rewritten: str | None
) -> None:
    assert hooks.rewrite_links(f"See {link}.", where, repo_url) == f"See {rewritten or link}."


def test_a_link_to_a_missing_file_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        text = hooks.rewrite_links("[x](../astct_grading/nothing.py)", "crs.md", None)
    assert text == "[x](../astct_grading/nothing.py)"
    assert "names a file that does not exist" in caplog.text


# --- The API reference -------------------------------------------------------------------------

griffe_extension = _script("docs_griffe")


def _facades() -> set[str]:
    """astct_grading and each subpackage whose __init__ declares a non-empty __all__."""
    found = {"astct_grading", "astct_grading.errors"}
    for init in (ROOT / "astct_grading").glob("*/__init__.py"):
        for node in ast.parse(init.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.Assign):
                continue
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if "__all__" in names and isinstance(node.value, ast.List) and node.value.elts:
                found.add(f"astct_grading.{init.parent.name}")
    return found


def test_every_public_facade_has_a_reference_page_in_the_navigation() -> None:
    documented = {
        match
        for page in (DOCS / "reference").glob("*.md")
        for match in re.findall(r"^::: ([\w.]+)$", page.read_text(encoding="utf-8"), re.M)
    }
    assert _facades() <= documented  # and a few names shadowed by a submodule, by full path
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in (DOCS / "reference").glob("*.md"):
        assert f"- reference/{page.name}\n" in config, page.name


@pytest.mark.parametrize(
    ("docstring", "read"),
    [
        ("Text.\n\nExample:\n    >>> 1\n    1", "Text.\n\nExamples:\n    >>> 1\n    1"),
        ("    Example:  \n", "    Examples:\n"),
        ("Example: inline text stays", "Example: inline text stays"),
        ("Examples:\n", "Examples:\n"),
    ],
)
def test_example_headings_become_examples_sections(docstring: str, read: str) -> None:
    assert griffe_extension.rename_headings(docstring) == read


@pytest.mark.parametrize(
    ("docstring", "read"),
    [
        (":class:`~astct_grading.icans.IceAssessment`", "`IceAssessment`"),
        (":func:`grade_crs`", "`grade_crs`"),
        (":mod:`astct_grading.course.models`", "`astct_grading.course.models`"),
        (":data:`ERROR_TYPES` and :meth:`~a.B.c`", "`ERROR_TYPES` and `c`"),
        ("``literal``", "``literal``"),
    ],
)
def test_sphinx_roles_become_code_spans(docstring: str, read: str) -> None:
    assert griffe_extension.plain_roles(docstring) == read


def test_make_docs_builds_strict_and_lets_warnings_through() -> None:
    # --quiet (or -q) sets MkDocs' log level to errors, so strict mode never sees a warning.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (command,) = re.findall(r"^\t.*mkdocs build.*$", makefile, re.M)
    assert "--strict" in command
    assert not re.search(r"\s(--quiet|-q)\b", command)
    assert re.search(r"^test:.*\bdocs\b", makefile, re.M)
