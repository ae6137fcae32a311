"""Trial data in CDISC form: SDTM in; graded courses, ADaM-style datasets and concordance out.

The grades derived from the recorded data are compared with the investigator's (docs/cdisc.md).

* :func:`read_sdtm`: a folder of .xpt, .csv or .parquet domain files -> records.
* :class:`SdtmMapping`: the documented, overridable mapping (CDISC CT where it exists).
* :func:`derive_study`: per subject, the :class:`~astct_grading.course.Course` built from the
  records and graded with :func:`~astct_grading.course.grade_course`, and every record that could
  not be used, with the reason.
* :func:`write_adam`: ADTOX (per assessment and parameter) and ADTOXEV (per event) as CSV,
  Parquet and XPT, with define-style metadata.
* :func:`compare_events`, :func:`compare_subjects`, :func:`concordance`: derived versus
  reported, the confusion table, exact agreement and weighted kappa with its interval.

Reading CSV and everything else here needs only the core; Parquet and XPT need the ``cdisc``
extra (pyarrow; pyreadstat and pandas), imported only when such a file is read or written.

Example:
    >>> domains = {
    ...     "DM": [{"USUBJID": "S1", "AGE": 40.0, "AGEU": "YEARS",
    ...             "RFXSTDTC": "2024-03-04T10:00"}],
    ...     "VS": [{"USUBJID": "S1", "VSTESTCD": "TEMP", "VSORRES": "38.4", "VSORRESU": "C",
    ...             "VSDTC": "2024-03-05T08:00"},
    ...            {"USUBJID": "S1", "VSTESTCD": "SYSBP", "VSORRES": "118", "VSORRESU": "mmHg",
    ...             "VSDTC": "2024-03-05T08:00"}],
    ...     "XO": [{"USUBJID": "S1", "XOTESTCD": "O2DEV", "XOORRES": "ROOM AIR",
    ...             "XODTC": "2024-03-05T08:00"}],
    ...     "CM": [],
    ...     "AE": [{"USUBJID": "S1", "AESEQ": 1.0, "AEDECOD": "Cytokine release syndrome",
    ...             "AETOXGR": "2", "AESTDTC": "2024-03-05T08:00"}],
    ... }
    >>> # The empty CM says "no vasopressor given" only once the study declares CM complete:
    >>> complete = SdtmMapping(medications=MedicationMapping(complete=True))
    >>> pair = compare_events(derive_study(domains, complete))[0]
    >>> pair.reported, pair.derived, pair.status, pair.driver
    (2, 1, 'discordant', 'VS')
    >>> pair = compare_events(derive_study(domains))[0]  # by default vasopressors are unknown
    >>> pair.derived_min, pair.derived_max, pair.status, pair.missing
    (1, 4, 'range_contains', ('vasopressors',))
"""

from __future__ import annotations

from astct_grading.cdisc.adam import VARIABLES, Variable, adam_datasets, write_adam
from astct_grading.cdisc.concordance import (
    Comparison,
    Concordance,
    Kappa,
    compare_events,
    compare_subjects,
    concordance,
    weighted_kappa,
)
from astct_grading.cdisc.dates import Dtc, parse_dtc
from astct_grading.cdisc.derive import (
    Issue,
    ReportedEvent,
    StudyDerivation,
    SubjectDerivation,
    derive_study,
)
from astct_grading.cdisc.mapping import (
    AdverseEventMapping,
    IcansMapping,
    MedicationMapping,
    OxygenMapping,
    SdtmMapping,
    VitalsMapping,
)
from astct_grading.cdisc.reader import SdtmReadError, read_sdtm

__all__ = [
    "VARIABLES",
    "AdverseEventMapping",
    "Comparison",
    "Concordance",
    "Dtc",
    "IcansMapping",
    "Issue",
    "Kappa",
    "MedicationMapping",
    "OxygenMapping",
    "ReportedEvent",
    "SdtmMapping",
    "SdtmReadError",
    "StudyDerivation",
    "SubjectDerivation",
    "Variable",
    "VitalsMapping",
    "adam_datasets",
    "compare_events",
    "compare_subjects",
    "concordance",
    "derive_study",
    "parse_dtc",
    "read_sdtm",
    "weighted_kappa",
    "write_adam",
]
