"""The docstring written under each field of an input model, read when a JSON Schema is made.

Every input model documents its fields with a docstring under each one, and the JSON Schema
carries that text as the field's ``description``. The text is read from the model's source when a
schema is first asked for, not when the package is imported: reading and parsing source for every
model made up about a fifth of ``from astct_grading import grade_crs`` (docs/performance.md).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Mapping
from functools import cache
from itertools import pairwise

__all__ = ["field_docstrings"]


def _own_docstrings(cls: type) -> dict[str, str]:
    """The docstrings under the fields annotated in ``cls``'s own body (none without source)."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # no source shipped: the schema then has no descriptions
        return {}
    body = next(node.body for node in ast.parse(source).body if isinstance(node, ast.ClassDef))
    found: dict[str, str] = {}
    for statement, following in pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found


@cache
def field_docstrings(cls: type) -> Mapping[str, str]:
    """Each field's docstring, by field name, the class's own over those it inherits.

    The classes read are ``cls`` and its bases from the same top-level package (the input models
    and their base, not pydantic's own).

    Args:
        cls: a class whose fields are annotated in its body, each with a docstring under it.

    Returns:
        The cleaned docstring (``inspect.cleandoc``) of every field that has one.

    Example:
        >>> from astct_grading import CrsAssessment
        >>> field_docstrings(CrsAssessment)["fever_other_cause"]
        'The fever is attributable to another cause (e.g. infection); it then does not count (D2).'
    """
    package = cls.__module__.partition(".")[0]
    found: dict[str, str] = {}
    for ancestor in reversed(cls.__mro__):
        if ancestor.__module__.partition(".")[0] == package:
            found.update(_own_docstrings(ancestor))
    return found
