"""Eligibility for systemic therapy after topical therapy failure."""

from __future__ import annotations

from .classify import classify_potency
from .criteria import at_least, crit, verdict_of
from .decision import Criterion, Decision
from .facts import PatientFacts
from .query import Query
from .rulebook import Rulebook

__all__ = ["eligibility_decisions", "severity_criteria"]

_MIN_TRIAL_DAYS = 7  # "1-4 weeks" of intensive topical therapy: at least one week


def severity_criteria(facts: PatientFacts) -> tuple[Criterion, list[Criterion]]:
    """Moderate-to-severe disease: any one of the guideline's markers suffices."""
    areas = facts.high_impact_areas
    parts = [
        at_least("BSA ≥10%", facts.bsa_percent, 10, "BSA", "%"),
        at_least("IGA ≥3", facts.iga, 3, "IGA"),
        at_least("severe pruritus NRS ≥7", facts.pruritus_nrs, 7, "pruritus NRS"),
        crit("significant quality of life impairment",
             "unknown" if facts.qol_impaired is None else "met" if facts.qol_impaired else "not_met",
             "not assessed" if facts.qol_impaired is None else f"quality of life impaired: {facts.qol_impaired}"),
        crit("high-impact areas (hands, face, eyelids)",
             "unknown" if areas is None else "met" if areas else "not_met",
             "not stated" if areas is None else ("involved: " + ", ".join(areas)) if areas else "none involved"),
        crit("significant sleep disruption or psychosocial impact",
             "met" if facts.sleep_disruption or facts.psychosocial_impact else
             "unknown" if facts.sleep_disruption is None or facts.psychosocial_impact is None else "not_met",
             f"sleep disruption: {facts.sleep_disruption}, psychosocial impact: {facts.psychosocial_impact}"),
    ]
    statuses = {c.status for c in parts}
    numeric = parts[:3]
    below = [c for c in numeric if c.status == "not_met"]
    if "met" in statuses:
        status = "met"
    elif "unknown" not in statuses or (numeric[0].status == numeric[1].status == "not_met") or (
            "not_met" in (numeric[0].status, numeric[2].status) and facts.qol_impaired is False
            and areas is not None and not areas and facts.sleep_disruption is False):
        # BSA and IGA (the markers both of the guideline's criteria name) below threshold, or every marker a patient
        # can report (extent or itch, quality of life, areas, sleep) below it, and nothing stated to qualify: the
        # criteria are not met; what was not stated is named with the high-impact exception
        status = "not_met"
    else:
        status = "unknown"
    met = [c.name for c in parts if c.status == "met"]
    if met:
        detail = "meets " + "; ".join(met)
    elif status == "not_met":
        detail = "below threshold: " + "; ".join(c.detail for c in below) + (
            "" if "unknown" not in statuses else
            " (not stated: " + "; ".join(c.name for c in parts if c.status == "unknown") + ")")
    else:
        detail = ("below threshold so far: " + "; ".join(c.detail for c in below)) if below else \
            "no severity marker given"
    return crit("moderate-to-severe disease (any one marker)", status, detail), parts  # type: ignore[arg-type]


def _trial(facts: PatientFacts) -> tuple[Criterion, Criterion]:
    days = facts.topical_trial_days
    duration = (crit("intensive topical trial ≥1 week (1-4 weeks)", "unknown", "duration not given") if days is None
                else crit("intensive topical trial ≥1 week (1-4 weeks)",
                          "met" if days >= _MIN_TRIAL_DAYS else "not_met", f"{days} days of topical therapy"))
    potency = classify_potency(facts)
    pot = crit("medium-to-high potency topical corticosteroid",
               "unknown" if potency.value is None else "not_met" if potency.value == "low" else "met",
               potency.detail, potency.basis if potency.basis not in ("as stated",) else None)
    return duration, pot


def _documented(facts: PatientFacts) -> Criterion:
    n = facts.severity_timepoints
    if n is None:
        return crit("severity documented at multiple time points", "unknown", "number of documented time points "
                    "not given")
    return crit("severity documented at multiple time points", "met" if n >= 2 else "not_met",
                f"documented at {n} time point{'s' if n != 1 else ''}")


def _adherence(facts: PatientFacts) -> Criterion:
    name = "true topical failure (adherent, not steroid phobia)"
    if facts.adherent is False:
        return crit(name, "not_met", "nonadherence to the topical regimen")
    if facts.steroid_phobia and facts.adherent is not True:
        return crit(name, "not_met", "steroid phobia reported")
    if facts.adherent is True:
        return crit(name, "met", "adherent to the topical regimen")
    return crit(name, "unknown", "adherence not assessed")


