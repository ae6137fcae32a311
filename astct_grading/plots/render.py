"""Drawing the figures as self-contained SVG with Matplotlib (the ``[plots]`` extra).

Matplotlib is imported here, when a figure is drawn, never when the package is imported. The SVG
is self-contained: text is drawn as paths (``svg.fonttype = "path"``), so no font is needed to
show it, and nothing outside the document is referred to. The output is the same for the same
data (a fixed ``svg.hashsalt``, no date or creator in the metadata).

Each element a reader or a test may look for carries an id (Matplotlib's ``gid``) and a
``<title>`` saying in words what it shows: ``lane-N`` (a swimmer lane, N from 0 at the top),
``bar-N-K``, ``mark-N-K`` (a treatment), ``death-N``; ``panel-N`` (a patient's SLEDAI-2K panel),
``point-N-K`` and ``range-N-K`` (a visit's score, or its range), ``response-N-K-D``. Every id of
a figure is prefixed with the figure's name (``swimmer-``, ``sledai-``), so two figures inline in
one page never share an id.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any, cast

from astct_grading.plots.palette import GRADE_COLOURS, LINE_COLOUR, RANGE_HATCH, THERAPY_MARKS
from astct_grading.plots.sledai import OUTCOME_MARKS, SledaiPlot
from astct_grading.plots.swimmer import SwimmerLane, SwimmerPlot

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "PlotsUnavailableError",
    "SvgFigure",
    "render_sledai",
    "render_swimmer",
    "require_matplotlib",
]

#: The width of a figure, in inches: 180 mm, inside the printable width of A4 and US Letter.
FIGURE_WIDTH = 180 / 25.4

#: The Matplotlib settings every figure is drawn with.
_STYLE: dict[str, Any] = {
    "svg.fonttype": "path",
    "svg.hashsalt": "astct-grading",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "hatch.linewidth": 0.7,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_METADATA = {"Date": None, "Creator": None}
_INK = "#000000"
_FAINT = "#a0a0a0"

#: Bars and marks, in lane units (a lane is 1 high): CRS above the lane's centre, ICANS below.
_BAR_HEIGHT = 0.3
_BAR_OFFSET = {"CRS": 0.18, "ICANS": -0.18}
_MARK_OFFSET = 0.43
_MIN_BAR_DAYS = 0.15


class PlotsUnavailableError(ImportError):
    """The figures need Matplotlib, from the ``[plots]`` extra, which is not installed."""


@dataclass(frozen=True, slots=True)
class SvgFigure:
    """One figure as an ``<svg>`` element, ready to be placed inline in an HTML page.

    Attributes:
        name: the figure's name, the prefix of its ids (``swimmer``, ``sledai``).
        svg: the ``<svg>`` element (no XML declaration), with ``role="img"``, a ``<title>`` and a
            ``<desc>``.
        title: the figure's title.
    """

    name: str
    svg: str
    title: str


def require_matplotlib() -> None:
    """Check that Matplotlib (the ``[plots]`` extra) can be imported.

    Raises:
        PlotsUnavailableError: it cannot, with what to install.

    Example:
        >>> require_matplotlib()
    """
    try:
        import matplotlib.figure  # noqa: F401, PLC0415 - the [plots] extra, imported on use
    except ImportError as error:
        raise PlotsUnavailableError(
            "the figures and the HTML report need Matplotlib: install the plots extra, e.g. "
            "python3 -m pip install '.[plots]' in a checkout of astct-grading"
        ) from error


@contextmanager
def _style() -> Iterator[type[Figure]]:
    require_matplotlib()
    import matplotlib as mpl  # noqa: PLC0415 - the [plots] extra, imported on use
    from matplotlib.figure import Figure  # noqa: PLC0415

    with mpl.rc_context(cast(Any, _STYLE)):
        yield Figure


def _svg(figure: Figure, name: str, title: str, description: str, titles: dict[str, str]) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=_METADATA)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)

    def titled(match: re.Match[str]) -> str:
        gid = match.group(1)
        return f'<g id="{gid}"><title>{escape(titles[gid])}</title>'

    text = re.sub(r'<g id="([a-z]+(?:-\d+)+)">', titled, text)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{name}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{name}-\1)", text)
    opening_end = text.index(">") + 1  # the opening <svg ...> tag: the text starts with it
    head = text[:opening_end]
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    head = head.replace("<svg", f'<svg role="img" aria-labelledby="{name}-title {name}-desc"', 1)
    return (
        f'{head}<title id="{name}-title">{escape(title)}</title>'
        f'<desc id="{name}-desc">{escape(description)}</desc>{text[opening_end:]}'
    ).strip()


# --- The swimmer plot ---------------------------------------------------------------------


def _lane_label(lane: SwimmerLane) -> str:
    return lane.patient_id + (f" ({lane.product})" if lane.product else "")


def _draw_lane(ax: Axes, lane: SwimmerLane, y: float, titles: dict[str, str]) -> None:
    from matplotlib.patches import Rectangle  # noqa: PLC0415

    n = lane.position
    (line,) = ax.plot([0, lane.follow_up_day], [y, y], color=_FAINT, linewidth=1, zorder=1)
    line.set_gid(f"lane-{n}")
    titles[f"lane-{n}"] = (
        f"{_lane_label(lane)}: maximum grade {lane.max_grade}, "
        f"{len(lane.bars)} episode(s), observed to day {lane.follow_up_day:.1f}"
    )
    for k, bar in enumerate(lane.bars):
        centre = y + _BAR_OFFSET[bar.scale]
        width = max(bar.end_day - bar.start_day, _MIN_BAR_DAYS)
        if bar.fill is not None:
            style: dict[str, Any] = {"facecolor": bar.fill, "edgecolor": _INK, "linewidth": 0.6}
        else:  # a range or a possible episode: hatched on white, dashed outline, never filled
            style = {
                "facecolor": "#ffffff",
                "edgecolor": _INK,
                "hatch": RANGE_HATCH,
                "linewidth": 1.0,
                "linestyle": "--",
            }
        patch = Rectangle((bar.start_day, centre - _BAR_HEIGHT / 2), width, _BAR_HEIGHT, **style)
        patch.set_zorder(2)
        patch.set_gid(f"bar-{n}-{k}")
        ax.add_patch(patch)
        titles[f"bar-{n}-{k}"] = f"{lane.patient_id} {bar.description}"
        end = bar.start_day + width
        if not bar.resolved:
            ax.plot([end], [centre], marker=">", color=_INK, markersize=4, zorder=3)
        ax.text(end + 0.2, centre, bar.label, va="center", ha="left", fontsize=6.5, zorder=3)
    for k, mark in enumerate(lane.treatments):
        marker = THERAPY_MARKS[mark.therapy][0]
        (dot,) = ax.plot(
            [mark.day],
            [y + _MARK_OFFSET],
            marker=marker,
            markersize=5,
            color=_INK,
            markerfacecolor="#ffffff" if marker == "D" else _INK,
            linestyle="none",
            zorder=4,
        )
        dot.set_gid(f"mark-{n}-{k}")
        titles[f"mark-{n}-{k}"] = f"{lane.patient_id}: {mark.description}"
    if lane.death is not None:
        (cross,) = ax.plot(
            [lane.death.day], [y], marker="X", markersize=9, color=_INK, linestyle="none", zorder=5
        )
        cross.set_gid(f"death-{n}")
        titles[f"death-{n}"] = f"{lane.patient_id} {lane.death.description}"


def _swimmer_legend(figure: Figure, plot: SwimmerPlot) -> None:
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles: list[Any] = [
        Patch(facecolor=colour, edgecolor=_INK, linewidth=0.6, label=f"grade {grade}")
        for grade, colour in GRADE_COLOURS.items()
    ]
    handles.append(
        Patch(
            facecolor="#ffffff",
            edgecolor=_INK,
            hatch=RANGE_HATCH,
            linestyle="--",
            label="range or possible (D13)",
        )
    )
    given = {mark.therapy for lane in plot.lanes for mark in lane.treatments}
    for therapy, (marker, label) in THERAPY_MARKS.items():
        if therapy in given:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=marker,
                    color=_INK,
                    markerfacecolor="#ffffff" if marker == "D" else _INK,
                    linestyle="none",
                    label=label,
                )
            )
    if any(lane.death is not None for lane in plot.lanes):
        handles.append(Line2D([], [], marker="X", color=_INK, linestyle="none", label="death"))
    handles.append(Line2D([], [], marker=">", color=_INK, linestyle="none", label="not resolved"))
    figure.legend(handles=handles, loc="outside lower center", ncols=5, frameon=False)


def render_swimmer(plot: SwimmerPlot, *, title: str = "CRS and ICANS episodes") -> SvgFigure:
    """Draw the swimmer plot as an SVG figure.

    Args:
        plot: from :func:`~astct_grading.plots.swimmer.swimmer_plot`.
        title: the figure's title (its ``<title>``).

    Returns:
        The figure.

    Raises:
        PlotsUnavailableError: Matplotlib is not installed.

    Example:
        >>> from astct_grading.plots import demo_figures
        >>> figure = render_swimmer(demo_figures().swimmer)
        >>> figure.svg.startswith("<svg"), figure.svg.count('id="swimmer-bar-')
        (True, 7)
    """
    lanes = plot.lanes
    titles: dict[str, str] = {}
    with _style() as figure_type:
        height = 1.4 + 0.5 * max(len(lanes), 1)
        figure = figure_type(figsize=(FIGURE_WIDTH, height), layout="constrained")
        ax = figure.add_subplot()
        count = len(lanes)
        for lane in lanes:
            _draw_lane(ax, lane, count - 1 - lane.position, titles)
        ax.set_ylim(-0.6, max(count, 1) - 0.4)
        ax.set_yticks(
            [count - 1 - lane.position for lane in lanes], [_lane_label(lane) for lane in lanes]
        )
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlim(plot.start_day - 0.5, plot.end_day + 1.5)
        ax.set_xticks(range(0, math.ceil(plot.end_day) + 1, 7))
        ax.set_xticks(range(math.floor(plot.start_day), math.ceil(plot.end_day) + 1), minor=True)
        ax.grid(axis="x", which="major", color="#e0e0e0", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_xlabel("Days from infusion (hours / 24); upper bar CRS, lower bar ICANS")
        _swimmer_legend(figure, plot)
        description = (
            f"Swimmer plot: {count} patient lane(s), {plot.bar_count} episode bar(s). "
            "The table after the figure lists the same episodes, treatments and deaths."
        )
        return SvgFigure("swimmer", _svg(figure, "swimmer", title, description, titles), title)


# --- SLEDAI-2K ------------------------------------------------------------------------------


def _outcome_mark(ax: Axes, day: int, row: int, outcome: str) -> Any:
    shape = OUTCOME_MARKS[outcome][0]
    if shape == "question mark":
        return ax.text(day, row, "?", ha="center", va="center", fontsize=8, fontweight="bold")
    (dot,) = ax.plot(
        [day],
        [row],
        marker="o",
        markersize=5,
        color=_INK,
        markerfacecolor=_INK if shape == "filled circle" else "#ffffff",
        linestyle="none",
    )
    return dot


def render_sledai(plot: SledaiPlot, *, title: str = "SLEDAI-2K over the visits") -> SvgFigure:
    """Draw the SLEDAI-2K figure as an SVG figure: one panel per patient.

    Each panel has the patient's line (ranges hatched, the line broken at them) above a strip of
    the response definitions at each follow-up visit.

    Args:
        plot: from :func:`~astct_grading.plots.sledai.sledai_plot`.
        title: the figure's title (its ``<title>``).

    Returns:
        The figure.

    Raises:
        PlotsUnavailableError: Matplotlib is not installed.

    Example:
        >>> from astct_grading.plots import demo_figures
        >>> figure = render_sledai(demo_figures().sledai)
        >>> figure.svg.count('id="sledai-panel-'), figure.svg.count('id="sledai-range-')
        (6, 1)
    """
    from matplotlib.patches import Rectangle  # noqa: PLC0415

    titles: dict[str, str] = {}
    lines = plot.lines
    columns = max(1, min(3, len(lines)))
    rows = max(1, math.ceil(len(lines) / columns))
    days = [p.day for line in lines for p in line.points] or [0]
    pad = max(4.0, (max(days) - min(days)) * 0.06)
    definitions = plot.definitions
    with _style() as figure_type:
        figure = figure_type(figsize=(FIGURE_WIDTH, 0.9 + 2.3 * rows), layout="constrained")
        grid = figure.add_gridspec(rows * 2, columns, height_ratios=[3, 1.2] * rows)
        for i, line in enumerate(lines):
            row, column = divmod(i, columns)
            ax = figure.add_subplot(grid[row * 2, column])
            strip = figure.add_subplot(grid[row * 2 + 1, column], sharex=ax)
            ax.set_gid(f"panel-{i}")
            titles[f"panel-{i}"] = f"{line.patient_id}: SLEDAI-2K " + ", ".join(
                f"{p.label} {p.score_text}" for p in line.points
            )
            ax.set_title(line.patient_id + (f" ({line.product})" if line.product else ""))
            for a, b in line.segments:
                ax.plot(
                    [a.day, b.day], [a.score_min, b.score_min], color=LINE_COLOUR, linewidth=1.5
                )
            for k, point in enumerate(line.points):
                if point.score is not None:
                    (dot,) = ax.plot(
                        [point.day], [point.score], marker="o", markersize=4, color=LINE_COLOUR
                    )
                    dot.set_gid(f"point-{i}-{k}")
                    titles[f"point-{i}-{k}"] = f"{point.label}, day {point.day}: {point.score}"
                else:  # undetermined: the range, hatched, never a point
                    box = Rectangle(
                        (point.day - pad / 3, point.score_min),
                        2 * pad / 3,
                        point.score_max - point.score_min,
                        facecolor="#ffffff",
                        edgecolor=LINE_COLOUR,
                        hatch=RANGE_HATCH,
                        linestyle="--",
                    )
                    box.set_gid(f"range-{i}-{k}")
                    ax.add_patch(box)
                    titles[f"range-{i}-{k}"] = (
                        f"{point.label}, day {point.day}: undetermined, {point.score_text}"
                    )
                    ax.text(point.day + pad / 2, point.score_max, point.score_text, fontsize=6.5)
                for response in point.responses:
                    d = definitions.index(response.definition)
                    artist = _outcome_mark(
                        strip, point.day, len(definitions) - 1 - d, response.outcome
                    )
                    artist.set_gid(f"response-{i}-{k}-{d}")
                    titles[f"response-{i}-{k}-{d}"] = (
                        f"{line.patient_id} {point.label}: {response.description}"
                    )
            ax.set_ylim(-1, plot.score_max + 2)
            ax.set_xlim(min(days) - pad, max(days) + pad)
            ax.tick_params(labelbottom=False)
            strip.set_ylim(-0.7, len(definitions) - 0.3)
            strip.set_yticks(
                range(len(definitions)), [d.replace(" remission", "") for d in definitions][::-1]
            )
            strip.tick_params(axis="y", length=0, labelsize=6.5)
            strip.spines["left"].set_visible(False)
            if column == 0:
                ax.set_ylabel("SLEDAI-2K")
            if row == rows - 1:
                strip.set_xlabel("Days from infusion")
        description = (
            f"SLEDAI-2K: {len(lines)} patient panel(s), {plot.point_count} visit(s); responses "
            "below each line: filled circle met, open circle not met, question mark cannot tell. "
            "The table after the figure lists the same scores and responses."
        )
        return SvgFigure("sledai", _svg(figure, "sledai", title, description, titles), title)
