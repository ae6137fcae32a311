"""The SLEDAI-2K form, written out once for the tests, independently of the code under test.

Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29:288-291: 24 descriptors weighted 8/4/2/1,
in the form's order (rules.md §5.2).
"""

from __future__ import annotations

WEIGHTS: dict[str, int] = {
    "seizure": 8,
    "psychosis": 8,
    "organic_brain_syndrome": 8,
    "visual_disturbance": 8,
    "cranial_nerve_disorder": 8,
    "lupus_headache": 8,
    "cerebrovascular_accident": 8,
    "vasculitis": 8,
    "arthritis": 4,
    "myositis": 4,
    "urinary_casts": 4,
    "haematuria": 4,
    "proteinuria": 4,
    "pyuria": 4,
    "rash": 2,
    "alopecia": 2,
    "mucosal_ulcers": 2,
    "pleurisy": 2,
    "pericarditis": 2,
    "low_complement": 2,
    "increased_dna_binding": 2,
    "fever": 1,
    "thrombocytopenia": 1,
    "leukopenia": 1,
}
#: The descriptors in the form's order.
DESCRIPTORS: tuple[str, ...] = tuple(WEIGHTS)
#: Every descriptor recorded absent.
NO_ACTIVITY: dict[str, bool] = dict.fromkeys(DESCRIPTORS, False)
