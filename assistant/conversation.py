"""Multi-turn state: patient facts accumulate across messages, follow-ups inherit the last question.

Merge rules (``Conversation.update``):

* Facts override field by field: "and if she were 70?" changes ``age_years`` only.
* Fields that state one quantity in two ways are exclusive — a new value of one removes the old value(s) of
  the others unless they are given in the same message:
  ``weight_kg`` ↔ ``weight_lb``; ``egfr`` ↔ ``ckd_stage`` ↔ ``severe_renal_impairment``;
  ``topical_steroid`` ↔ ``topical_potency`` (a stated potency described the old steroid).
* A new ``age_years`` removes an old ``age_group`` that contradicts it (adult = 18 or older), and vice versa.
* A new ``current_drug`` different from the old one removes ``current_dose_mg``, ``weeks_on_treatment`` and
  ``inadequate_response`` carried from the old drug, unless restated.
* Old ``infection_signs`` are dropped whenever infection is restated in any way (the booleans themselves
  override field by field), so "no more crusting" does not leave stale signs on display.
* A message with no intent of its own (``intent is None``) keeps the previous intent, drug and requested
  dose/frequency/escalation/pitfall; a new drug on such a follow-up drops the requested dose fields (they
  were about the other drug). A message with its own intent starts a new question: the drug is kept only
  if none is named, the requested dose fields and pitfall come from this message alone.
* A message that only states or corrects facts ("actually her latest eGFR came back 24", "update: labs came back,
  eGFR 24") has no intent of its own (the extractor reports ``intent=None``), so the previous question is kept
  and only the facts change.
* A hypothetical ("and if she were 70?", "what if …") is merged like any follow-up, but the caller answers it
  on the merged copy and keeps the stored facts (``Turn.hypothetical``); the answer says so.
* A new question that states another age, not as a correction ("actually", "sorry") or a hypothetical, looks
  like another patient: the earlier facts are not carried over (``Turn.not_carried``) and the answer says so.
* ``new_patient`` ("new patient: …") drops all facts and the previous question before merging; with
  ``follow_up`` also set and no intent of its own ("new patient, 9 years old — same question") the previous
  question (intent, drug, requested dose/frequency/escalation/pitfall) is kept and only the facts are dropped;
  with ``follow_up`` and an intent of its own but no drug ("new patient: 9 yo, same drug - dose?") only the agent
  is kept.
* A bare unit-less number on a follow-up ("and 65?", ``Extraction.bare_number``) is an age when the previous
  on-topic turn stated an age and no other number, and the number is a plausible age (0–120); otherwise it is
  ignored. "63 yo … go to 30?" → "and if he were 64?" → "and 65?" reads 65 as the age.
* After a ``needs_info`` answer (``awaiting``), a plain statement of facts with no question of its own answers it:
  the pending question stays even when a fact word alone would suggest another topic ("68 kg, TPMT normal").
* 'out_of_scope' turns change nothing: the previous question and facts stay for the next on-topic turn.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core import ChecklistItem, Drug, Frequency, PitfallTopic, Query

from .extract import Extraction, Intent

__all__ = ["EXCLUSIVE_GROUPS", "MAX_HISTORY", "Conversation", "Turn"]

MAX_HISTORY = 10
"""How many earlier messages a conversation keeps as context."""

EXCLUSIVE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("weight_kg", "weight_lb", "weight_below_kg"),
    ("age_years", "age_at_least_years", "age_below_years"),
    ("egfr", "ckd_stage", "severe_renal_impairment"),
    ("topical_steroid", "topical_potency"),
)
"""Fields stating the same thing in different ways; only the most recent statement is kept."""

_PLAUSIBLE_AGE = (0.0, 120.0)
# a sentence opening like a question asks something new even without its question mark
_QUESTION_START_RE = re.compile(
    r"\s*(?:what|which|how|when|why|who|where|can|could|should|shall|would|will|is|are|does|do|did|may|must|"
    r"any|ok|okay|safe|start|switch|give|prescribe|dose|dosing|monitor\w*)\b", re.IGNORECASE)
_CURRENT_DRUG_DEPENDENTS = ("current_dose_mg", "weeks_on_treatment", "inadequate_response")
_INFECTION_GROUP = ("bacterial_superinfection", "eczema_herpeticum", "infection_signs")
_TOPICS = frozenset(
    {"dose", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects", "concomitant", "response",
     "pitfalls", "overview"}
)


class Turn(BaseModel):
    """The state after one message: what to ask the core and what changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intent: Intent | None
    """Effective intent (carried over on a follow-up); ``None`` only if nothing was ever asked."""
    drug: Drug | None
    """Effective drug."""
    requested_dose_mg: float | None
    """Effective proposed dose in mg."""
    requested_frequency: Frequency | None
    """Effective proposed frequency."""
    escalation: bool
    """Effective escalation flag."""
    start_request: bool = False
    """The proposed dose is meant as the starting dose."""
    also_pitfalls: tuple[PitfallTopic, ...] = ()
    """Further named pitfalls."""
    requested_dose_mg_per_kg_day: float | None = None
    """Effective proposed weight-based dose in mg/kg/day."""
    other_drugs: tuple[Drug, ...] = ()
    """Further agents named (safety rules run for each)."""
    pitfall: PitfallTopic | None
    """Effective pitfall topic."""
    checklist_item: ChecklistItem | None = None
    """The checklist step asked about by itself, if any."""
    facts: dict[str, Any]
    """All accumulated facts after this message (raw, not validated)."""
    changed: dict[str, Any] = Field(default_factory=dict)
    """Facts this message set."""
    removed: tuple[str, ...] = ()
    """Facts this message removed because a newer statement superseded them."""
    follow_up: bool = False
    """The message was read as a follow-up to the previous turn."""
    hypothetical: bool = False
    """A hypothetical about the same patient: the caller evaluates it and keeps the stored facts."""
    not_carried: dict[str, Any] = Field(default_factory=dict)
    """Earlier facts dropped because the message looks like another patient (a new age, not a correction)."""
    override_attempt: bool = False
    """The message tried to override the rules."""
    extraction: Extraction
    """The raw reading of this message."""

    def query(self) -> Query | None:
        """A core ``Query`` for this turn, or None for 'general', 'out_of_scope', no intent or an invalid dose."""
        if self.intent not in _TOPICS:
            return None
        try:
            return Query(
                topic=self.intent,
                drug=self.drug,
                requested_dose_mg=self.requested_dose_mg,
                requested_frequency=self.requested_frequency,
                requested_dose_mg_per_kg_day=self.requested_dose_mg_per_kg_day,
                escalation=self.escalation,
                start_request=self.start_request,
                pitfall=self.pitfall,
                also_pitfalls=self.also_pitfalls,
                checklist_item=self.checklist_item,
                other_drugs=tuple(d for d in self.other_drugs if d != self.drug),
            )
        except ValidationError:
            return None


