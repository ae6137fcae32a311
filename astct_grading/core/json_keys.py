"""Strict reading of JSON text: a key repeated in one object is an error, never "last one wins".

JSON (RFC 8259 section 4) says names within an object SHOULD be unique and leaves the meaning of
a repeated name to the reader; most readers keep the last value silently. A record that says
``"hypotension": true`` and then ``"hypotension": false`` contradicts itself, so this library
rejects it (error type ``duplicate_key``, docs/errors.md) in every entry point that reads JSON
text: ``Model.model_validate_json`` and the command line.

The check costs little on ordinary records: a repeated key is only possible where the same key
text appears twice in the record (or where a key is written with escapes), and only then is the
record parsed again, exactly, to find the object and the key.
"""

from __future__ import annotations

import json
import re

from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

__all__ = ["DUPLICATE_KEY", "duplicate_key", "duplicate_key_error"]

#: The error type of a repeated key (docs/errors.md).
DUPLICATE_KEY = "duplicate_key"

# A key as it usually appears: a string without escapes followed by a colon. A record with a
# backslash anywhere is checked exactly instead, so this never has to understand escapes.
_KEY = re.compile(rb'"([^"\\]*)"\s*:')
_KEY_STR = re.compile(r'"([^"\\]*)"\s*:')

Loc = tuple["str | int", ...]


class _Pairs(list[tuple[str, object]]):
    """An object's members in order, duplicates kept (``json.loads`` object_pairs_hook)."""


def _find(document: object) -> tuple[Loc, str] | None:
    """The location and key of the first repeated key in a parsed document, depth first.

    Iterative, so a deeply nested document cannot exhaust the interpreter's stack.
    """
    pending: list[tuple[Loc, object]] = [((), document)]
    while pending:
        loc, node = pending.pop()
        if isinstance(node, _Pairs):
            seen: set[str] = set()
            children: list[tuple[Loc, object]] = []
            for key, value in node:
                if key in seen:
                    return loc, key
                seen.add(key)
                children.append(((*loc, key), value))
            pending.extend(reversed(children))
        elif isinstance(node, list):
            pending.extend(reversed([((*loc, i), item) for i, item in enumerate(node)]))
    return None


def _candidates(data: bytes | str) -> bool:
    """Whether ``data`` may hold a repeated key (a cheap, conservative test)."""
    if isinstance(data, str):
        if "\\" in data:
            return True
        keys: list[bytes] | list[str] = _KEY_STR.findall(data)
    else:
        if b"\\" in data:
            return True
        keys = _KEY.findall(data)
    return len(set(keys)) != len(keys)


def duplicate_key(data: bytes | str) -> tuple[Loc, str] | None:
    """Find a key given twice in one JSON object.

    Text that is not valid JSON (or nests too deeply to read) has no repeated key here: the
    validation that follows reports it.

    Args:
        data: JSON text, as bytes (UTF-8) or str.

    Returns:
        ``(loc, key)``: the location of the object holding the repeated key (a tuple of keys and
        list positions, empty for the top level) and the key; None when every key is unique.

    Example:
        >>> duplicate_key(b'{"hypotension": true, "hypotension": false}')
        ((), 'hypotension')
        >>> duplicate_key('{"temperature": {"value": 38, "unit": "C", "value": 39}}')
        (('temperature',), 'value')
        >>> duplicate_key(b'{"a": {"value": 1}, "b": {"value": 2}}') is None
        True
    """
    if not _candidates(data):
        return None
    try:
        document = json.loads(data, object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):  # not JSON, or too deep to read: validation says so
        return None
    return _find(document)


def _describe(loc: Loc) -> str:
    return "the record" if not loc else "object " + ".".join(str(part) for part in loc)


def duplicate_key_error(title: str, loc: Loc, key: str, data: bytes | str) -> ValidationError:
    """The ``ValidationError`` for a repeated key, located at the key itself.

    Example:
        >>> error = duplicate_key_error("CrsAssessment", (), "fever", b"{}")
        >>> error.errors()[0]["type"], error.errors()[0]["loc"]
        ('duplicate_key', ('fever',))
    """
    detail: InitErrorDetails = {
        "type": PydanticCustomError(
            DUPLICATE_KEY,
            "the key '{key}' is given more than once in {where}; each field may be given once",
            {"key": key, "where": _describe(loc)},
        ),
        "loc": (*loc, key),
        "input": data,
    }
    return ValidationError.from_exception_data(title, [detail])
