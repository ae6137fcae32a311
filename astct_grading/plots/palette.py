"""The colours and marks of the figures: readable in grey and by colour-blind readers.

Grades 1-5 take five evenly spaced samples of the *viridis* colour map, reversed so that a higher
grade is darker (Smith N, van der Walt S, Firing E: the default colour map of Matplotlib 2.0,
built in the CAM02-UCS colour space with lightness rising monotonically; Matplotlib, "Choosing
Colormaps"). Its lightness changes monotonically, so the grades stay in order when printed in
grey, and it was chosen to stay distinguishable for the common colour-vision deficiencies.

Nothing is told by colour alone ("redundant coding": Okabe M, Ito K, *Color Universal Design
(CUD): how to make figures and presentations that are friendly to colorblind people*, 2002,
revised 2008): every bar carries its grade as text, a grade that is a range is drawn hatched on
white with a dashed outline (never in a grade's colour), and each therapy has its own marker
shape. The one other colour, for the SLEDAI-2K lines, is the blue of the Okabe-Ito palette.
"""

from __future__ import annotations

__all__ = [
    "GRADE_COLOURS",
    "LINE_COLOUR",
    "RANGE_HATCH",
    "THERAPY_MARKS",
    "contrast_ratio",
    "grade_colour",
    "relative_luminance",
]

#: Grade -> fill: viridis sampled at 1.0, 0.75, 0.5, 0.25 and 0.0 (grades 1 to 5), as Matplotlib
#: 3.x gives them (``matplotlib.colormaps["viridis"]``; tests/plots/test_palette.py checks it).
GRADE_COLOURS: dict[int, str] = {
    1: "#fde725",
    2: "#5ec962",
    3: "#21918c",
    4: "#3b528b",
    5: "#440154",
}

#: The hatch of a bar whose grade is a range (or whose episode is only possible, D13).
RANGE_HATCH = "///"

#: The SLEDAI-2K lines: the Okabe-Ito blue (Okabe and Ito 2008).
LINE_COLOUR = "#0072B2"

#: Therapy (:class:`~astct_grading.course.models.Therapy` value) -> (Matplotlib marker, legend
#: label). Each therapy has its own shape, so the marks read without colour.
THERAPY_MARKS: dict[str, tuple[str, str]] = {
    "tocilizumab": ("v", "tocilizumab"),
    "corticosteroid": ("D", "corticosteroid"),
    "siltuximab": ("s", "siltuximab"),
    "anakinra": ("P", "anakinra"),
    "other_anticytokine": ("*", "other anti-cytokine"),
    "antipyretic": ("|", "antipyretic"),
}


def grade_colour(grade: int) -> str:
    """The fill of a bar whose maximum grade is ``grade`` (1-5), determined.

    Args:
        grade: the determined maximum grade, 1 to 5.

    Returns:
        The colour as ``#rrggbb``.

    Raises:
        ValueError: ``grade`` is not 1-5 (a range has no colour: it is hatched).

    Example:
        >>> grade_colour(3)
        '#21918c'
    """
    try:
        return GRADE_COLOURS[grade]
    except KeyError:
        raise ValueError(f"no colour for grade {grade!r}: grades 1-5 have one") from None


def _channel(value: int) -> float:
    # sRGB to linear light (WCAG 2.x, "relative luminance").
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb`` (WCAG 2.x definition): 0 black to 1 white.

    Example:
        >>> relative_luminance("#ffffff"), relative_luminance("#000000")
        (1.0, 0.0)
    """
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2.x contrast ratio of two colours, 1 to 21.

    Example:
        >>> round(contrast_ratio("#000000", "#ffffff"))
        21
    """
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
