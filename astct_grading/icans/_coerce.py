"""One input, two forms: a validated model, or a mapping validated into one (docs/api.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from astct_grading.errors import AstctGradingError

__all__ = ["coerce"]

_M = TypeVar("_M", bound=BaseModel)


def coerce(
    value: _M | Mapping[str, Any], model: type[_M], adapter: TypeAdapter[_M], function: str
) -> _M:
    """``value`` as a ``model``: kept when it is one, validated when it is a mapping.

    Raises:
        pydantic.ValidationError: the mapping is not a valid ``model``.
        AstctGradingError: ``value`` is neither (type ``input_type``).

    Example:
        >>> from astct_grading.icans.ice import ICE_ADAPTER, IceAssessment
        >>> coerce({"total": 4}, IceAssessment, ICE_ADAPTER, "score_ice").total
        4
    """
    if isinstance(value, model):
        return value
    if isinstance(value, Mapping):
        return adapter.validate_python(value)
    raise AstctGradingError(
        "input_type",
        f"{function} takes a {model.__name__} or a mapping, not {type(value).__name__}",
    )
