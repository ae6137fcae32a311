"""The palette: viridis samples as Matplotlib gives them, ordered in grey, one shape per therapy."""

from __future__ import annotations

import pytest

from astct_grading.course.models import Therapy
from astct_grading.plots.palette import (
    GRADE_COLOURS,
    THERAPY_MARKS,
    contrast_ratio,
    grade_colour,
    relative_luminance,
)


def test_grade_colours_are_viridis_reversed_as_matplotlib_gives_it() -> None:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    viridis = colormaps["viridis"]
    for grade, colour in GRADE_COLOURS.items():
        assert colour == to_hex(viridis((5 - grade) / 4)), grade


def test_a_higher_grade_is_darker_so_grey_keeps_the_order() -> None:
    luminance = [relative_luminance(GRADE_COLOURS[g]) for g in range(1, 6)]
    assert luminance == sorted(luminance, reverse=True)
    # Neighbouring grades stay apart in grey: a contrast ratio of at least 1.4 between them.
    for low, high in zip(range(1, 5), range(2, 6), strict=True):
        assert contrast_ratio(GRADE_COLOURS[low], GRADE_COLOURS[high]) >= 1.4, (low, high)


@pytest.mark.parametrize("grade", [0, 6, -1])
def test_no_colour_outside_grades_1_to_5(grade: int) -> None:
    with pytest.raises(ValueError, match=f"no colour for grade {grade}"):
        grade_colour(grade)


def test_every_therapy_has_its_own_marker_shape() -> None:
    assert set(THERAPY_MARKS) == {t.value for t in Therapy}
    shapes = [marker for marker, _ in THERAPY_MARKS.values()]
    assert len(set(shapes)) == len(shapes)


def test_luminance_and_contrast_at_both_ends() -> None:
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#000000") == 0.0
    assert relative_luminance("#0a0a0a") == pytest.approx(10 / 255 / 12.92)  # the linear part
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
