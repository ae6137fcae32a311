"""Pages of the documentation site generated from the code, so the site cannot drift from it.

Two kinds, each a function returning Markdown, inserted into a page where it holds a marker line
``<!-- generated: NAME -->`` (scripts/docs_hooks.py does that at build time):

* the criteria tables (``criteria-crs``, ``criteria-icans``, ``criteria-sledai2k``), read from
  the tables of ``astct_grading.criteria`` with the source each entry carries;
* the input fields (``inputs-crs``, ``inputs-icans``, ``inputs-sledai``), read from the input
  models' JSON Schema (names, types, allowed values, defaults, descriptions), with the names a
  chart usually gives each field from the hand-written table in scripts/docs_chart_names.py.

Nothing here imports MkDocs: tests/docs/test_site.py calls these functions directly.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from docs_chart_names import CHART_NAMES, ChartName
from pydantic import BaseModel

from astct_grading.core.criterion import Criterion
from astct_grading.criteria import crs as crs_criteria
from astct_grading.criteria import icans as icans_criteria
from astct_grading.criteria import sledai2k as sledai_criteria
from astct_grading.crs import CrsAssessment
from astct_grading.icans import IcansAssessment
from astct_grading.sle import SledaiVisit

JsonSchema = dict[str, Any]


# --- Markdown helpers --------------------------------------------------------------------------


def cell(text: object) -> str:
    r"""Text made safe for one cell of a Markdown table (pipes, angle brackets, line breaks).

    Example:
        >>> cell("a < b | c\\nd")
        'a &lt; b &#124; c d'
    """
    escaped = html.escape(str(text), quote=False).replace("|", "&#124;")
    return " ".join(escaped.split())


def code(text: object) -> str:
    """Text as a code span (its pipes escaped for a table cell)."""
    return f"`{text}`".replace("|", "&#124;")


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; each cell is given ready (escape with :func:`cell`)."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    return "\n".join(lines) + "\n"


def _criteria_table(criteria: Sequence[Criterion]) -> str:
    return table(
        ["Key", "Rule", "Source"],
        ([code(c.key), cell(c.rule), cell(c.source)] for c in criteria),
    )


def _grade_map(title: str, grades: Mapping[Any, int], values: str = "Value") -> str:
    rows = ([code(getattr(key, "value", key)), str(grade)] for key, grade in grades.items())
    return f"{title}\n\n" + table([values, "Grade"], rows)


def _bands(scale: str, bands: Sequence[tuple[int, int, int]]) -> str:
    rows = (
        [f"{low}" if low == high else f"{low}-{high}", str(grade) if grade else "none"]
        for low, high, grade in bands
    )
    return table([f"{scale} score", "ICANS grade from this row"], rows)


# --- Criteria pages ----------------------------------------------------------------------------


def criteria_crs() -> str:
    """The CRS criteria (``astct_grading.criteria.crs``) as Markdown tables."""
    c = crs_criteria
    devices = table(
        ["Device", "Hypoxia grade", "Flow decides", "Source"],
        (
            [
                code(device.value),
                str(rule.grade),
                "yes" if rule.flow_decides else "no",
                cell(rule.source),
            ]
            for device, rule in c.OXYGEN_DEVICES.items()
        ),
    )
    agents = ", ".join(code(agent.value) for agent in c.VasopressorAgent)
    synonyms = ", ".join(
        f"{code(name)} ({code(agent.value)})" for name, agent in c.VASOPRESSOR_SYNONYMS.items()
    )
    return "\n".join(
        [
            f"Criteria version: {code(c.CRITERIA_VERSION)}. From `CRS_CRITERIA`:\n",
            _criteria_table(c.CRS_CRITERIA),
            "### Oxygen devices\n",
            f"From `OXYGEN_DEVICES`; low flow is at most {c.LOW_FLOW_MAX_L_MIN:g} L/min "
            "(`LOW_FLOW_MAX_L_MIN`).\n",
            devices,
            "### Vasopressors and waiver therapies\n",
            f"- Vasopressors counted (`VasopressorAgent`): {agents}.",
            f"- Other names accepted (`VASOPRESSOR_SYNONYMS`): {synonyms}.",
            "- Inotropes, rejected as vasopressors (`INOTROPES`): "
            + ", ".join(code(name) for name in sorted(c.INOTROPES))
            + ".",
            "- Therapies that waive the fever requirement (`WAIVER_THERAPIES`): "
            + ", ".join(code(name) for name in sorted(c.WAIVER_THERAPIES))
            + ".",
            "",
        ]
    )


def criteria_icans() -> str:
    """The ICANS criteria with ICE and CAPD (``astct_grading.criteria.icans``) as tables."""
    c = icans_criteria
    ice_items = table(
        ["Field", "Task", "Source"],
        ([code(i.name), cell(i.task), cell(i.source)] for i in c.ICE_ITEMS),
    )
    capd_items = table(
        ["Item", "Field", "Behaviour", "Scoring", "Source"],
        (
            [
                str(i.number),
                code(i.name),
                cell(i.behaviour),
                "reverse (never 4 ... always 0)" if i.reverse else "direct (never 0 ... always 4)",
                cell(i.source),
            ]
            for i in c.CAPD_ITEMS
        ),
    )
    excluded = table(
        ["Field", "Source"],
        ([code(name), cell(source)] for name, source in c.EXCLUDED_FEATURES.items()),
    )
    icp_synonyms = ", ".join(
        f"{code(name)} ({code(finding.value)})" for name, finding in c.ICP_SYNONYMS.items()
    )
    return "\n".join(
        [
            f"Criteria version: {code(c.CRITERIA_VERSION)}; CAPD: {code(c.CAPD_VERSION)}. "
            "From `ICANS_CRITERIA`:\n",
            _criteria_table(c.ICANS_CRITERIA),
            f"### ICE items (`ICE_ITEMS`, total 0-{c.ICE_MAX})\n",
            ice_items,
            _bands("ICE", c.ICE_BANDS),
            f"### CAPD items (`CAPD_ITEMS`, total 0-{c.CAPD_MAX})\n",
            capd_items,
            _bands("CAPD", c.CAPD_BANDS),
            "### Grades by finding\n",
            _grade_map("Level of consciousness (`CONSCIOUSNESS_GRADES`):", c.CONSCIOUSNESS_GRADES),
            _grade_map("Motor findings (`MOTOR_GRADES`):", c.MOTOR_GRADES),
            _grade_map("Raised intracranial pressure or oedema (`ICP_GRADES`):", c.ICP_GRADES),
            f"US spellings accepted (`ICP_SYNONYMS`): {icp_synonyms}.\n",
            "### Recorded, never graded (`EXCLUDED_FEATURES`)\n",
            excluded,
        ]
    )


def criteria_sledai2k() -> str:
    """SLEDAI-2K and the response definitions (``astct_grading.criteria.sledai2k``) as tables."""
    c = sledai_criteria
    descriptors = table(
        ["Descriptor (field)", "Weight", "Definition", "Not scored when due to", "Source"],
        (
            [
                f"{cell(r.label)} ({code(r.descriptor.value)})"
                + (" serological" if r.serological else "")
                + (" major organ" if r.major_organ else ""),
                str(r.weight),
                cell(r.definition),
                cell(", ".join(r.excluded_causes) or "-"),
                cell(r.source),
            ]
            for r in c.DESCRIPTORS.values()
        ),
    )
    bounds = table(
        ["Descriptor", "Field", "Present when", "Source"],
        (
            [
                code(b.descriptor.value),
                code(b.field),
                cell(f"{b.relation} {b.bound:g} {b.unit}"),
                cell(b.source),
            ]
            for b in c.LAB_BOUNDS
        ),
    )
    band_rows = []
    for index, (band, lowest) in enumerate(c.ACTIVITY_BANDS):
        following = c.ACTIVITY_BANDS[index + 1 :]
        scores = f"{lowest}-{following[0][1] - 1}" if following else f"{lowest} or more"
        band_rows.append([code(band.value), scores])
    return "\n".join(
        [
            f"Criteria version: {code(c.CRITERIA_VERSION)}; the highest score is "
            f'{c.MAX_SCORE}. "serological" marks the descriptors left out of clinical '
            'SLEDAI, "major organ" those LLDAS calls major. From `DESCRIPTORS`:\n',
            descriptors,
            "### Laboratory bounds (`LAB_BOUNDS`)\n",
            bounds,
            "Look-back windows accepted (`WINDOWS_DAYS`): "
            + ", ".join(f"{days} days" for days in c.WINDOWS_DAYS)
            + ".\n",
            "### Activity bands (`ACTIVITY_BANDS`, a convention)\n",
            table(["Band", "Scores"], band_rows),
            f"### DORIS remission ({code(c.DORIS_VERSION)}, `DORIS_CRITERIA`)\n",
            _criteria_table(c.DORIS_CRITERIA),
            f"### LLDAS ({code(c.LLDAS_VERSION)}, `LLDAS_CRITERIA`)\n",
            _criteria_table(c.LLDAS_CRITERIA),
            f"### SRI-4 ({code(c.SRI4_VERSION)}, `SRI4_CRITERIA`)\n",
            _criteria_table(c.SRI4_CRITERIA),
        ]
    )


# --- Input fields ------------------------------------------------------------------------------

#: Units read from a field name's suffix (the models name each number's unit in its field).
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_mmhg", "mmHg"),
    ("_l_min", "L/min"),
    ("_10e9_l", "x10^9/L"),
    ("_g_24h", "g/24 h"),
    ("_per_hpf", "cells per high-power field"),
    ("_years", "years"),
    ("_days", "days"),
    ("_min", "minutes"),
)


@dataclass(frozen=True)
class Field:
    """One input field as its model's JSON Schema states it.

    Attributes:
        model: the (sub)model's name, e.g. ``CrsAssessment`` or ``Temperature``.
        name: the field's name.
        schema: the field's schema (``$ref`` left as is).
        required: True when the model requires it.
    """

    model: str
    name: str
    schema: JsonSchema
    required: bool

    @property
    def key(self) -> str:
        """``Model.field``, the key of its entry in ``CHART_NAMES``."""
        return f"{self.model}.{self.name}"


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _alternatives(schema: JsonSchema) -> list[JsonSchema]:
    """The non-null alternatives of a schema (``anyOf`` unwrapped)."""
    return [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]


def _nullable(schema: JsonSchema) -> bool:
    return any(s.get("type") == "null" for s in schema.get("anyOf", []))


def _range(schema: JsonSchema) -> str:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    parts = []
    if low is not None:
        parts.append(f"> {low:g}" if "exclusiveMinimum" in schema else f"≥ {low:g}")
    if high is not None:
        parts.append(f"< {high:g}" if "exclusiveMaximum" in schema else f"≤ {high:g}")
    return ", ".join(parts)


def describe_type(schema: JsonSchema, defs: Mapping[str, JsonSchema]) -> str:
    """The type and allowed values of a schema, in words (Markdown).

    Example:
        >>> describe_type({"type": "integer", "minimum": 0, "maximum": 4}, {})
        'integer ≥ 0, ≤ 4'
    """
    words = []
    for alternative in _alternatives(schema):
        if "$ref" in alternative:
            target = defs[_ref_name(alternative["$ref"])]
            if "enum" in target:
                words.append("one of " + ", ".join(code(v) for v in target["enum"]))
            else:
                words.append(f"object: {_anchor_link(_ref_name(alternative['$ref']))}")
        elif "enum" in alternative:
            words.append("one of " + ", ".join(code(v) for v in alternative["enum"]))
        elif alternative.get("type") == "array":
            words.append("list of " + describe_type(alternative.get("items", {}), defs))
        elif alternative.get("format") == "date":
            words.append("date (`YYYY-MM-DD`)")
        elif alternative.get("type") == "boolean":
            words.append("`true` or `false`")
        elif alternative.get("type") in ("integer", "number"):
            bounds = _range(alternative)
            words.append(f"{alternative['type']} {bounds}".strip())
        elif alternative.get("type") == "string":
            length = alternative.get("maxLength")
            words.append(f"text (at most {length} characters)" if length else "text")
        else:
            words.append(cell(alternative.get("type", "any")))
    return "; or ".join(words)


def _anchor_link(model: str) -> str:
    return f"[{model}](#{model.lower()})"


def unit_of(name: str) -> str:
    """The unit a field's name states, or ``-``.

    Example:
        >>> unit_of("flow_l_min"), unit_of("seizure")
        ('L/min', '-')
    """
    for suffix, unit in UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit
    return "-"


def _unit(field: Field, entry: ChartName) -> str:
    if entry.unit is not None:
        return entry.unit
    numeric = any(s.get("type") in ("integer", "number") for s in _alternatives(field.schema))
    return unit_of(field.name) if numeric else "-"


def when_unknown(field: Field, entry: ChartName) -> str:
    """What an absent or null value of the field means (Markdown)."""
    if entry.unknown:
        return cell(entry.unknown)
    if field.required:
        return "required: a record without it is rejected"
    default = field.schema.get("default")
    null = "; `null` is accepted" if _nullable(field.schema) else ""
    if default is None:
        return "not recorded: never read as normal; listed as missing when it matters"
    return f"absent means {code(_json(default))}{null}"


def _json(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def model_fields(model: str, schema: JsonSchema) -> list[Field]:
    """The fields of one object schema, in their order."""
    required = set(schema.get("required", []))
    return [
        Field(model, name, field_schema, name in required)
        for name, field_schema in schema.get("properties", {}).items()
    ]


def _object_refs(schema: JsonSchema, defs: Mapping[str, JsonSchema]) -> Iterator[str]:
    """The object definitions a field's schema refers to (through lists and alternatives)."""
    for alternative in _alternatives(schema):
        if "$ref" in alternative:
            name = _ref_name(alternative["$ref"])
            if "properties" in defs[name] or "anyOf" in defs[name]:
                yield name
        if alternative.get("type") == "array":
            yield from _object_refs(alternative.get("items", {}), defs)


