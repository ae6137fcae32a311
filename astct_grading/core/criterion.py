"""The criterion type: one rule of a scale's criteria, with where it comes from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["Criterion", "lazy_tables"]


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


def lazy_tables(
    module: str, namespace: Mapping[str, object], tables: Mapping[str, Callable[[], object]]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A module's ``__getattr__`` and ``__dir__`` for tables built on first access (PEP 562).

    A criteria module keeps each table behind a cached function and binds the pair this returns,
    so its public names stay readable as module attributes without building anything at import.

    Args:
        module: the module's ``__name__``, for the error a misspelt name raises.
        namespace: the module's ``globals()``, listed by ``__dir__`` with the table names.
        tables: each public name and the function that returns its table.

    Returns:
        ``(__getattr__, __dir__)`` for the module.

    Example:
        >>> get, names = lazy_tables("demo", {"x": 1}, {"TABLE": lambda: (1, 2)})
        >>> get("TABLE"), names()
        ((1, 2), ['TABLE', 'x'])
        >>> get("TABEL")
        Traceback (most recent call last):
        AttributeError: module 'demo' has no attribute 'TABEL'
    """

    def get(name: str) -> object:
        table = tables.get(name)
        if table is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        return table()

    def names() -> list[str]:
        return sorted({*namespace, *tables})

    return get, names
