"""Decisions: what the core concluded, why, from which guideline words."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from .drugs import Drug

__all__ = [
    "Citation",
    "CoreResult",
    "Criterion",
    "CriterionStatus",
    "Decision",
    "DecisionKind",
    "Dose",
    "DosePhase",
    "InputValue",
    "Outcome",
    "Severity",
    "Status",
    "Verdict",
]

DecisionKind = Literal[
    "eligibility",
    "pre_systemic",
    "choice",
    "dose",
    "monitoring",
    "adverse_effects",
    "concomitant",
    "response",
    "pitfall",
    "overview",
]
Outcome = Literal["decided", "not_covered", "needs_info"]
"""``decided``: the text settles it; ``not_covered``: the text gives nothing for this case;
``needs_info``: the text settles it once the listed ``missing`` facts are known."""
CriterionStatus = Literal["met", "not_met", "unknown"]
Status = Literal["answered", "needs_info", "not_covered"]
Severity = Literal["block", "caution", "info"]
"""``block``: do not start or do not give this (as asked, for this patient); ``caution``: stated before the
answer; ``info``: what was asked, or background."""
Verdict = Literal["go", "dont", "cant_say", "info"]
"""The whole answer in one word, for colouring: ``dont`` whenever any decision blocks; ``cant_say`` when the
guideline gives nothing or a fact is missing; ``go`` for an actionable decision; ``info`` otherwise."""
InputValue = str | int | float | bool | list[str] | None
DosePhase = Literal["loading", "maintenance", "start", "escalation", "restricted", "typical", "pediatric"]


class Citation(BaseModel):
    """A verbatim span of the guideline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    """Corpus source id."""
    passage_id: str
    """Id of the passage the quote is from."""
    quote: str
    """Exact substring of the guideline text."""
    refs: tuple[str, ...]
    """The passage's reference markers."""


class Criterion(BaseModel):
    """One condition a rule checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    """Short name, e.g. 'age < 65'."""
    status: CriterionStatus
    """met, not_met or unknown (an input was missing)."""
    detail: str
    """What was compared with what."""
    basis: str | None = None
    """The standard definition used when the guideline does not define a term (e.g. KDIGO)."""


class Dose(BaseModel):
    """A dose the guideline states, computed for the patient when weight-based."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    drug: Drug
    """The agent."""
    phase: DosePhase
    """Which part of the regimen."""
    low: float
    """Lower (or only) amount, in ``unit``."""
    high: float | None = None
    """Upper amount of a range, in ``unit``."""
    unit: Literal["mg", "g", "mg/kg/day", "mg/kg"]
    """Unit as the guideline states it."""
    route: Literal["oral", "subcutaneous"]
    """Route of administration."""
    frequency: Literal["once", "every 2 weeks", "once daily", "twice daily", "once weekly", "daily", "per day"]
    """Frequency as the guideline states it."""
    patient_low_mg: float | None = None
    """Weight-based: the patient's lower amount in mg (per ``patient_per``)."""
    patient_high_mg: float | None = None
    """Weight-based: the patient's upper amount in mg."""
    patient_per: Literal["day", "dose"] | None = None
    """What ``patient_low_mg``/``patient_high_mg`` are per."""
    per_dose_low_mg: float | None = None
    """When the daily amount is divided: mg per administration, lower."""
    per_dose_high_mg: float | None = None
    """When the daily amount is divided: mg per administration, upper."""
    formula: str | None = None
    """The computation with the numbers filled in."""


class Decision(BaseModel):
    """One conclusion of one rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str
    """Id of the rule that decided (see ``adguide rules``)."""
    kind: DecisionKind
    """Decision family."""
    drug: Drug | None
    """The agent, if the decision is about one."""
    outcome: Outcome
    """decided, not_covered or needs_info."""
    verdict: str | None = None
    """Short machine verdict, e.g. 'eligible', 'not_yet', 'cannot_tell', 'escalation_not_allowed'."""
    severity: Severity = "info"
    """block, caution or info: blocks are shown first, then cautions, then what was asked."""
    statement: str
    """Plain clinical English; shown verbatim in every answer."""
    citations: tuple[Citation, ...]
    """The guideline words the decision rests on (never empty)."""
    inputs: dict[str, InputValue]
    """The facts the rule read, as given (None = unknown)."""
    criteria: tuple[Criterion, ...] = ()
    """Conditions checked, with met / not met / unknown."""
    doses: tuple[Dose, ...] = ()
    """Doses stated or computed."""
    formula: str | None = None
    """For computed doses: the formula with the numbers filled in."""
    missing: tuple[str, ...] = ()
    """Facts needed to decide, when ``outcome`` is needs_info."""


class CoreResult(BaseModel):
    """Everything the core decided for one query."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Status
    """answered, needs_info or not_covered: from the first block if any, else from the first asked decision."""
    decisions: tuple[Decision, ...]
    """Blocks first, then cautions, then the decisions of what was asked."""
    verdict: Verdict = "info"
    """go, dont, cant_say or info (see ``Verdict``)."""
    missing: tuple[str, ...] = ()
    """Every missing fact across the decisions."""
