"""A Griffe extension for the API reference: the package's docstrings read as it writes them.

* The Google-style docstrings head their doctests ``Example:``; Griffe's Google parser reads only
  ``Examples:`` as a section of examples (``Example:`` is an admonition, whose ``>>>`` lines
  would be read as Markdown). The heading is renamed, so each example renders as code.
* Names are marked with Sphinx roles (``:class:`~astct_grading.icans.IceAssessment```), which
  Markdown does not know; each becomes a code span of the name Sphinx would show (the last part
  after ``~``).

Loaded by mkdocs.yml (mkdocstrings' ``extensions``); the source is not changed.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

#: An ``Example:`` section heading, alone on its line.
HEADING = re.compile(r"^(?P<indent>[ \t]*)Example:[ \t]*$", re.M)
#: A Sphinx cross-reference role: ``:class:`X```, ``:func:`~a.b.f```.
ROLE = re.compile(r":(?:class|data|func|meth|mod|attr|exc|obj):`(?P<short>~?)(?P<target>[^`]+)`")


class ExampleSections(griffe.Extension):
    """Rename ``Example:`` headings to ``Examples:`` in every loaded docstring."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite the docstring of each object as Griffe creates it."""
        if obj.docstring is not None:
            obj.docstring.value = plain_roles(rename_headings(obj.docstring.value))


def rename_headings(docstring: str) -> str:
    r"""The docstring with each ``Example:`` heading read as ``Examples:``.

    Example:
        >>> rename_headings("Text.\\n\\nExample:\\n    >>> 1\\n    1")
        'Text.\\n\\nExamples:\\n    >>> 1\\n    1'
    """
    return HEADING.sub(r"\g<indent>Examples:", docstring)


def plain_roles(docstring: str) -> str:
    """The docstring with each Sphinx role written as a code span of the name it shows.

    Example:
        >>> plain_roles("See :class:`~astct_grading.icans.IceAssessment` and :mod:`json`.")
        'See `IceAssessment` and `json`.'
    """

    def shown(match: re.Match[str]) -> str:
        target = match.group("target")
        return f"`{target.rsplit('.', 1)[-1] if match.group('short') else target}`"

    return ROLE.sub(shown, docstring)
