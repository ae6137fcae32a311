"""SRI-4 PGA worsening with readings that are not whole hundredths (D14, exact decimals)."""

from __future__ import annotations

import pytest

from astct_grading.sle.response import Outcome, assess_sri4


@pytest.mark.parametrize(
    ("baseline", "follow_up", "increase", "outcome"),
    [
        # 1.295 - 1.0 is 0.295 exactly, 0.30 at 0.01 (half up): not below 0.3.
        (1.0, 1.295, "0.3", Outcome.NOT_MET),
        (1.0, 1.294, "0.29", Outcome.MET),
        # 1.0049 - 0.7049 is 0.3 exactly, although the float difference is 0.29999999999999993.
        (0.7049, 1.0049, "0.3", Outcome.NOT_MET),
        (2.5, 2.8049, "0.3", Outcome.NOT_MET),
    ],
)
def test_pga_increase_is_exact_on_the_decimals_given(
    baseline: float, follow_up: float, increase: str, outcome: Outcome
) -> None:
    result = assess_sri4(
        {"baseline": {}, "follow_up": {}, "pga_baseline": baseline, "pga_follow_up": follow_up}
    )
    criterion = result.criterion("pga_increase_below_0_3")
    assert criterion.outcome is outcome
    assert f", increase {increase} (< 0.3 needed)" in criterion.detail
