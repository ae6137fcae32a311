"""The report's figures and the HTML report (docs/plots.md).

The modules, one concept each:

* :mod:`~astct_grading.plots.palette`: colours and marks, readable in grey and by colour-blind
  readers.
* :mod:`~astct_grading.plots.swimmer`: the swimmer plot's data (:func:`swimmer_plot`).
* :mod:`~astct_grading.plots.sledai`: the SLEDAI-2K figure's data (:func:`sledai_plot`).
* :mod:`~astct_grading.plots.figures`: both, for a cohort (:func:`build_figures`,
  :func:`demo_figures`).
* :mod:`~astct_grading.plots.render`: drawing them as SVG with Matplotlib (the ``[plots]``
  extra, imported only when a figure is drawn).
* :mod:`~astct_grading.plots.html`: the self-contained HTML page (:func:`render_html`).

The figures' data need no plotting library; drawing them and the HTML page need Matplotlib.
"""

from __future__ import annotations

from astct_grading.plots.figures import CohortFigures, build_figures, demo_figures
from astct_grading.plots.html import applied_decisions, criteria_versions, render_html
from astct_grading.plots.render import (
    PlotsUnavailableError,
    SvgFigure,
    render_sledai,
    render_swimmer,
)
from astct_grading.plots.sledai import (
    ResponseMark,
    SledaiLine,
    SledaiPlot,
    VisitPoint,
    sledai_plot,
)
from astct_grading.plots.swimmer import (
    DeathMark,
    SwimmerBar,
    SwimmerLane,
    SwimmerPlot,
    TreatmentMark,
    swimmer_plot,
)

__all__ = [
    "CohortFigures",
    "DeathMark",
    "PlotsUnavailableError",
    "ResponseMark",
    "SledaiLine",
    "SledaiPlot",
    "SvgFigure",
    "SwimmerBar",
    "SwimmerLane",
    "SwimmerPlot",
    "TreatmentMark",
    "VisitPoint",
    "applied_decisions",
    "build_figures",
    "criteria_versions",
    "demo_figures",
    "render_html",
    "render_sledai",
    "render_swimmer",
    "sledai_plot",
    "swimmer_plot",
]