class Conversation(BaseModel):
    """Accumulated facts and the last question of one chat; mutate with ``update`` and ``reset``."""

    model_config = ConfigDict(extra="forbid")

    facts: dict[str, Any] = Field(default_factory=dict)
    """Facts stated so far (raw; the caller validates with ``core.parse_facts``)."""
    intent: Intent | None = None
    """Last effective intent."""
    drug: Drug | None = None
    """Last effective drug."""
    requested_dose_mg: float | None = None
    """Last proposed dose in mg."""
    requested_frequency: Frequency | None = None
    """Last proposed frequency."""
    requested_dose_mg_per_kg_day: float | None = None
    """Last proposed weight-based dose in mg/kg/day."""
    other_drugs: tuple[Drug, ...] = ()
    """Further agents named with the last question."""
    escalation: bool = False
    """Last escalation flag."""
    start_request: bool = False
    """Last 'this is the starting dose' flag."""
    also_pitfalls: tuple[PitfallTopic, ...] = ()
    """Further pitfalls named with the last question."""
    pitfall: PitfallTopic | None = None
    """Last pitfall topic."""
    checklist_item: ChecklistItem | None = None
    """Last checklist step asked about by itself."""
    turns: int = 0
    """Messages merged since the last reset."""
    last_numeric: tuple[str, ...] = ()
    """The numeric facts the last on-topic message stated (to read a bare "and 65?" that follows)."""
    questions: list[str] = Field(default_factory=list)
    """Earlier messages of this patient, oldest first (context for an LLM provider; at most ``MAX_HISTORY``)."""
    awaiting: tuple[str, ...] = ()
    """What the last answer asked for (its ``missing`` items when it was ``needs_info``), else empty."""

    def reset(self) -> None:
        """Forget everything (new patient, new chat)."""
        self.facts = {}
        self.intent = None
        self.drug = None
        self._clear_question()
        self.turns = 0
        self.last_numeric = ()
        self.questions = []
        self.awaiting = ()

    def remember(self, question: str) -> None:
        """Keep ``question`` as context for later turns (the most recent ``MAX_HISTORY`` only)."""
        self.questions = [*self.questions, question][-MAX_HISTORY:]

    def _looks_like_another_patient(self, e: Extraction) -> bool:
        """A new question stating another age, not as a correction or a hypothetical: probably another patient."""
        old, new = self.facts.get("age_years"), e.facts.get("age_years")
        return (e.intent not in (None, "out_of_scope") and not e.follow_up and not e.correction and not e.hypothetical
                and not e.new_patient and isinstance(old, int | float) and isinstance(new, int | float) and old != new)

    def _clear_question(self) -> None:
        self.requested_dose_mg = None
        self.requested_dose_mg_per_kg_day = None
        self.other_drugs = ()
        self.requested_frequency = None
        self.escalation = False
        self.start_request = False
        self.also_pitfalls = ()
        self.pitfall = None
        self.checklist_item = None

    def _merge_facts(self, new: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
        """Apply the override and exclusivity rules; returns (changed, removed)."""
        facts = dict(self.facts)
        removed: list[str] = []

        def drop(field: str) -> None:
            if field in facts and field not in new:
                del facts[field]
                removed.append(field)

        for group in EXCLUSIVE_GROUPS:
            if any(field in new for field in group):
                for field in group:
                    drop(field)
        if "age_years" in new and "age_group" not in new and "age_group" in facts:
            age = new["age_years"]
            if isinstance(age, int | float) and (facts["age_group"] == "adult") != (age >= 18):
                drop("age_group")
        if "age_group" in new and "age_years" not in new and "age_years" in facts:
            age = facts["age_years"]
            if isinstance(age, int | float) and (new["age_group"] == "adult") != (age >= 18):
                drop("age_years")
        if "current_drug" in new and facts.get("current_drug") not in (None, new["current_drug"]):
            for field in _CURRENT_DRUG_DEPENDENTS:
                drop(field)
        if any(field in new for field in _INFECTION_GROUP):
            drop("infection_signs")
        facts.update(new)
        self.facts = facts
        return dict(new), tuple(removed)

    def _answers_what_was_asked(self, e: Extraction, text: str | None) -> bool:
        """After a ``needs_info`` answer, a plain statement of facts with no question of its own ("68 kg, 47 years
        old, TPMT normal") supplies what was asked: the pending question stays, whatever topic a fact word such
        as "TPMT" would suggest on its own."""
        if not self.awaiting or text is None or not e.facts or self.intent is None:
            return False
        if e.intent in (None, "out_of_scope") or e.new_patient or e.hypothetical or e.override_attempt:
            return False
        if e.drug not in (None, self.drug) or e.requested_dose_mg is not None or e.escalation or e.start_request:
            return False
        return "?" not in text and not any(_QUESTION_START_RE.match(part) for part in re.split(r"[.;:!\n]", text))

    def update(self, extraction: Extraction, text: str | None = None) -> Turn:
        """Merge one message (see the module docstring for the rules) and return the resulting turn; ``text`` is
        the message itself, used to tell a plain statement of facts from a new question."""
        if self._answers_what_was_asked(extraction, text):
            extraction = extraction.model_copy(update={"intent": None})
        not_carried: dict[str, Any] = {}
        if self._looks_like_another_patient(extraction):
            not_carried = dict(self.facts)
            self.facts = {}
            self.last_numeric = ()
        if extraction.new_patient:
            keep = extraction.follow_up and extraction.intent is None
            question = (self.intent, self.drug, self.requested_dose_mg, self.requested_frequency, self.escalation,
                        self.pitfall)
            self.reset()
            if keep:  # "new patient, 9 years old — same question": the question stays, the facts go
                (self.intent, self.drug, self.requested_dose_mg, self.requested_frequency, self.escalation,
                 self.pitfall) = question
            elif extraction.follow_up and extraction.drug is None:
                self.drug = question[1]  # "new patient: 9 yo, same drug - dose?": only the agent stays
        if extraction.intent == "out_of_scope":
            changed: dict[str, Any] = {}
            removed: tuple[str, ...] = ()
            return Turn(
                intent="out_of_scope", drug=None, requested_dose_mg=None, requested_frequency=None,
                escalation=False, pitfall=None, facts=dict(self.facts), follow_up=False,
                override_attempt=extraction.override_attempt, extraction=extraction, changed=changed, removed=removed,
            )
        new_facts = extraction.facts
        if ("weeks_on_treatment" in new_facts and extraction.drug is None and "current_drug" not in new_facts
                and "current_drug" not in self.facts and "topical_trial_days" in self.facts):
            # "5 wks of TAC" then "correction, she's only been on it 4 days": with no systemic agent in the
            # conversation, the only treatment "it" can be is the topical trial
            weeks = new_facts["weeks_on_treatment"]
            new_facts = {k: v for k, v in new_facts.items() if k != "weeks_on_treatment"}
            new_facts["topical_trial_days"] = round(weeks * 7)
        bare = extraction.bare_number
        if (bare is not None and extraction.intent is None and not new_facts and self.last_numeric == ("age_years",)
                and "age_years" in self.facts and _PLAUSIBLE_AGE[0] < bare <= _PLAUSIBLE_AGE[1]
                and bare != self.requested_dose_mg):  # "go ahead with the 30?" names the dose asked about
            new_facts = {"age_years": int(bare) if bare == int(bare) else bare}  # "and 65?" after an age change
        elif bare is not None and extraction.intent is None and not new_facts and bare > 0 and (
                self.requested_dose_mg_per_kg_day is not None or self.requested_dose_mg is not None):
            # "Neoral 4 mg/kg/day for 70 kg - ok?" then "what about 6?": the same question for another amount, in the
            # unit the amount was asked in
            if self.requested_dose_mg_per_kg_day is not None:
                extraction = extraction.model_copy(update={"requested_dose_mg_per_kg_day": bare})
            else:
                extraction = extraction.model_copy(update={"requested_dose_mg": bare})
        changed, removed = self._merge_facts(new_facts)
        numeric = tuple(k for k, v in changed.items() if isinstance(v, int | float) and not isinstance(v, bool))
        if changed:  # a message that states no fact keeps the last one's reading
            self.last_numeric = numeric
        follow_up = extraction.intent is None
        if follow_up:
            if extraction.drug is not None and extraction.drug != self.drug:
                self.requested_dose_mg = None
                self.requested_dose_mg_per_kg_day = None
                self.requested_frequency = None
                self.escalation = False
                self.drug = extraction.drug
            if extraction.requested_dose_mg is not None:
                self.requested_dose_mg = extraction.requested_dose_mg
            if extraction.requested_dose_mg_per_kg_day is not None:
                self.requested_dose_mg_per_kg_day = extraction.requested_dose_mg_per_kg_day
            self.other_drugs = tuple(dict.fromkeys((*self.other_drugs, *extraction.other_drugs)))
            if extraction.requested_frequency is not None:
                self.requested_frequency = extraction.requested_frequency
            self.escalation = self.escalation or extraction.escalation
            self.start_request = self.start_request or extraction.start_request
            self.also_pitfalls = tuple(dict.fromkeys((*self.also_pitfalls, *extraction.also_pitfalls)))
            if self.intent is None and (extraction.drug is not None or extraction.facts):
                self.intent = "general"  # first message: facts only, nothing asked yet
        else:
            self.intent = extraction.intent
            if extraction.drug is not None:
                self.drug = extraction.drug
            self.requested_dose_mg = extraction.requested_dose_mg
            self.requested_dose_mg_per_kg_day = extraction.requested_dose_mg_per_kg_day
            self.other_drugs = tuple(extraction.other_drugs)
            self.requested_frequency = extraction.requested_frequency
            self.escalation = extraction.escalation
            self.start_request = extraction.start_request
            self.also_pitfalls = tuple(extraction.also_pitfalls)
            self.pitfall = extraction.pitfall
            self.checklist_item = extraction.checklist_item
        self.turns += 1
        return Turn(
            intent=self.intent,
            drug=self.drug,
            requested_dose_mg=self.requested_dose_mg,
            requested_frequency=self.requested_frequency,
            requested_dose_mg_per_kg_day=self.requested_dose_mg_per_kg_day,
            other_drugs=self.other_drugs,
            escalation=self.escalation,
            start_request=self.start_request,
            also_pitfalls=self.also_pitfalls,
            pitfall=self.pitfall,
            checklist_item=self.checklist_item,
            facts=dict(self.facts),
            changed=changed,
            removed=removed,
            follow_up=follow_up or extraction.follow_up,
            hypothetical=extraction.hypothetical,
            not_carried=not_carried,
            override_attempt=extraction.override_attempt,
            extraction=extraction,
        )
