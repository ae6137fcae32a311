"""The study report of an SDTM derivation: derived grades, concordance and issues (text, JSON)."""

from __future__ import annotations

from collections import Counter
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

__all__ = ["render_text", "study_report"]


def _grade(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}-{hi}"


def study_report(study: StudyDerivation) -> dict[str, Any]:
    """The report as a JSON-compatible object.

    Args:
        study: the derivation.

    Returns:
        ``subjects`` (derived maxima and reported grades), ``concordance`` (per event and per
        subject, each with its table, agreement, kappas and discordant pairs) and ``issues``.

    Example:
        >>> from astct_grading.cdisc import derive_study
        >>> study_report(derive_study({"DM": [{"USUBJID": "S1"}]}))["subjects"][0]["derived"]
        False
    """
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
        "domains": list(study.domains),
        "subjects": subjects,
        "concordance": {
            "event": [concordance(events, "event", s).to_dict() for s in ("all", "CRS", "ICANS")],
            "subject": [
                concordance(per_subject, "subject", s).to_dict() for s in ("all", "CRS", "ICANS")
            ],
        },
        "issues": [issue.to_dict() for issue in study.issues],
    }


def _kappa(kappa: Kappa) -> str:
    if kappa.kappa is None or kappa.lower is None or kappa.upper is None:
        return f"{kappa.weights} kappa: undefined"
    return (
        f"{kappa.weights} kappa {kappa.kappa:.3f} (95% CI {kappa.lower:.3f} to {kappa.upper:.3f})"
    )


def _concordance_text(result: Concordance) -> list[str]:
    lines = [f"{result.level}s, {result.scale}: {result.compared} compared"]
    if result.exact is not None:
        lines.append(
            f"  exact agreement {result.exact:.1%}; {_kappa(result.linear)}; "
            f"{_kappa(result.quadratic)}"
        )
    header = "  derived \\ reported " + " ".join(f"{g:>3}" for g in GRADES)
    lines.append(header)
    lines += [
        f"  {grade:>18} " + " ".join(f"{n:>3}" for n in result.table[grade]) for grade in GRADES
    ]
    for pair in result.pairs:
        if pair.status in {"discordant", "range_contains", "not_comparable"}:
            where = f"AESEQ {pair.aeseq}" if pair.aeseq is not None else "subject"
            lines.append(f"  {pair.status}: {pair.usubjid} {pair.scale} {where}: {pair.reason}")
    return lines


def render_text(study: StudyDerivation) -> str:
    """The report as text for a terminal.

    Args:
        study: the derivation.

    Returns:
        The text, ending in a newline.
    """
    report = study_report(study)
    lines = [
        f"Domains read: {', '.join(study.domains)}",
        "",
        "Derived maximum grades (ASTCT 2019):",
    ]
    for subject in report["subjects"]:
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
    events, per_subject = compare_events(study), compare_subjects(study)
    lines += ["", "Concordance, derived vs reported (AETOXGR):"]
    lines += _concordance_text(concordance(events, "event"))
    lines += _concordance_text(concordance(per_subject, "subject"))
    kinds = Counter((i.kind, i.domain) for i in study.issues)
    lines += ["", f"Issues: {len(study.issues)} (every one in issues.csv with -o)"]
    lines += [f"  {kind} in {domain}: {n}" for (kind, domain), n in sorted(kinds.items())]
    lines += [
        f"  {i.usubjid} {i.domain} {i.seq or '-'} {i.variable}={i.value!r}: {i.reason}"
        for i in study.issues
        if i.kind != "not_used"
    ][:50]
    return "\n".join(lines) + "\n"
