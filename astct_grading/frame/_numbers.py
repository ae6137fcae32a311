"""D14 rounding on whole columns: :func:`quantize` and :func:`to_celsius`, vectorised.

The per-record functions (:func:`astct_grading.core.validation.quantize` and ``to_celsius``) round
the *decimal* value of a reading to 0.01, half up. Their fast paths are plain float arithmetic
that rounds the same as the decimal wherever the value is not within a hair of a half-hundredth;
here those paths run on whole arrays, with the same operations in the same order, and every
element outside them (near a half-hundredth, or huge) is handed to the per-record function
itself. The result is equal element by element (tests/frame/test_numbers.py).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from astct_grading.core.validation import (
    _EXACT,
    _FAST_MAX,
    _NOT_HALF,
    TemperatureUnit,
    quantize,
    to_celsius,
)

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def quantize_array(values: Floats) -> Floats:
    """:func:`~astct_grading.core.validation.quantize` on every element (NaN stays NaN).

    Example:
        >>> quantize_array(np.array([37.995, 6.004, np.nan])).tolist()
        [38.0, 6.0, nan]
    """
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = values * 100
        hundredths = np.round(scaled)
        fast = (np.abs(values) < _FAST_MAX) & (np.abs(scaled - hundredths) < _NOT_HALF)
    out: Floats = np.where(fast, hundredths / 100, values)
    for index in np.flatnonzero(~fast & np.isfinite(values)):
        out[index] = quantize(float(values[index]))
    return out


def fahrenheit_to_celsius(values: Floats) -> Floats:
    """``to_celsius(value, FAHRENHEIT)`` on every element (NaN stays NaN).

    Example:
        >>> fahrenheit_to_celsius(np.array([100.4, 98.6, 77.0])).tolist()
        [38.0, 37.0, 25.0]
    """
    with np.errstate(invalid="ignore", over="ignore"):
        finite = np.isfinite(values)
        small = finite & (np.abs(values) < _FAST_MAX)
        scaled = values * 100
        hundredths = np.round(scaled)
        exact = small & (np.abs(scaled - hundredths) < _EXACT)
        whole = np.where(exact, hundredths, 0.0).astype(np.int64)
        # (F - 32) x 5/9 in hundredths of a degree, rounded half up in integer arithmetic.
        by_integers = ((whole - 3200) * 10 + 9) // 18 / 100
        converted = (values - 32) / 1.8 * 100
        nearest = np.round(converted)
        near = small & ~exact & (np.abs(converted - nearest) < _NOT_HALF)
    out: Floats = np.where(exact, by_integers, np.where(near, nearest / 100, values))
    for index in np.flatnonzero(finite & ~exact & ~near):
        out[index] = to_celsius(float(values[index]), TemperatureUnit.FAHRENHEIT)
    return out
