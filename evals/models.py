"""Pydantic models for golden cases, scores, per-case results, run summaries and comparisons.

Everything that is written to or read from disk is a ``BaseModel`` with ``extra="forbid"``, so a mistyped key in
a YAML case or a stale run file fails loudly instead of being silently ignored.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "CaseResult",
    "CategorySummary",
    "Comparison",
    "CaseChange",
    "DecisionExpect",
    "DecisionSnapshot",
    "DoseExpect",
    "Expect",
    "GoldenCase",
    "Provenance",
    "RubricItem",
    "Run",
    "RunSummary",
    "Score",
    "Status",
    "Turn",
]

Status = Literal["answered", "needs_info", "not_covered", "out_of_scope", "refused"]
"""The assistant's answer statuses (mirrors ``assistant.answer.AnswerStatus``)."""

_STRICT = ConfigDict(extra="forbid")


class DoseExpect(BaseModel):
    """A dose the answer's decisions must contain (numbers compared after g↔mg normalisation)."""

    model_config = _STRICT

    phase: str | None = None
    """Dose phase (loading, maintenance, start, escalation, restricted, typical, pediatric); None = any."""
    low: float | None = None
    """Lower (or only) amount in ``unit``; None = not checked."""
    high: float | None = None
    """Upper amount of a range in ``unit``; None = not checked."""
    unit: Literal["mg", "g", "mg/kg/day", "mg/kg"] | None = None
    """Unit of ``low``/``high``; mg and g are interchangeable (normalised to mg)."""
    frequency: str | None = None
    """Frequency exactly as the core states it (e.g. 'once daily', 'every 2 weeks'); None = not checked."""
    route: Literal["oral", "subcutaneous"] | None = None
    """Route; None = not checked."""
    patient_low_mg: float | None = None
    """Weight-based: the patient's lower amount in mg."""
    patient_high_mg: float | None = None
    """Weight-based: the patient's upper amount in mg."""
    per_dose_low_mg: float | None = None
    """Divided doses: mg per administration, lower."""
    per_dose_high_mg: float | None = None
    """Divided doses: mg per administration, upper."""
    tolerance: float = 0.1
    """Absolute tolerance, in mg for mg/g amounts and in the stated unit otherwise."""


class DecisionExpect(BaseModel):
    """A decision the answer must (or, in ``decisions_absent``, must not) contain. Unset fields are not checked."""

    model_config = _STRICT

    rule_id: str | None = None
    """Rule id (see ``core.RULES``)."""
    kind: str | None = None
    """Decision kind (dose, eligibility, pre_systemic, …)."""
    drug: str | None = None
    """Agent the decision is about; the string 'none' requires a decision without a drug."""
    verdict: str | None = None
    """Machine verdict, e.g. 'escalation_not_allowed'."""
    outcome: Literal["decided", "not_covered", "needs_info"] | None = None
    """Decision outcome."""
    severity: Literal["block", "caution", "info"] | None = None
    """Decision severity (block: do not start / do not give; caution: stated before the answer)."""
    primary: bool = False
    """The decision must be the first (primary) one."""
    doses: list[DoseExpect] = Field(default_factory=list)
    """Doses the decision must contain."""
    no_doses: bool = False
    """The decision must carry no dose at all (nothing invented where the guideline is silent)."""

    @model_validator(mode="after")
    def _something(self) -> DecisionExpect:
        if self.rule_id is None and self.kind is None and self.severity is None and self.drug is None:
            raise ValueError("a decision expectation needs rule_id, kind, severity or drug")
        return self


class RubricItem(BaseModel):
    """A HealthBench-style rubric criterion for the optional LLM judge."""

    model_config = _STRICT

    criterion: str
    """What the answer should (positive points) or should not (negative points) do."""
    points: int
    """Points awarded when the criterion is met; negative for undesirable behaviour."""


class Expect(BaseModel):
    """What a correct answer looks like."""

    model_config = _STRICT

    status: Status | None = None
    """The answer status; None = not checked (a blind case may pin only the verdict and the findings)."""
    verdict: Literal["go", "dont", "cant_say", "info"] | None = None
    """The answer's top-level verdict; None = not checked."""
    decisions: list[DecisionExpect] = Field(default_factory=list)
    """Decisions that must be present."""
    decisions_absent: list[DecisionExpect] = Field(default_factory=list)
    """Decisions that must not be present (e.g. an allowed escalation)."""
    cites: list[str] = Field(default_factory=list)
    """Verbatim guideline quotes that must be cited (each checked against the corpus on load)."""
    answer_contains: list[str] = Field(default_factory=list)
    """Case-insensitive substrings the answer text must contain; 'a || b' accepts either."""
    answer_excludes: list[str] = Field(default_factory=list)
    """Case-insensitive substrings the answer text must not contain."""
    problems_contain: list[str] = Field(default_factory=list)
    """Substrings the answer's input-problem messages must contain (e.g. the field name)."""
    missing: list[str] = Field(default_factory=list)
    """Facts the answer must report as missing."""
    facts: dict[str, Any] = Field(default_factory=dict)
    """Facts the answer must have understood (subset match; numbers within 0.01)."""
    passages: list[str] = Field(default_factory=list)
    """Extra passage ids retrieval should surface (besides those of ``cites``)."""
    no_decisions: bool = False
    """The answer must carry no decision at all (out of scope, malformed input)."""


