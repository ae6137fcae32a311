"""The cohort report of an SDTM study, with the concordance as one of its sections (text, JSON).

The report is the library's cohort report (:mod:`astct_grading.report`: patients by maximum CRS
and ICANS grade, onset and duration, treatments, episodes, the patient listing), built from the
courses derived from SDTM, exactly as ``astct-grading report`` prints it for courses; the SDTM
input adds what only it has: the concordance of the derived grades with the investigator's
(AETOXGR) and the records that could not be used. In text these are two more sections after the
cohort report's own; in JSON, the keys ``input``, ``concordance`` and ``issues`` beside the
cohort report's keys (docs/cdisc.md, "The report").
"""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

from astct_grading.cdisc.concordance import (
    GRADES,
    Concordance,
    Kappa,
    compare_events,
    compare_subjects,
    concordance,
)
from astct_grading.cdisc.derive import StudyDerivation
from astct_grading.report import CohortReport, build_report
from astct_grading.report import render_text as render_cohort_text

__all__ = ["cohort_report", "render_text", "study_report"]

#: The scales of the concordance tables: both together, then each.
SCALES = ("all", "CRS", "ICANS")
#: The text report lists at most this many unusable records (all are in issues.csv with -o).
TEXT_ISSUES = 50


def _grade(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _notice(study: StudyDerivation, source: str | Path | None) -> str:
    """The report's first lines: what was read, derived and left out, and how CM was read."""
    derived = sum(1 for s in study.subjects if s.result is not None)
    unusable = sum(1 for i in study.issues if i.kind != "not_used")
    where = f" {source}" if source is not None else ""
    cm = (
        "CM declared complete: a time no vasopressor record covers had none"
        if study.mapping.medications.complete
        else "CM not declared complete: vasopressors are unknown where no CM record covers a "
        "time (D13)"
    )
    return (
        f"Input: SDTM{where} ({', '.join(study.domains) or 'no domain'}); "
        f"{_plural(len(study.subjects), 'subject')}, {derived} derived, "
        f"{len(study.subjects) - derived} not derived; "
        f"{_plural(unusable, 'record')} not usable (listed under Issues). {cm}."
    )


def cohort_report(study: StudyDerivation, source: str | Path | None = None) -> CohortReport:
    """The cohort report (:func:`astct_grading.report.build_report`) of the derived courses.

    Args:
        study: the derivation.
        source: the folder read, named in the report's notice.

    Returns:
        The report of every subject whose course was derived, headed by a notice saying what was
        read, how many subjects were derived and whether CM was declared complete.

    Example:
        >>> from astct_grading.cdisc import derive_study
        >>> report = cohort_report(derive_study({"DM": [{"USUBJID": "S1"}]}))
        >>> report.patients, report.notice.split(";")[1]
        (0, ' 1 subject, 0 derived, 1 not derived')
    """
    title = "Cohort report" if study.studyid is None else f"Cohort report: study {study.studyid}"
    results = [s.result for s in study.subjects if s.result is not None]
    return build_report(results, title=title, notice=_notice(study, source))


def _concordance(study: StudyDerivation) -> dict[str, Any]:
    subjects = []
    for subject in study.subjects:
        entry: dict[str, Any] = {"usubjid": subject.usubjid, "derived": subject.result is not None}
        if subject.result is not None:
            summary = subject.result.summary
            entry["crs_max"] = _grade(summary.crs.max_grade_min, summary.crs.max_grade_max)
            entry["icans_max"] = _grade(summary.icans.max_grade_min, summary.icans.max_grade_max)
            entry["crs_assessments"] = len(subject.result.crs)
            entry["icans_assessments"] = len(subject.result.icans)
        entry["reported"] = [
            {"aeseq": e.seq, "scale": e.scale, "aetoxgr": e.grade} for e in subject.events
        ]
        subjects.append(entry)
    events, per_subject = compare_events(study), compare_subjects(study)
    return {
        "subjects": subjects,
        "event": [concordance(events, "event", s).to_dict() for s in SCALES],
        "subject": [concordance(per_subject, "subject", s).to_dict() for s in SCALES],
    }


def study_report(study: StudyDerivation, source: str | Path | None = None) -> dict[str, Any]:
    """The report as a JSON-compatible object: the cohort report with the concordance.

    Args:
        study: the derivation.
        source: the folder read.

    Returns:
        ``input`` (the folder, the domains, the subjects derived, whether CM was declared
        complete), then every key of the cohort report (:meth:`CohortReport.to_dict
        <astct_grading.report.CohortReport.to_dict>`: ``title``, ``notice``, ``patients``, ``crs``,
        ``icans``, ``listing``, ``episodes``...), then ``concordance`` (``subjects``: each
        subject's derived maxima and reported grades; ``event`` and ``subject``: the comparison
        per event and per subject, each for all, CRS and ICANS, with its table, agreement, kappas
        and pairs) and ``issues`` (every record or subject not used, with the reason).

    Example:
        >>> from astct_grading.cdisc import derive_study
        >>> report = study_report(derive_study({"DM": [{"USUBJID": "S1"}]}))
        >>> report["concordance"]["subjects"][0]["derived"], report["patients"]
        (False, 0)
    """
    cohort = cohort_report(study, source)
    derived = sum(1 for s in study.subjects if s.result is not None)
    return {
        "input": {
            "source": None if source is None else str(source),
            "format": "sdtm",
            "domains": list(study.domains),
            "subjects": len(study.subjects),
            "derived": derived,
            "not_derived": len(study.subjects) - derived,
            "cm_complete": study.mapping.medications.complete,
            "issues": len(study.issues),
        },
        **cohort.to_dict(),
        "concordance": _concordance(study),
        "issues": [issue.to_dict() for issue in study.issues],
    }


def _wrapped(text: str) -> list[str]:
    # Lines of at most 100 characters, as the cohort report's (astct_grading.report.text).
    return textwrap.wrap(text, 98, initial_indent="  ", subsequent_indent="      ")


def _kappa(kappa: Kappa) -> str:
    if kappa.kappa is None or kappa.lower is None or kappa.upper is None:
        return f"{kappa.weights} kappa: undefined"
    return (
        f"{kappa.weights} kappa {kappa.kappa:.3f} (95% CI {kappa.lower:.3f} to {kappa.upper:.3f})"
    )


def _concordance_text(result: Concordance) -> list[str]:
    lines = [f"{result.level}s, {result.scale}: {result.compared} compared"]
    if result.exact is not None:
        lines += [
            f"  exact agreement {result.exact:.1%}",
            f"  {_kappa(result.linear)}",
            f"  {_kappa(result.quadratic)}",
        ]
    header = "  derived \\ reported " + " ".join(f"{g:>3}" for g in GRADES)
    lines.append(header)
    lines += [
        f"  {grade:>18} " + " ".join(f"{n:>3}" for n in result.table[grade]) for grade in GRADES
    ]
    for pair in result.pairs:
        if pair.status in {"discordant", "range_contains", "not_comparable"}:
            where = f"AESEQ {pair.aeseq}" if pair.aeseq is not None else "subject"
            lines += _wrapped(f"{pair.status}: {pair.usubjid} {pair.scale} {where}: {pair.reason}")
    return lines


def _sections(study: StudyDerivation) -> list[str]:
    """The SDTM sections after the cohort report: the concordance and the issues."""
    lines = ["", "Concordance, derived vs reported (AETOXGR)"]
    lines.append("Derived maximum grades (ASTCT 2019) and reported grades, per subject:")
    for subject in _concordance(study)["subjects"]:
        reported = (
            ", ".join(
                f"{e['scale']} {e['aetoxgr'] if e['aetoxgr'] is not None else '?'}"
                for e in subject["reported"]
            )
            or "none"
        )
        if subject["derived"]:
            lines.append(
                f"  {subject['usubjid']}: CRS {subject['crs_max']}, ICANS {subject['icans_max']}"
                f" (reported: {reported})"
            )
        else:
            lines.append(f"  {subject['usubjid']}: not derived (see the issues)")
    lines += _concordance_text(concordance(compare_events(study), "event"))
    lines += _concordance_text(concordance(compare_subjects(study), "subject"))
    kinds = Counter((i.kind, i.domain) for i in study.issues)
    lines += ["", f"Issues: {len(study.issues)} (every one in issues.csv with -o)"]
    lines += [f"  {kind} in {domain}: {n}" for (kind, domain), n in sorted(kinds.items())]
    listed = [i for i in study.issues if i.kind != "not_used"]
    for i in listed[:TEXT_ISSUES]:
        lines += _wrapped(
            f"{i.usubjid} {i.domain} {i.seq or '-'} {i.variable}={i.value!r}: {i.reason}"
        )
    if len(listed) > TEXT_ISSUES:
        lines.append(f"  ... and {len(listed) - TEXT_ISSUES} more")
    return lines


def render_text(study: StudyDerivation, source: str | Path | None = None) -> str:
    r"""The report as text for a terminal: the cohort report, then the concordance and the issues.

    The cohort report's part is :func:`astct_grading.report.render_text` of
    :func:`cohort_report`, unchanged.

    Args:
        study: the derivation.
        source: the folder read.

    Returns:
        The text, ending in a newline.

    Example:
        >>> from astct_grading.cdisc import derive_study
        >>> text = render_text(derive_study({"DM": [{"USUBJID": "S1"}]}))
        >>> "\nCohort report\n" in text, "  S1: not derived (see the issues)" in text
        (True, True)
    """
    cohort = render_cohort_text(cohort_report(study, source))
    return cohort + "\n".join(_sections(study)) + "\n"
