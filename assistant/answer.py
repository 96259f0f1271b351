"""The assistant's result: the JSON contract shared by the CLI, the UI, the evals and the audit log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core import Citation, Decision, Verdict

__all__ = ["AnswerStatus", "ContextPassage", "FactSource", "GuardEvent", "Answer", "Mode", "PassageAnswer"]

AnswerStatus = Literal["answered", "needs_info", "not_covered", "out_of_scope", "refused"]
Mode = Literal["offline", "openai"]
FactSource = Literal["this message", "earlier", "panel", "model", "derived"]


class ContextPassage(BaseModel):
    """A passage retrieval supplied as context (not a decision's citation)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    passage_id: str
    """Id of the passage."""
    quote: str
    """Its verbatim citable text."""
    score: float
    """Retrieval score (higher is closer)."""
    refs: tuple[str, ...] = ()
    """Its reference markers."""


class PassageAnswer(BaseModel):
    """A passage that answers the question, quoted verbatim, with its one-line lead (``assistant.passage_answer``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    passage_id: str
    """The passage's id in the corpus (``dupilumab-5``)."""
    heading: str
    """Where it stands in the guideline (``Section › Drug heading``)."""
    lead: str
    """One clause of the passage, verbatim: the part that answers the question."""
    quote: str
    """The passage's whole citable text, verbatim."""
    score: float
    """The retrieval score that selected it."""


class GuardEvent(BaseModel):
    """One check the guard made on generated text, and what happened."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str
    """Which check: numbers, doses, quotes, frequency, facts, injection, provider."""
    passed: bool
    """False when the check rejected the text."""
    detail: str
    """What was found."""
    rejected_text: str | None = None
    """The text that was rejected (never shown to the user)."""


class Answer(BaseModel):
    """One answer. Field names up to ``corpus_sha256`` are a binding contract; later ones are extras."""

    model_config = ConfigDict(extra="forbid")

    status: AnswerStatus
    """answered, needs_info, not_covered, out_of_scope or refused."""
    answer: str
    """The text shown to the user; contains every decision's statement verbatim."""
    decisions: list[Decision] = Field(default_factory=list)
    """The core's decisions: blocks first, then cautions, then what was asked."""
    citations: list[Citation] = Field(default_factory=list)
    """Every citation of every decision, de-duplicated, in order."""
    facts: dict[str, Any] = Field(default_factory=dict)
    """What was understood about the patient (known fields only)."""
    missing: list[str] = Field(default_factory=list)
    """Facts needed to answer, when status is needs_info."""
    fact_sources: dict[str, FactSource] = Field(default_factory=dict)
    """Where each fact in ``facts`` came from (this message, an earlier one, the patient panel, the model, or derived
    by the core from the others: a weight in kg from lb, severe renal impairment from an eGFR)."""
    mode: Mode = "offline"
    """offline or openai."""
    corpus_sha256: str
    """sha256 of the guideline text the answer rests on."""
    question: str = ""
    """The question as received (truncated to the input limit)."""
    intent: str | None = None
    """What the question was understood to ask."""
    drug: str | None = None
    """The agent the question is about, if any."""
    context: list[ContextPassage] = Field(default_factory=list)
    """Retrieved passages shown as further reading."""
    passage_answers: list[PassageAnswer] = Field(default_factory=list)
    """Passages that answer what no rule decides, quoted verbatim in the answer text with a one-line lead."""
    problems: list[str] = Field(default_factory=list)
    """Input problems (impossible values, too long …), one clear message each."""
    guard: list[GuardEvent] = Field(default_factory=list)
    """Guard checks on generated text; a failed one means the deterministic answer was used."""
    verdict: Verdict = "info"
    """go, dont, cant_say or info: ``dont`` whenever a decision blocks (colour the answer by this)."""
    model: str | None = None
    """LLM model name in openai mode."""
    understood: list[str] = Field(default_factory=list)
    """What the extractor recognised, for transparency."""
    latency_ms: float | None = None
    """Time to answer, in milliseconds."""
    app_version: str = ""
    """adguide version."""
    recorded: bool | None = None
    """True once the answer is in the audit store; False when it could not be recorded (the answer stands, the
    reason is in ``problems`` and the CLI exits with code 3); None when the audit trail is off."""

    def to_json(self) -> str:
        """Compact JSON of the whole answer."""
        return self.model_dump_json()