class Turn(BaseModel):
    """One user message of a multi-turn case, optionally with its own expectation."""

    model_config = _STRICT

    say: str
    """The user's message."""
    expect: Expect | None = None
    """What the answer to this message must look like (the last turn uses the case's ``expect`` if unset)."""


class GoldenCase(BaseModel):
    """One golden question (or conversation) and its expected answer."""

    model_config = _STRICT

    id: str
    """Unique id, e.g. 'dose-upa-72y-escalate'."""
    category: str
    """Category (one YAML file per category)."""
    question: str | None = None
    """A single question; exclusive with ``messages``."""
    question_repeat: int | None = None
    """Repeat ``question`` this many times (to build huge inputs without storing them)."""
    messages: list[str | Turn] | None = None
    """A conversation: user messages in order; the case's ``expect`` applies to the last answer."""
    expect: Expect | None = None
    """The expected (final) answer; may be left out when every turn of ``messages`` that is checked has its own."""
    critical: bool = False
    """A failure could harm a patient: any critical failure fails the run."""
    rubric: list[RubricItem] = Field(default_factory=list)
    """Optional rubric for the LLM judge (used only when OPENAI_API_KEY is set)."""
    notes: str | None = None
    """Why the expectation is what it is (guideline passage, core rule)."""
    tags: list[str] = Field(default_factory=list)
    """Free tags (brand-name, typo, lb, boundary …)."""

    @model_validator(mode="after")
    def _one_input(self) -> GoldenCase:
        if (self.question is None) == (self.messages is None):
            raise ValueError("give exactly one of 'question' or 'messages'")
        if self.messages is not None and not self.messages:
            raise ValueError("'messages' must not be empty")
        if self.question_repeat is not None and (self.question is None or self.question_repeat < 1):
            raise ValueError("'question_repeat' needs 'question' and must be ≥ 1")
        if self.expect is None:
            last = self.messages[-1] if self.messages else None
            if not isinstance(last, Turn) or last.expect is None:
                raise ValueError("give 'expect', or an 'expect' on the last of 'messages'")
        return self

    def turns(self) -> list[Turn]:
        """The case as turns; the last one carries the case's expectation unless it has its own."""
        if self.question is not None:
            return [Turn(say=self.question * (self.question_repeat or 1), expect=self.expect)]
        assert self.messages is not None
        turns = [m if isinstance(m, Turn) else Turn(say=m) for m in self.messages]
        last = turns[-1]
        turns[-1] = Turn(say=last.say, expect=last.expect or self.expect)
        return turns


class Score(BaseModel):
    """One scorer's verdict on one answer."""

    model_config = _STRICT

    name: str
    """Scorer name, e.g. 'status', 'decisions', 'unbacked_numbers'."""
    value: float
    """0..1."""
    passed: bool
    """Whether the scorer passed."""
    reason: str
    """Why, in one line (what was expected and what was found on failure)."""
    gating: bool = True
    """Whether a failure fails the case (retrieval and rubric scores are informational)."""
    turn: int | None = None
    """0-based turn the score is about, for multi-turn cases (None: single question)."""


class DecisionSnapshot(BaseModel):
    """The essentials of one actual decision, kept in the results for reports and comparisons."""

    model_config = _STRICT

    rule_id: str
    """Rule id."""
    kind: str
    """Decision kind."""
    drug: str | None
    """Agent."""
    outcome: str
    """decided / not_covered / needs_info."""
    verdict: str | None
    """Machine verdict."""
    doses: list[dict[str, Any]] = Field(default_factory=list)
    """Doses (non-null fields only)."""


