"""What the ASTCT 2019 consensus says for both of its scales (CRS and ICANS), as data.

Source: Lee DW et al., *Biol Blood Marrow Transplant* 2019;25:625-638 (the consensus); the death
grade is product decision D6 (docs/decisions.md).
"""

from __future__ import annotations

__all__ = ["CRITERIA_VERSION", "DEATH_GRADE", "LEE_2019"]

#: The criteria version every CRS and ICANS result cites.
CRITERIA_VERSION = "ASTCT-2019"

#: The consensus paper, as the sources of both scales cite it.
LEE_2019 = "Lee DW et al. Biol Blood Marrow Transplant 2019;25:625-638"

#: Death principally due to the toxicity (CRS or ICANS): grade 5 (D6).
DEATH_GRADE = 5
