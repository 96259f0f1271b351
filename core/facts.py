"""What is known about the patient. ``None`` always means *unknown*, never a default."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .drugs import Drug
from .errors import InvalidFactsError, describe_validation_error

__all__ = [
    "FACT_RANGES",
    "LB_TO_KG",
    "AgeGroup",
    "FirstLineBarrier",
    "HighImpactArea",
    "PatientFacts",
    "Potency",
    "RoutePreference",
    "parse_facts",
]

LB_TO_KG = 0.45359237
"""Exact definition of the international avoirdupois pound."""

AgeGroup = Literal["adult", "child"]
Potency = Literal["low", "medium", "high", "super_high"]
HighImpactArea = Literal["hands", "face", "eyelids"]
RoutePreference = Literal["oral", "injection"]
FirstLineBarrier = Literal["unavailable", "unaffordable", "contraindicated"]

# field -> (low, low inclusive, high, unit). Physiological limits: anything outside is a typo.
FACT_RANGES: dict[str, tuple[float, bool, float, str]] = {
    "age_years": (0, True, 120, "years"),
    "age_at_least_years": (0, True, 120, "years"),
    "age_below_years": (0, False, 121, "years"),
    # 0.3 kg: below the smallest live newborn; "0.0001 kg" is a typo, not a patient (it gave "0-0 mg/day")
    "weight_kg": (0.3, True, 400, "kg"),
    "weight_lb": (0.7, True, round(400 / LB_TO_KG, 1), "lb"),
    "weight_below_kg": (0.3, False, 401, "kg"),
    "egfr": (0, True, 200, "mL/min/1.73 m²"),
    "ckd_stage": (1, True, 5, ""),
    "bsa_percent": (0, True, 100, "%"),
    "iga": (0, True, 4, ""),
    "pruritus_nrs": (0, True, 10, ""),
    "topical_trial_days": (0, True, 3650, "days"),
    "severity_timepoints": (0, True, 100, ""),
    "current_dose_mg": (0, False, 5000, "mg"),
    "weeks_on_treatment": (0, True, 520, "weeks"),
}


def _range_text(field: str) -> str:
    low, inclusive, high, unit = FACT_RANGES[field]
    lo = f"{low:g}" if inclusive else f"more than {low:g}"
    return f"{lo} to {high:g}{(' ' + unit) if unit else ''}" if inclusive else f"{lo} and at most {high:g} {unit}"


class PatientFacts(BaseModel):
    """Patient facts the rules read. Every field is optional; unknown stays ``None``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    age_years: float | None = None
    """Age in years (0–120)."""
    age_at_least_years: float | None = None
    """A lower bound on the age when no exact age is given ("in her seventies" → 70, "over 65" → 65)."""
    age_below_years: float | None = None
    """An upper bound, exclusive, when no exact age is given ("a child under 12" → 12; born 2019 → below 8)."""
    age_group: AgeGroup | None = None
    """'adult' or 'child' when stated without a number (adult = 18 years or older)."""
    weight_kg: float | None = None
    """Body weight in kilograms (0.3-400)."""
    weight_lb: float | None = None
    """Body weight in pounds, when given in pounds; converted with 1 lb = 0.45359237 kg."""
    weight_below_kg: float | None = None
    """An upper bound on the weight, exclusive, when no exact weight is given ("under 40 kg" → 40)."""
    egfr: float | None = None
    """Estimated GFR in mL/min/1.73 m² (0–200)."""
    ckd_stage: int | None = None
    """CKD stage 1–5 (KDIGO G1–G5) when stated instead of an eGFR."""
    severe_renal_impairment: bool | None = None
    """Severe renal impairment stated as such by the clinician."""
    bsa_percent: float | None = None
    """Affected body surface area, percent (0–100)."""
    iga: int | None = None
    """Investigator's Global Assessment, 0–4."""
    pruritus_nrs: float | None = None
    """Pruritus numeric rating scale, 0–10."""
    qol_impaired: bool | None = None
    """Significant quality-of-life impairment."""
    high_impact_areas: tuple[HighImpactArea, ...] | None = None
    """Involved high-impact areas (hands, face, eyelids); empty means none involved."""
    sleep_disruption: bool | None = None
    """Significant sleep disruption."""
    psychosocial_impact: bool | None = None
    """Significant psychosocial impact."""
    topical_trial_days: int | None = None
    """Length of the intensive topical corticosteroid trial, in days."""
    topical_potency: Potency | None = None
    """Potency of that topical corticosteroid (as stated or classified from ``topical_steroid``)."""
    topical_steroid: str | None = None
    """Name of the topical corticosteroid used, if given (e.g. 'triamcinolone 0.1%')."""
    severity_timepoints: int | None = None
    """How many time points document moderate-to-severe disease."""
    adherent: bool | None = None
    """Whether the topical regimen was actually used as prescribed."""
    steroid_phobia: bool | None = None
    """Corticosteroid phobia reported."""
    contact_dermatitis_excluded: bool | None = None
    """Allergic contact dermatitis ruled out (e.g. by patch testing)."""
    refractory: bool | None = None
    """Disease described as refractory."""
    lymphoma_excluded: bool | None = None
    """Cutaneous lymphoma ruled out."""
    bacterial_superinfection: bool | None = None
    """Signs of bacterial superinfection (crusting, weeping, pustules)."""
    eczema_herpeticum: bool | None = None
    """Eczema herpeticum suspected or present."""
    infection_signs: tuple[str, ...] | None = None
    """Signs named in the question (for display), e.g. ('crusting', 'pustules')."""
    infection_treated: bool | None = None
    """An active infection has already been treated."""
    phototherapy_considered: bool | None = None
    """Phototherapy (narrowband UVB) considered or tried."""
    phototherapy_accessible: bool | None = None
    """Phototherapy accessible and practical for this patient."""
    route_preference: RoutePreference | None = None
    """'oral' (e.g. declines injections) or 'injection'."""
    first_line_barriers: tuple[FirstLineBarrier, ...] | None = None
    """Why first-line agents cannot be used, if they cannot."""
    pregnancy_or_planning: bool | None = None
    """Pregnant or planning pregnancy."""
    pregnancy_possible: bool | None = None
    """Pregnancy neither confirmed nor excluded ("probably not pregnant, no test yet", "might be pregnant")."""
    sex: Literal["female", "male"] | None = None
    """As stated ("29F", "a woman", "Mr"); only used to say that a teratogenic agent's pregnancy status is unknown."""
    current_drug: Drug | None = None
    """Systemic agent the patient is on now."""
    current_dose_mg: float | None = None
    """Current dose of that agent in mg."""
    inadequate_response: bool | None = None
    """Response to the current agent judged inadequate."""
    weeks_on_treatment: float | None = None
    """Weeks on the current agent."""
    acute_severe_flare: bool | None = None
    """An acute severe flare now."""
    rapid_control_needed: bool | None = None
    """Rapid control of the disease is needed ("he needs something quick")."""

    @field_validator(*FACT_RANGES, mode="before")
    @classmethod
    def _not_bool(cls, value: Any, info: Any) -> Any:
        # pydantic would read True as 1; a yes/no is never a measurement
        if isinstance(value, bool):
            raise ValueError(f"must be a number, {_range_text(info.field_name)} (got {value})")
        return value

    @field_validator(*FACT_RANGES, mode="after")
    @classmethod
    def _in_range(cls, value: Any, info: Any) -> Any:
        if value is None:
            return value
        field = info.field_name
        low, inclusive, high, _ = FACT_RANGES[field]
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"must be a finite number, {_range_text(field)} (got {value})")
        if value > high or value < low or (not inclusive and value == low):
            shown = f"{value:,.0f}" if abs(value) >= 1e6 else f"{value:g}"  # 1,000,002 rather than 1.00002e+06
            raise ValueError(f"must be {_range_text(field)} (got {shown})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> PatientFacts:
        problems = []
        if self.weight_kg is not None and self.weight_lb is not None:
            if abs(self.weight_lb * LB_TO_KG - self.weight_kg) > 0.01 * self.weight_kg + 0.1:
                problems.append(
                    f"weight_kg {self.weight_kg:g} and weight_lb {self.weight_lb:g} disagree; give the weight once"
                )
        weight = self.weight_kg if self.weight_kg is not None else (
            self.weight_lb * LB_TO_KG if self.weight_lb is not None else None)
        if self.weight_below_kg is not None and weight is not None and weight >= self.weight_below_kg:
            problems.append(f"weight {weight:g} kg is not below weight_below_kg {self.weight_below_kg:g}; give the "
                            "weight once")
        if self.age_years is not None and self.age_group is not None:
            if (self.age_group == "adult") != (self.age_years >= 18):
                problems.append(f"age_group '{self.age_group}' contradicts age_years {self.age_years:g}")
        if self.age_at_least_years is not None:
            if self.age_years is not None and self.age_years < self.age_at_least_years:
                problems.append(f"age_years {self.age_years:g} is below age_at_least_years "
                                f"{self.age_at_least_years:g}; give the age once")
            if self.age_group == "child" and self.age_at_least_years >= 18:
                problems.append(f"age_group 'child' contradicts age_at_least_years {self.age_at_least_years:g}")
        if self.age_below_years is not None:
            if self.age_years is not None and self.age_years >= self.age_below_years:
                problems.append(f"age_years {self.age_years:g} is not below age_below_years "
                                f"{self.age_below_years:g}; give the age once")
            if self.age_at_least_years is not None and self.age_at_least_years >= self.age_below_years:
                problems.append(f"age_at_least_years {self.age_at_least_years:g} is not below age_below_years "
                                f"{self.age_below_years:g}; give the age once")
            if self.age_group == "adult" and self.age_below_years <= 18:
                problems.append(f"age_group 'adult' contradicts age_below_years {self.age_below_years:g}")
        if self.egfr is not None and self.ckd_stage is not None:
            from .classify import ckd_stage_for_egfr

            if ckd_stage_for_egfr(self.egfr) != self.ckd_stage:
                problems.append(f"egfr {self.egfr:g} is not CKD stage {self.ckd_stage}; give one of them")
        if self.severe_renal_impairment is not None:
            from .classify import ckd_stage_for_egfr

            stage = self.ckd_stage if self.egfr is None else ckd_stage_for_egfr(self.egfr)
            # stated severity must agree with a stated eGFR / CKD stage: stage 4-5 is severe or worse
            if stage is not None and self.severe_renal_impairment != (stage >= 4):
                given = f"egfr {self.egfr:g}" if self.egfr is not None else f"ckd_stage {self.ckd_stage}"
                problems.append(f"{given} contradicts severe_renal_impairment={self.severe_renal_impairment}; "
                                "give one of them")
        if self.current_dose_mg is not None and self.current_drug is None:
            problems.append("current_dose_mg is given without current_drug")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def weight_in_kg(self) -> float | None:
        """Weight in kg, converted from lb when that is how it was given."""
        if self.weight_kg is not None:
            return self.weight_kg
        if self.weight_lb is not None:
            return self.weight_lb * LB_TO_KG
        return None

    @property
    def is_adult(self) -> bool | None:
        """True at 18 or older, False under 18, None when unknown."""
        if self.age_years is not None:
            return self.age_years >= 18
        if self.age_group is not None:
            return self.age_group == "adult"
        if self.age_at_least_years is not None and self.age_at_least_years >= 18:
            return True
        if self.age_below_years is not None and self.age_below_years <= 18:
            return False
        return None

    @property
    def age_65_or_older(self) -> bool | None:
        """True at 65 or older (an exact age or a lower bound that reaches it), False under 65, None unknown."""
        if self.age_years is not None:
            return self.age_years >= 65
        if self.age_at_least_years is not None and self.age_at_least_years >= 65:
            return True
        if self.age_below_years is not None and self.age_below_years <= 65:
            return False
        return None

    def known(self) -> dict[str, Any]:
        """Only the fields that are known, for display and logs."""
        return self.model_dump(exclude_none=True)


def parse_facts(data: dict[str, Any]) -> PatientFacts:
    """Validate raw facts; raise ``InvalidFactsError`` listing every problem by field and range."""
    try:
        return PatientFacts.model_validate(data)
    except ValidationError as exc:
        raise InvalidFactsError(describe_validation_error(exc)) from exc
