"""The criterion type: one rule of a scale's criteria, with where it comes from."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Criterion"]


@dataclass(frozen=True, slots=True)
class Criterion:
    """One rule of the criteria, with where it comes from.

    Attributes:
        key: a stable identifier, used by the docs and the tests.
        rule: the rule in one sentence.
        source: the paper, table or footnote it is read from, and the decision id if any.

    Example:
        >>> Criterion("fever", "fever is a temperature of at least 38.0 °C", "Lee 2019").key
        'fever'
    """

    key: str
    rule: str
    source: str
