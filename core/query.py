"""What the caller wants decided."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .drugs import Drug

__all__ = ["ChecklistItem", "Frequency", "PitfallTopic", "Query", "Topic"]

Topic = Literal[
    "dose",
    "eligibility",
    "pre_systemic",
    "choice",
    "monitoring",
    "adverse_effects",
    "concomitant",
    "response",
    "pitfalls",
    "overview",
]
"""The decision families the core answers."""

Frequency = Literal["daily", "twice_daily", "weekly", "twice_weekly", "every_2_weeks", "every_4_weeks", "once",
                    "every_other_day", "three_times_daily"]
PitfallTopic = Literal["topicals_first", "contact_dermatitis", "quality_of_life", "antihistamines", "antibiotics"]
ChecklistItem = Literal["bacterial_infection", "eczema_herpeticum", "contact_dermatitis", "lymphoma", "adherence",
                        "document_severity", "phototherapy"]
"""One step of the pre-systemic checklist, when a question asks about it alone ("which allergens do I patch test?").
"""


class Query(BaseModel):
    """A request for decisions about one topic, optionally about one drug."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: Topic
    """What was asked first: it orders what is shown, it never decides whether a safety rule runs."""
    also: tuple[Topic, ...] = ()
    """Further topics the question asks about (shown after ``topic``)."""
    drug: Drug | None = None
    """The agent asked about, if any."""
    other_drugs: tuple[Drug, ...] = ()
    """Further agents the question names (e.g. prednisone as a bridge to dupilumab); safety rules run for each."""
    requested_dose_mg: float | None = Field(default=None, gt=0, le=5000)
    """A dose the clinician proposes (e.g. 30 for upadacitinib 30 mg)."""
    requested_dose_mg_per_kg_day: float | None = Field(default=None, gt=0, le=1000)
    """A weight-based dose the clinician proposes, in mg/kg/day (e.g. 6 for cyclosporine 6 mg/kg/day)."""
    requested_frequency: Frequency | None = None
    """A frequency the clinician proposes (e.g. 'daily' for methotrexate)."""
    escalation: bool = False
    """The clinician asks to increase the dose."""
    start_request: bool = False
    """The proposed dose is meant as the starting dose ("start at 30 mg", "never been on it")."""
    pitfall: PitfallTopic | None = None
    """A specific pitfall asked about (oral antihistamines, prophylactic antibiotics, …)."""
    also_pitfalls: tuple[PitfallTopic, ...] = ()
    """Further pitfalls named in the same question (each fires as a finding)."""
    checklist_item: ChecklistItem | None = None
    """A checklist step asked about by itself: its decision leads the checklist answer, even when it is open."""