_HIGH_IMPACT_EXCEPTION = ("involvement of hands, face or eyelids, or significant sleep disruption or psychosocial "
                          "impact, would still justify systemic therapy even with lower body surface area involvement")
_ADVICE = {
    "moderate-to-severe disease (any one marker)": "the severity criteria are not met (BSA ≥10%, IGA ≥3, "
    "pruritus NRS ≥7 or significant quality of life impairment)",
    "intensive topical trial ≥1 week (1-4 weeks)": "the intensive topical trial is shorter than 1-4 weeks",
    "medium-to-high potency topical corticosteroid": "the topical corticosteroid was not medium-to-high potency",
    "severity documented at multiple time points": "severity is not yet documented at multiple time points",
    "true topical failure (adherent, not steroid phobia)": "nonadherence or steroid phobia must be addressed "
    "through patient education first",
}
_CONFIRM_ONLY = frozenset({"severity_timepoints", "adherent"})
"""Conditions only the clinician can confirm: they make an eligibility answer conditional, not a question."""
_MISSING = {
    "moderate-to-severe disease (any one marker)": "severity",
    "intensive topical trial ≥1 week (1-4 weeks)": "topical_trial_days",
    "medium-to-high potency topical corticosteroid": "topical_potency",
    "severity documented at multiple time points": "severity_timepoints",
    "true topical failure (adherent, not steroid phobia)": "adherent",
}


def eligibility_decisions(book: Rulebook, facts: PatientFacts, q: Query) -> list[Decision]:
    """Eligible / not yet / cannot tell, with every criterion shown."""
    severity, parts = severity_criteria(facts)
    duration, potency = _trial(facts)
    main = (severity, duration, potency, _documented(facts), _adherence(facts))
    criteria = (*main, *parts)
    dumped = facts.model_dump()
    inputs = {k: dumped.get(k) for k in (
        "bsa_percent", "iga", "pruritus_nrs", "qol_impaired", "sleep_disruption", "psychosocial_impact",
        "topical_trial_days", "topical_potency", "topical_steroid", "severity_timepoints", "adherent",
        "steroid_phobia")}
    inputs["high_impact_areas"] = list(facts.high_impact_areas) if facts.high_impact_areas is not None else None
    overall = verdict_of(main)
    if overall == "met":
        return [book.decision(
            "ELIG-SYSTEMIC", verdict="eligible", inputs=inputs, criteria=criteria,
            statement="Eligible for systemic therapy: persistent moderate-to-severe disease "
                      f"({severity.detail[len('meets '):]}), documented at multiple time points, despite 1-4 weeks "
                      "of intensive medium-to-high potency topical corticosteroids with true treatment failure.",
        )]
    if overall == "not_met":
        reasons = "; ".join(_ADVICE[c.name] + (f" — {c.detail}; {_HIGH_IMPACT_EXCEPTION}" if c is severity else "")
                            for c in main if c.status == "not_met")
        return [book.decision(
            "ELIG-SYSTEMIC", verdict="not_yet", inputs=inputs, criteria=criteria,
            statement=f"Not yet eligible for systemic therapy: {reasons}.",
        )]
    missing = tuple(_MISSING[c.name] for c in main if c.status == "unknown")
    known = [c.name for c in main if c.status == "met"]
    if set(missing) <= _CONFIRM_ONLY:
        # severity and the topical trial are met; what is left only the clinician can confirm: answer, listing it
        return [book.decision(
            "ELIG-SYSTEMIC", verdict="eligible_if_confirmed", inputs=inputs, criteria=criteria,
            statement="Meets the severity and topical-trial criteria for systemic therapy "
                      f"({severity.detail[len('meets '):]}; {duration.detail}; {potency.detail}). Before starting, "
                      "confirm: "
                      + "; ".join(c.name for c in main if c.status == "unknown") + ".",
        )]
    below = severity.detail.startswith("below threshold so far")
    unstated = [c.name for c in parts if c.status == "unknown"]
    return [book.decision(
        "ELIG-SYSTEMIC", outcome="needs_info", inputs=inputs, criteria=criteria,
        # scores given and all below threshold, the rest unknown: said before any start (a caution), not a verdict
        verdict="below_threshold_so_far" if below else "cannot_tell",
        missing=missing,
        statement="Cannot tell yet whether systemic therapy is justified. "
                  + (f"The severity given is {severity.detail}; it would need one of: {'; '.join(unstated)}. "
                     if below else "")
                  + (f"Met so far: {'; '.join(known)}. " if known else "")
                  + "Still needed: " + "; ".join(c.name for c in main if c.status == "unknown") + ".",
    )]
