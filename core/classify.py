"""Standard classifications the guideline relies on but does not define.

Each returns a value *and its basis*, so a decision can show how an input was classified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .facts import LB_TO_KG, PatientFacts, Potency

__all__ = [
    "KDIGO_BASIS",
    "NAMED_STEROIDS",
    "Classification",
    "RenalClass",
    "ckd_stage_for_egfr",
    "classify_age",
    "classify_potency",
    "classify_renal",
    "derived_facts",
]

RenalClass = Literal["not_severe", "severe", "kidney_failure"]

KDIGO_BASIS = (
    "KDIGO GFR categories: G4 (eGFR 15–29) = severe renal impairment, G5 (eGFR <15) = kidney failure; "
    "standard definition, not stated in the guideline"
)
_POTENCY_BASIS = "US seven-class topical corticosteroid potency ranking; standard classification, not in the guideline"


@dataclass(frozen=True)
class Classification:
    """A classified value and the standard it was classified by."""

    value: str | None
    basis: str
    detail: str


def ckd_stage_for_egfr(egfr: float) -> int:
    """KDIGO G stage (3a and 3b are both 3)."""
    if egfr >= 90:
        return 1
    if egfr >= 60:
        return 2
    if egfr >= 30:
        return 3
    if egfr >= 15:
        return 4
    return 5


def classify_renal(facts: PatientFacts) -> Classification:
    """Severe renal impairment from eGFR, CKD stage or the clinician's own words."""
    if facts.egfr is not None:
        stage = ckd_stage_for_egfr(facts.egfr)
        value: RenalClass = "kidney_failure" if stage == 5 else "severe" if stage == 4 else "not_severe"
        return Classification(value, KDIGO_BASIS, f"eGFR {facts.egfr:g} → KDIGO G{stage}: {value.replace('_', ' ')}")
    if facts.ckd_stage is not None:
        value = "kidney_failure" if facts.ckd_stage == 5 else "severe" if facts.ckd_stage == 4 else "not_severe"
        return Classification(value, KDIGO_BASIS, f"CKD stage {facts.ckd_stage} → {value.replace('_', ' ')}")
    if facts.severe_renal_impairment is not None:
        value = "severe" if facts.severe_renal_impairment else "not_severe"
        return Classification(value, "as stated by the clinician", f"severe renal impairment: {value == 'severe'}")
    return Classification(None, "no eGFR, CKD stage or renal status given", "renal function unknown")


def classify_age(facts: PatientFacts) -> Classification:
    """Adult (18 or older) or pediatric; the guideline uses 'pediatric' without defining it."""
    basis = "pediatric = under 18 years; standard definition, the guideline does not define it"
    if facts.age_years is not None:
        value = "adult" if facts.age_years >= 18 else "child"
        return Classification(value, basis, f"age {facts.age_years:g} years → {value}")
    if facts.age_group is not None:
        return Classification(facts.age_group, "as stated", f"stated as {facts.age_group}")
    if facts.age_at_least_years is not None and facts.age_at_least_years >= 18:
        return Classification("adult", basis, f"age at least {facts.age_at_least_years:g} years → adult")
    if facts.age_below_years is not None and facts.age_below_years <= 18:
        return Classification("child", basis, f"age under {facts.age_below_years:g} years → child")
    return Classification(None, basis, "age unknown")


# name pattern -> (potency, class label). Longest, most specific names first.
NAMED_STEROIDS: tuple[tuple[str, Potency, str], ...] = (
    (r"clobetasol", "super_high", "class 1"),
    # brand names (the generic and class in the label), so "a month of Elocon" is a topical trial
    (r"dermovate|temovate|clobex|olux|impoyz", "super_high", "clobetasol, class 1"),
    (r"diprolene|ultravate", "super_high", "augmented betamethasone / halobetasol, class 1"),
    (r"lidex|topicort", "high", "fluocinonide / desoximetasone, class 2"),
    (r"elocon", "medium", "mometasone, class 2–4 by vehicle (medium at least)"),
    (r"kenacort|aristocort|tac", "medium", "triamcinolone acetonide (TAC), class 3–5 (medium at 0.1%)"),
    (r"betnovate|valisone", "medium", "betamethasone valerate, class 3–5"),
    (r"cutivate", "medium", "fluticasone, class 3–5"),
    (r"locoid|westcort", "medium", "hydrocortisone butyrate / valerate, class 4–5"),
    (r"synalar", "medium", "fluocinolone, class 4–6"),
    (r"halobetasol|ulobetasol", "super_high", "class 1"),
    (r"augmented betamethasone|betamethasone dipropionate augmented", "super_high", "class 1"),
    (r"fluocinonide", "high", "class 2"),
    (r"desoximetasone", "high", "class 2"),
    (r"halcinonide", "high", "class 2"),
    (r"amcinonide", "high", "class 2–3"),
    (r"betamethasone dipropionate", "high", "class 2–3"),
    (r"mometasone", "medium", "class 2–4 by vehicle (medium at least)"),
    (r"triamcinolone", "medium", "class 3–5 (medium at 0.1%)"),
    (r"betamethasone valerate|betamethasone", "medium", "class 3–5"),
    (r"fluticasone", "medium", "class 3–5"),
    (r"hydrocortisone (?:butyrate|valerate|probutate)", "medium", "class 4–5"),
    (r"fluocinolone", "medium", "class 4–6"),
    (r"prednicarbate", "medium", "class 5"),
    (r"desonide", "low", "class 6"),
    (r"alclometasone", "low", "class 6"),
    (r"hydrocortisone", "low", "class 7"),
)
_COMPILED = tuple((re.compile(p, re.IGNORECASE), pot, label) for p, pot, label in NAMED_STEROIDS)


def classify_potency(facts: PatientFacts) -> Classification:
    """Potency as stated, else from the named steroid, else unknown."""
    if facts.topical_steroid:
        for pattern, potency, label in _COMPILED:
            if pattern.search(facts.topical_steroid) and facts.topical_potency in (None, potency):
                # the named steroid's class, also when the potency was read from the same name
                return Classification(
                    potency, _POTENCY_BASIS, f"{facts.topical_steroid} → {potency.replace('_', '-')} potency ({label})"
                )
    if facts.topical_potency is not None:
        return Classification(facts.topical_potency, "as stated", f"stated potency: {facts.topical_potency}")
    if facts.topical_steroid:
        for pattern, potency, label in _COMPILED:
            if pattern.search(facts.topical_steroid):
                return Classification(
                    potency, _POTENCY_BASIS, f"{facts.topical_steroid} → {potency.replace('_', '-')} potency ({label})"
                )
        return Classification(None, _POTENCY_BASIS, f"{facts.topical_steroid}: potency not recognised")
    return Classification(None, "no potency or named steroid given", "topical potency unknown")


def derived_facts(facts: PatientFacts) -> dict[str, Any]:
    """What the core derives from the facts given, for display beside them: the weight in kg from lb, and severe
    renal impairment from an eGFR or CKD stage (KDIGO G4 and G5)."""
    out: dict[str, Any] = {}
    if facts.weight_kg is None and facts.weight_lb is not None:
        out["weight_kg"] = round(facts.weight_lb * LB_TO_KG, 2)
    if facts.severe_renal_impairment is None:
        renal = classify_renal(facts)
        if renal.value is not None:
            out["severe_renal_impairment"] = renal.value != "not_severe"
    return out
