"""What a chart usually calls each input field: the hand-written column of docs/inputs.md.

Everything else on that page (the fields, types, allowed values, defaults, descriptions) is read
from the models' JSON Schema at build time (scripts/docs_pages.py). This table adds what the
schema cannot know: the names a field goes by in charts, flowsheets and case report forms, and,
where the generic sentence would not say enough, what an absent or null value means for it.
tests/docs/test_site.py checks that every field of every input model has an entry here and that
no entry names a field that does not exist.

The SLEDAI-2K descriptors' names are the labels of the SLEDAI-2K form, read from
``astct_grading.criteria.sledai2k.DESCRIPTORS`` (Gladman 2002).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from astct_grading.criteria.sledai2k import DESCRIPTORS


@dataclass(frozen=True)
class ChartName:
    """The names a field goes by in charts, and what its absence means when that needs words.

    Attributes:
        names: what a chart, flowsheet or case report form usually calls it.
        unit: the unit, when the field's name does not state it; None to read it from the name.
        unknown: what an absent or null value means, when the generic sentence (from the
            schema's default) does not say enough; None for the generic sentence.
    """

    names: str
    unit: str | None = None
    unknown: str | None = None


_NOT_ASSESSED = "not assessed, never read as absent: the grade is the range it allows"
_OTHER_CAUSE = "absent: false (no other cause recorded); null: not known, so a range"
_RECORD_ONLY = "not recorded: the field is for the record only and never read"
_ICE_ITEM = (
    "item not recorded: it may still score 0 or 1, so the ICE (and the grade) is a range unless "
    "`total` or the subtotal of its domain is given"
)
_CAPD_ITEM = (
    "item not recorded: it may still score 0-4, so the CAPD (and the grade) is a range unless "
    "`total` or the item's points are given"
)
_CAPD_POINTS = (
    "not charted as points: read from the item's answer when that is given; with neither, the "
    "item is open (0-4)"
)

_CRS: dict[str, ChartName] = {
    "CrsAssessment.temperature": ChartName(
        "Tmax, max temp, highest temperature, T (°C/°F), vital signs: temperature",
        unknown=_NOT_ASSESSED,
    ),
    "CrsAssessment.fever": ChartName(
        "febrile (Y/N), fever present, 'T ≥ 38 °C'",
        unknown="read from `temperature` when that is given; with neither, " + _NOT_ASSESSED,
    ),
    "CrsAssessment.fever_other_cause": ChartName(
        "fever attributed to infection, neutropenic fever, 'fever not due to CRS'",
        unknown=_OTHER_CAUSE,
    ),
    "CrsAssessment.fever_waiver": ChartName(
        "afebrile after tocilizumab / steroids / antipyretics, 'fever masked by treatment'",
        unknown="not known whether the fever requirement is waived: an afebrile record may then "
        "grade 0 or more, and the result is a range",
    ),
    "CrsAssessment.hypotension": ChartName(
        "hypotension (Y/N), low blood pressure, 'fluid bolus for BP', SBP < 90",
        unknown="read from `systolic_bp_mmhg` with `age_years` when those are given; otherwise "
        + _NOT_ASSESSED,
    ),
    "CrsAssessment.systolic_bp_mmhg": ChartName("SBP, systolic BP, lowest systolic pressure"),
    "CrsAssessment.age_years": ChartName("age, age at assessment (years)"),
    "CrsAssessment.vasopressors": ChartName(
        "pressors, vasopressor support, 'levophed', 'norepi', 'vaso'; drug administration records",
        unknown="not known which vasopressors were given: with hypotension the grade is 2-4 "
        "unless `vasopressor_count` says how many; an empty list means none",
    ),
    "CrsAssessment.vasopressor_count": ChartName(
        "number of pressors, 'on one pressor', 'multiple pressors', 'on pressors, agent not "
        "recorded'",
        unknown="read from `vasopressors` when the agents are named; otherwise not known",
    ),
    "CrsAssessment.organ_toxicity": ChartName(
        "organ toxicity, CTCAE grade by organ (e.g. transaminitis, AKI) recorded with CRS",
        unknown="not recorded: it is never read by the CRS grade (D2), only listed as excluded",
    ),
    "CrsAssessment.hypotension_other_cause": ChartName(
        "hypotension due to sepsis, bleeding or another cause", unknown=_OTHER_CAUSE
    ),
    "CrsAssessment.oxygen": ChartName(
        "O2 therapy, oxygen delivery device, respiratory support, 'RA' (room air)",
        unknown=_NOT_ASSESSED,
    ),
    "CrsAssessment.hypoxia_other_cause": ChartName(
        "hypoxia due to pneumonia, fluid overload or another cause", unknown=_OTHER_CAUSE
    ),
    "CrsAssessment.death_due_to_crs": ChartName(
        "death, cause of death: CRS, grade 5 CRS",
        unknown="absent means false (no death due to CRS recorded); null means not known, and "
        "the result then includes grade 5",
    ),
    "Temperature.value": ChartName(
        "temperature reading", unit="°C or °F, as `unit` says (25-45 °C after conversion)"
    ),
    "Temperature.unit": ChartName("°C / °F, degrees Celsius / Fahrenheit"),
    "Vasopressor.agent": ChartName(
        "drug name: norepinephrine (noradrenaline, Levophed), epinephrine (adrenaline), "
        "phenylephrine, dopamine, vasopressin, angiotensin II"
    ),
    "Vasopressor.dose": ChartName(
        "dose, rate (e.g. mcg/kg/min)", unit="as `dose_unit` says", unknown="carried, never read"
    ),
    "Vasopressor.dose_unit": ChartName("dose unit", unknown=_RECORD_ONLY),
    "OxygenSupport.device": ChartName(
        "O2 device: RA, NC, HFNC, face mask, NRB, Venturi, CPAP, BiPAP, intubated / ventilated"
    ),
    "OxygenSupport.flow_l_min": ChartName(
        "O2 flow, L/min, 'lpm'",
        unknown="not recorded: for a nasal cannula the label decides (low or high flow); a plain "
        "`nasal_cannula` is low flow by D4, or a range with "
        '`CrsOptions(unlabelled_cannula_without_flow="unknown")`',
    ),
    "OxygenSupport.fio2": ChartName(
        "FiO2, % O2 (as a fraction)", unit="fraction, 0.21-1.0", unknown=_RECORD_ONLY
    ),
}

_ICANS: dict[str, ChartName] = {
    "IcansAssessment.age_years": ChartName(
        "age (years)",
        unknown="not known: the readings of both instruments (ICE and CAPD) are considered, and "
        "the grade is their range",
    ),
    "IcansAssessment.developmental_delay": ChartName(
        "developmental delay, 'unable to perform ICE due to baseline'",
        unknown="absent: false (no delay recorded); null: not known, and both instruments' "
        "readings are considered",
    ),
    "IcansAssessment.ice": ChartName(
        "ICE score, ICE (0-10), encephalopathy screen", unknown=_NOT_ASSESSED
    ),
    "IcansAssessment.capd": ChartName(
        "CAPD, Cornell Assessment of Pediatric Delirium score", unknown=_NOT_ASSESSED
    ),
    "IcansAssessment.encephalopathy_other_cause": ChartName(
        "language barrier, baseline cognitive impairment", unknown=_OTHER_CAUSE
    ),
    "IcansAssessment.consciousness": ChartName(
        "level of consciousness, LOC, 'drowsy', 'responds to voice', 'responds to pain', GCS "
        "description",
        unknown=_NOT_ASSESSED,
    ),
    "IcansAssessment.consciousness_other_cause": ChartName(
        "sedated, on sedating medication", unknown=_OTHER_CAUSE
    ),
    "IcansAssessment.global_aphasia": ChartName("global aphasia, 'awake but unable to speak'"),
    "IcansAssessment.seizure": ChartName(
        "seizure, convulsion, NCSE / non-convulsive seizure on EEG", unknown=_NOT_ASSESSED
    ),
    "IcansAssessment.seizure_duration_min": ChartName("seizure duration, minutes"),
    "IcansAssessment.seizure_over_5_min": ChartName(
        "prolonged seizure, status epilepticus, seizure > 5 min"
    ),
    "IcansAssessment.seizure_without_return_to_baseline": ChartName(
        "repetitive seizures without return to baseline, status epilepticus"
    ),
    "IcansAssessment.seizure_other_cause": ChartName(
        "seizure due to another cause (e.g. metabolic, known epilepsy)", unknown=_OTHER_CAUSE
    ),
    "IcansAssessment.motor": ChartName(
        "motor exam, focal weakness, hemiparesis, paraparesis", unknown=_NOT_ASSESSED
    ),
    "IcansAssessment.motor_other_cause": ChartName(
        "weakness due to another cause (e.g. stroke)", unknown=_OTHER_CAUSE
    ),
    "IcansAssessment.icp": ChartName(
        "cerebral oedema / edema on CT or MRI, papilloedema, posturing, CN VI palsy, Cushing's "
        "triad",
        unknown="not assessed (e.g. no imaging); an empty list means none found",
    ),
    "IcansAssessment.icp_other_cause": ChartName(
        "oedema due to another cause", unknown=_OTHER_CAUSE
    ),
    "IcansAssessment.tremor": ChartName("tremor", unknown="recorded only: never changes the grade"),
    "IcansAssessment.myoclonus": ChartName(
        "myoclonus, myoclonic jerks", unknown="recorded only: never changes the grade"
    ),
    "IcansAssessment.intracranial_haemorrhage": ChartName(
        "intracranial haemorrhage / hemorrhage, ICH, bleed on CT",
        unknown="recorded only: never changes the grade",
    ),
    "IcansAssessment.death_due_to_icans": ChartName(
        "death, cause of death: ICANS, neurotoxicity, grade 5 ICANS",
        unknown="absent means false (no death due to ICANS recorded); null means not known, and "
        "the result then includes grade 5",
    ),
    "IceAssessment.orientation_year": ChartName("ICE orientation: year", unknown=_ICE_ITEM),
    "IceAssessment.orientation_month": ChartName("ICE orientation: month", unknown=_ICE_ITEM),
    "IceAssessment.orientation_city": ChartName("ICE orientation: city", unknown=_ICE_ITEM),
    "IceAssessment.orientation_hospital": ChartName("ICE orientation: hospital", unknown=_ICE_ITEM),
    "IceAssessment.naming_object_1": ChartName("ICE naming: object 1", unknown=_ICE_ITEM),
    "IceAssessment.naming_object_2": ChartName("ICE naming: object 2", unknown=_ICE_ITEM),
    "IceAssessment.naming_object_3": ChartName("ICE naming: object 3", unknown=_ICE_ITEM),
    "IceAssessment.follows_commands": ChartName(
        "ICE commands ('show me 2 fingers')", unknown=_ICE_ITEM
    ),
    "IceAssessment.writes_sentence": ChartName("ICE writing: standard sentence", unknown=_ICE_ITEM),
    "IceAssessment.counts_back_by_ten": ChartName(
        "ICE attention: count back from 100 by 10", unknown=_ICE_ITEM
    ),
    "IceAssessment.orientation": ChartName(
        "ICE orientation score (0-4)", unknown="read from its four items, or open as they are"
    ),
    "IceAssessment.naming": ChartName(
        "ICE naming score (0-3)", unknown="read from its three items, or open as they are"
    ),
    "IceAssessment.commands": ChartName(
        "ICE commands score (0-1)", unknown="read from its item, or open as it is"
    ),
    "IceAssessment.writing": ChartName(
        "ICE writing score (0-1)", unknown="read from its item, or open as it is"
    ),
    "IceAssessment.attention": ChartName(
        "ICE attention score (0-1)", unknown="read from its item, or open as it is"
    ),
    "IceAssessment.total": ChartName(
        "ICE score, ICE total (0-10)",
        unknown="read from the items when they are all given; otherwise the ICE is a range",
    ),
    "IceAssessment.not_performed": ChartName(
        "ICE not done: sedated, intubated, unarousable",
        unknown="absent: the ICE was performed (or its items and total say what is known)",
    ),
    "CapdAssessment.eye_contact": ChartName(
        "CAPD 1: eye contact with caregiver", unknown=_CAPD_ITEM
    ),
    "CapdAssessment.purposeful_actions": ChartName(
        "CAPD 2: purposeful actions", unknown=_CAPD_ITEM
    ),
    "CapdAssessment.aware_of_surroundings": ChartName(
        "CAPD 3: aware of surroundings", unknown=_CAPD_ITEM
    ),
    "CapdAssessment.communicates_needs": ChartName(
        "CAPD 4: communicates needs and wants", unknown=_CAPD_ITEM
    ),
    "CapdAssessment.restless": ChartName("CAPD 5: restless", unknown=_CAPD_ITEM),
    "CapdAssessment.inconsolable": ChartName("CAPD 6: inconsolable", unknown=_CAPD_ITEM),
    "CapdAssessment.underactive": ChartName("CAPD 7: underactive", unknown=_CAPD_ITEM),
    "CapdAssessment.slow_to_respond": ChartName(
        "CAPD 8: takes a long time to respond", unknown=_CAPD_ITEM
    ),
    "CapdAssessment.eye_contact_points": ChartName(
        "CAPD 1 points, eye contact score (0-4, reverse-scored: never 4)",
        unit="points",
        unknown=_CAPD_POINTS,
    ),
    "CapdAssessment.purposeful_actions_points": ChartName(
        "CAPD 2 points, purposeful actions score (0-4, reverse-scored: never 4)",
        unit="points",
        unknown=_CAPD_POINTS,
    ),
    "CapdAssessment.aware_of_surroundings_points": ChartName(
        "CAPD 3 points, awareness score (0-4, reverse-scored: never 4)",
        unit="points",
        unknown=_CAPD_POINTS,
    ),
    "CapdAssessment.communicates_needs_points": ChartName(
        "CAPD 4 points, communicates needs score (0-4, reverse-scored: never 4)",
        unit="points",
        unknown=_CAPD_POINTS,
    ),
    "CapdAssessment.restless_points": ChartName(
        "CAPD 5 points, restless score (0-4: never 0)", unit="points", unknown=_CAPD_POINTS
    ),
    "CapdAssessment.inconsolable_points": ChartName(
        "CAPD 6 points, inconsolable score (0-4: never 0)", unit="points", unknown=_CAPD_POINTS
    ),
    "CapdAssessment.underactive_points": ChartName(
        "CAPD 7 points, underactive score (0-4: never 0)", unit="points", unknown=_CAPD_POINTS
    ),
    "CapdAssessment.slow_to_respond_points": ChartName(
        "CAPD 8 points, slow to respond score (0-4: never 0)",
        unit="points",
        unknown=_CAPD_POINTS,
    ),
    "CapdAssessment.total": ChartName(
        "CAPD score, CAPD total (0-32)",
        unknown="read from the items when they are all given; otherwise the CAPD is a range",
    ),
    "CapdAssessment.rass": ChartName(
        "RASS, Richmond Agitation-Sedation Scale",
        unit="points",
        unknown="not recorded: the CAPD is read as scored (not under deep sedation)",
    ),
    "CapdAssessment.not_performed": ChartName(
        "CAPD not done: deep sedation, paralysed (neuromuscular blockade), unable",
        unknown="absent: the CAPD was performed (or its items and total say what is known)",
    ),
}

_SLEDAI_OTHER: dict[str, ChartName] = {
    "SledaiVisit.visit_date": ChartName(
        "visit date, assessment date",
        unknown="not recorded: the score does not need it; the response definitions then do "
        "not check the order of the visits or the days between them",
    ),
    "SledaiVisit.window_days": ChartName(
        "look-back window ('in the last 10 days'; 30 days in some studies)"
    ),
    "SledaiVisit.temperature": ChartName("temperature, Tmax", unknown=_NOT_ASSESSED),
    "SledaiVisit.platelets_10e9_l": ChartName("platelets, PLT (x10^9/L = x10^3/µL)"),
    "SledaiVisit.wbc_10e9_l": ChartName("white blood cells, WBC, leukocytes (x10^9/L = x10^3/µL)"),
    "SledaiVisit.proteinuria_g_24h": ChartName("24-hour urine protein, proteinuria g/day"),
    "SledaiVisit.urine_rbc_per_hpf": ChartName(
        "urine RBC/hpf, haematuria / hematuria on microscopy"
    ),
    "SledaiVisit.urine_wbc_per_hpf": ChartName("urine WBC/hpf, pyuria on microscopy"),
    "SledaiVisit.c3": ChartName("C3, complement C3", unknown=_NOT_ASSESSED),
    "SledaiVisit.c4": ChartName("C4, complement C4", unknown=_NOT_ASSESSED),
    "SledaiVisit.ch50": ChartName("CH50, total haemolytic complement", unknown=_NOT_ASSESSED),
    "SledaiVisit.anti_dsdna": ChartName(
        "anti-dsDNA, dsDNA antibodies, DNA binding (Farr)", unknown=_NOT_ASSESSED
    ),
    "SledaiVisit.arthritis_joint_count": ChartName("swollen / tender joint count", unit="joints"),
    "ComplementMeasurement.value": ChartName("result", unit="as `unit` says"),
    "ComplementMeasurement.lower_limit": ChartName(
        "reference range: lower limit, LLN", unit="the unit of `value`"
    ),
    "ComplementMeasurement.unit": ChartName("unit (g/L, mg/dL, U/mL)", unknown=_RECORD_ONLY),
    "AntiDsDnaMeasurement.value": ChartName("result, titre", unit="as `unit` says"),
    "AntiDsDnaMeasurement.upper_limit": ChartName(
        "reference range: upper limit, ULN, cut-off", unit="the unit of `value`"
    ),
    "AntiDsDnaMeasurement.unit": ChartName("unit (IU/mL, U/mL)", unknown=_RECORD_ONLY),
}

#: The SLEDAI-2K descriptor fields, by their label on the form, and their "other cause" fields.
_SLEDAI_DESCRIPTORS: dict[str, ChartName] = {
    **{
        f"SledaiVisit.{descriptor.value}": ChartName(
            f"SLEDAI-2K: {rule.label} ({rule.weight})", unknown=_NOT_ASSESSED
        )
        for descriptor, rule in DESCRIPTORS.items()
    },
    **{
        f"SledaiVisit.{descriptor.value}_other_cause": ChartName(
            f"{rule.label} due to " + " or ".join(rule.excluded_causes),
            unknown=_OTHER_CAUSE,
        )
        for descriptor, rule in DESCRIPTORS.items()
        if rule.excluded_causes
    },
}

#: ``Model.field`` -> its chart names, for every field of every input model.
CHART_NAMES: Mapping[str, ChartName] = {
    **_CRS,
    **_ICANS,
    **_SLEDAI_OTHER,
    **_SLEDAI_DESCRIPTORS,
}

__all__ = ["CHART_NAMES", "ChartName"]
