"""Deterministic rendering of an answer from the core's decisions (the offline text, and the LLM fallback)."""

from __future__ import annotations

from collections.abc import Sequence

from core import Decision

__all__ = ["FACT_LABELS", "MISSING_LABELS", "OUT_OF_SCOPE_TEXT", "REFUSED_TEXT", "missing_text", "render_answer"]

MISSING_LABELS: dict[str, str] = {
    "age_years": "the patient's age",
    "renal_function": "renal function (eGFR or CKD stage)",
    "weight": "the patient's weight (kg or lb)",
    "drug": "which agent you mean (e.g. dupilumab, upadacitinib, cyclosporine)",
    "severity": "disease severity (BSA %, IGA, itch NRS, or quality-of-life impact)",
    "topical_trial_days": "how long the intensive topical corticosteroid trial lasted",
    "topical_potency": "the potency or name of the topical corticosteroid used",
    "severity_timepoints": "at how many time points severity was documented",
    "adherent": "whether the topical regimen was actually used as prescribed",
    "question": "a question",
    "clarification": "what the number in your message refers to",
}

FACT_LABELS: dict[str, str] = {
    "age_years": "age", "age_at_least_years": "age at least", "age_below_years": "age under", "age_group": "age group",
    "weight_kg": "weight (kg)",
    "weight_lb": "weight (lb)", "weight_below_kg": "weight under (kg)", "egfr": "eGFR", "ckd_stage": "CKD stage",
    "severe_renal_impairment":
    "severe renal impairment", "bsa_percent": "BSA %", "iga": "IGA", "pruritus_nrs": "itch NRS",
    "qol_impaired": "quality of life impaired", "high_impact_areas": "high-impact areas",
    "topical_trial_days": "topical trial (days)", "topical_potency": "topical potency",
    "topical_steroid": "topical steroid", "pregnancy_or_planning": "pregnant or planning", "sex": "sex",
    "current_drug": "current agent", "current_dose_mg": "current dose (mg)", "bacterial_superinfection":
    "bacterial superinfection", "eczema_herpeticum": "eczema herpeticum", "weeks_on_treatment": "weeks on treatment",
}
"""How facts are named to a clinician (others: the field name with spaces)."""

OUT_OF_SCOPE_TEXT = (
    "Out of scope: adguide answers questions on systemic treatment of moderate-to-severe atopic dermatitis after "
    "topical therapy failure, from one guideline. It cannot answer this question."
)
REFUSED_TEXT = "Refused: adguide cannot ignore, override or change the guideline rules."


def missing_text(missing: Sequence[str]) -> str:
    """'To decide, I need: the patient's age; renal function (eGFR or CKD stage).'"""
    return "To decide, I need: " + "; ".join(MISSING_LABELS.get(m, m.replace("_", " ")) for m in missing) + "."


def render_answer(decisions: Sequence[Decision], missing: Sequence[str] = (), lead: str = "") -> str:
    """Each decision's statement verbatim, one per line, then what is missing."""
    lines = [lead] if lead else []
    lines += [d.statement for d in decisions]
    if missing:
        lines.append(missing_text(missing))
    return "\n".join(lines)