class CaseResult(BaseModel):
    """What happened on one case."""

    model_config = _STRICT

    id: str
    """Case id."""
    category: str
    """Case category."""
    critical: bool
    """Whether the case is critical."""
    passed: bool
    """Every gating score passed and no error occurred."""
    scores: list[Score] = Field(default_factory=list)
    """Every score, gating and informational."""
    question: str
    """The (last) question, truncated to 500 characters for display."""
    expected: dict[str, Any] = Field(default_factory=dict)
    """The expectation of the last turn, as JSON."""
    status: str | None = None
    """Actual status of the last answer."""
    answer: str = ""
    """Actual answer text of the last answer."""
    decisions: list[DecisionSnapshot] = Field(default_factory=list)
    """Actual decisions of the last answer."""
    citations: list[str] = Field(default_factory=list)
    """'passage_id: quote' of each citation of the last answer."""
    problems: list[str] = Field(default_factory=list)
    """Input-problem messages of the last answer."""
    error: str | None = None
    """An exception raised while asking or scoring, if any."""
    latency_ms: float = 0.0
    """Wall time for all turns of the case, in milliseconds."""

    @property
    def failures(self) -> list[Score]:
        """The gating scores that failed."""
        return [s for s in self.scores if s.gating and not s.passed]


class CategorySummary(BaseModel):
    """Pass counts for one category."""

    model_config = _STRICT

    total: int
    """Cases in the category."""
    passed: int
    """Cases that passed."""
    pass_rate: float
    """passed / total."""


class Provenance(BaseModel):
    """What a run rests on, so two runs can be compared honestly."""

    model_config = _STRICT

    corpus_sha256: str
    """sha256 of the guideline text."""
    suite_sha256: str
    """sha256 over the suite's YAML files (sorted by name)."""
    suite_path: str
    """Where the suite was loaded from."""
    git_commit: str
    """`git rev-parse HEAD`, or 'unknown'."""
    packages: dict[str, str]
    """Versions of adguide and the libraries it depends on."""
    mode: str
    """offline or openai."""
    model: str | None = None
    """LLM model in openai mode."""
    started_at: str
    """ISO-8601 UTC start time."""
    duration_s: float = 0.0
    """Wall time of the whole run, in seconds."""
    python: str = ""
    """Python version."""


class RunSummary(BaseModel):
    """Aggregates of a run and its verdict."""

    model_config = _STRICT

    total: int
    """Cases run."""
    passed: int
    """Cases passed."""
    pass_rate: float
    """passed / total."""
    threshold: float
    """Minimum pass rate for the run to succeed."""
    critical_total: int
    """Critical cases run."""
    critical_failed: list[str] = Field(default_factory=list)
    """Ids of failed critical cases."""
    failed: list[str] = Field(default_factory=list)
    """Ids of every failed case."""
    by_category: dict[str, CategorySummary] = Field(default_factory=dict)
    """Per-category pass counts."""
    scorer_means: dict[str, float] = Field(default_factory=dict)
    """Mean value of each scorer over the cases it applied to."""
    retrieval_recall_at_k: float | None = None
    """Mean retrieval recall@k over cases that name needed passages."""
    retrieval_mrr: float | None = None
    """Mean reciprocal rank of the first needed passage."""
    regressions: list[str] = Field(default_factory=list)
    """Cases that passed in the baseline and fail now."""
    ok: bool = True
    """No critical failure, pass rate ≥ threshold and no regression."""
    reasons: list[str] = Field(default_factory=list)
    """Why the run is not ok."""


class Run(BaseModel):
    """One run of a suite: provenance, per-case results and the summary."""

    model_config = _STRICT

    provenance: Provenance
    """What the run rests on."""
    results: list[CaseResult]
    """One result per case, in suite order."""
    summary: RunSummary
    """Aggregates and verdict."""


class CaseChange(BaseModel):
    """How one case changed between two runs."""

    model_config = _STRICT

    id: str
    """Case id."""
    category: str
    """Category."""
    change: Literal["fixed", "broken", "still_failing", "still_passing", "added", "removed"]
    """What happened."""
    critical: bool = False
    """Whether the case is critical (in the new run, else the base)."""
    reason: str = ""
    """For broken and still-failing cases: the new run's failing scores."""


class Comparison(BaseModel):
    """``compare(base, new)``: per-case changes, per-category deltas and a paired test."""

    model_config = _STRICT

    base: str
    """Label of the base run."""
    new: str
    """Label of the new run."""
    changes: list[CaseChange]
    """Every case present in either run."""
    category_deltas: dict[str, float]
    """new pass rate − base pass rate, per category (cases present in both)."""
    base_pass_rate: float
    """Base pass rate over the paired cases."""
    new_pass_rate: float
    """New pass rate over the paired cases."""
    fixed: int
    """Cases failing in base and passing in new."""
    broken: int
    """Cases passing in base and failing in new."""
    mcnemar_p: float
    """Exact two-sided McNemar p-value on the discordant pairs (binomial, p = 0.5)."""
    same_corpus: bool
    """Both runs rest on the same corpus sha256."""
    same_suite: bool
    """Both runs used the same suite sha256."""