def _object_schema(schema: JsonSchema) -> JsonSchema:
    """The object alternative of a definition (``Vasopressor`` is an object or a bare name)."""
    alternatives: list[JsonSchema] = schema.get("anyOf", [schema])
    return next((a for a in alternatives if "properties" in a), schema)


def all_fields(model: type[BaseModel]) -> list[Field]:
    """The fields of a model and of every object model it nests, each once, top-level first."""
    schema = model.model_json_schema()
    defs: dict[str, JsonSchema] = schema.get("$defs", {})
    fields: list[Field] = []
    queue = [(model.__name__, schema)]
    seen = {model.__name__}
    while queue:
        name, object_schema = queue.pop(0)
        these = model_fields(name, _object_schema(object_schema))
        fields.extend(these)
        for field in these:
            for ref in _object_refs(field.schema, defs):
                if ref not in seen:
                    seen.add(ref)
                    queue.append((ref, defs[ref]))
    return fields


def inputs_table(model: type[BaseModel], names: Mapping[str, ChartName] = CHART_NAMES) -> str:
    """The input page's tables for one model: one table per (sub)model, each field a row."""
    schema = model.model_json_schema()
    defs: dict[str, JsonSchema] = schema.get("$defs", {})
    sections: dict[str, list[Field]] = {}
    for field in all_fields(model):
        sections.setdefault(field.model, []).append(field)
    parts = []
    for section, fields in sections.items():
        entry_schema = schema if section == model.__name__ else defs[section]
        heading = f"### {section}\n"
        described = _object_schema(entry_schema).get("description", "")
        summary = cell(described.split("\n\n")[0])
        if section == "Vasopressor":
            summary += " A bare agent name (text) is accepted in place of the object."
        rows = []
        for field in fields:
            entry = names.get(field.key)
            if entry is None:
                raise KeyError(f"no chart names for {field.key} in scripts/docs_chart_names.py")
            rows.append(
                [
                    code(field.name),
                    cell(entry.names),
                    describe_type(field.schema, defs),
                    cell(_unit(field, entry)),
                    when_unknown(field, entry),
                    cell(field.schema.get("description", "")),
                ]
            )
        parts.append(
            heading
            + f"\n{summary}\n\n"
            + table(
                [
                    "Field",
                    "What a chart calls it",
                    "Type and allowed values",
                    "Unit",
                    "If absent or null",
                    "Meaning",
                ],
                rows,
            )
        )
    return "\n".join(parts)


#: The models whose fields the input page lists, by marker name.
INPUT_MODELS: Mapping[str, type[BaseModel]] = {
    "inputs-crs": CrsAssessment,
    "inputs-icans": IcansAssessment,
    "inputs-sledai": SledaiVisit,
}

#: Every generated part, by the marker name a page uses for it.
GENERATED: Mapping[str, Callable[[], str]] = {
    "criteria-crs": criteria_crs,
    "criteria-icans": criteria_icans,
    "criteria-sledai2k": criteria_sledai2k,
    **{name: partial(inputs_table, model) for name, model in INPUT_MODELS.items()},
}

#: A marker line: ``<!-- generated: NAME -->``.
MARKER = re.compile(r"^<!-- generated: ([\w-]+) -->$", re.M)

__all__ = [
    "GENERATED",
    "INPUT_MODELS",
    "MARKER",
    "Field",
    "all_fields",
    "cell",
    "criteria_crs",
    "criteria_icans",
    "criteria_sledai2k",
    "describe_type",
    "inputs_table",
    "unit_of",
]
